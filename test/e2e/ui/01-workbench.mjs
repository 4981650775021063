// The workbench shows the demo workspace: src/greet.js is in the explorer and opens in an editor.
export const title = 'workbench loads the demo workspace';

export default async function ({ ui, assert }) {
  const row = await ui.revealInExplorer('src/greet.js');
  await row.waitFor({ state: 'visible' });
  await ui.shot('explorer');

  await ui.openFile('src/greet.js');
  const line2 = await ui.line(2);
  assert.match(line2.text, /return `Hello, \$\{name\}!`;/);
  await ui.shot('greet-js');
}
