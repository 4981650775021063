// Messages between the replay panel host and webview-ui/. No vscode, no Node.

/** The webview announces it can receive messages; the host waits for this before posting. */
export interface ReadyMessage {
  readonly type: 'ready';
}

export type WebviewToHost = ReadyMessage;
