// The replay webview app. It renders inside VS Code and inside the CLI's
// self-contained HTML report; the replay issue fills it in.

const root = document.getElementById('app');
if (root) {
  const heading = document.createElement('h1');
  heading.textContent = 'Agent Trail';
  root.replaceChildren(heading);
}
