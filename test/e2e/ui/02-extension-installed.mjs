// The packaged .vsix is installed: the Extensions view lists Agent Trail among the installed extensions.
export const title = 'Agent Trail is installed from the .vsix';

export default async function ({ page, ui }) {
  await ui.runCommand('Extensions: Show Installed Extensions');
  const item = page.locator('.extensions-viewlet .extension-list-item', { hasText: 'Agent Trail' }).first();
  await item.waitFor({ timeout: 20000 });
  await ui.shot('extensions-view');
  await ui.runCommand('View: Show Explorer');
}
