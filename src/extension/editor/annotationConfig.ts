// What the editor features need of the configuration facade (config.ts): the
// three annotation switches and a change event. Configuration satisfies it.
import type * as vscode from 'vscode';
import type { AnnotationSettings } from '../config';

export type { AnnotationSettings };

export interface AnnotationConfig {
  readonly settings: { readonly annotations: AnnotationSettings };
  readonly onDidChange: vscode.Event<unknown>;
}
