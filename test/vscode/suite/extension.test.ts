// The extension loads and activates in a real VS Code extension host.
import * as assert from 'assert';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, getExtension, log, workspaceRoot } from '../helpers';

suite('extension', () => {
  test('VS Code reports its version', () => {
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
    log(`    VS Code ${vscode.version} (${vscode.env.appName}, ui kind ${vscode.UIKind[vscode.env.uiKind]})`);
  });

  test(`${EXTENSION_ID} is present`, () => {
    const ext = getExtension();
    assert.strictEqual(ext.packageJSON.name, 'agent-trail');
    assert.strictEqual(ext.packageJSON.publisher, 'agent-trail');
  });

  test('it activates', async () => {
    await activateExtension();
    assert.strictEqual(getExtension().isActive, true);
  });

  test('the demo workspace is open', async () => {
    const root = workspaceRoot();
    const files = await vscode.workspace.findFiles('src/*.js');
    assert.deepStrictEqual(
      files.map((u) => vscode.workspace.asRelativePath(u)),
      ['src/greet.js'],
      `files of ${root}`,
    );
  });
});
