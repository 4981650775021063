// The replay webview app. The same bundle renders inside VS Code (data from
// the panel host over postMessage) and inside the CLI's self-contained HTML
// report (data embedded in the page).

import './styles.css';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { App } from './app';
import { installIconSprite } from './icons';
import { connect } from './transport';

performance.mark('agent-trail:start');
const root = document.getElementById('app');
if (root) {
  installIconSprite();
  const transport = connect();
  if (transport) {
    new App(root, transport).start();
  } else {
    const p = document.createElement('p');
    p.textContent = 'Agent Trail: no data to show (this page is neither a VS Code webview nor a report).';
    root.replaceChildren(p);
  }
}
