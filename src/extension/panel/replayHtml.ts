// The replay webview's HTML: a strict CSP (nothing by default; the one script
// by a fresh nonce; styles and assets only from the built folder, through
// asWebviewUri), the built script and styles, an empty #app. No data goes
// into the HTML: the webview asks for it once it runs.
import crypto from 'node:crypto';
import * as vscode from 'vscode';

/** 128 random bits, base64: the CSP nonce of one render. */
export function newNonce(): string {
  return crypto.randomBytes(16).toString('base64');
}

/** The folder the webview may load from (localResourceRoots). */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'media', 'webview');
}

export function replayHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string = newNonce()): string {
  const root = webviewRoot(extensionUri);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css'));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<link rel="stylesheet" href="${style.toString()}">`,
    '<title>Agent Trail Replay</title>',
    '</head>',
    '<body>',
    '<div id="app"></div>',
    `<script nonce="${nonce}" src="${script.toString()}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}
