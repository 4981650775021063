// Command ids of the editor features and the tree. The public ones are also in
// package.json contributes.commands; the inspect ones are not (no palette entry):
// they let the extension-host tests read back what VS Code has no API for
// (decorations applied, file decorations, the tree as shown).
import { COMMANDS, EXTERNAL_COMMANDS } from '../commands';

export const EDITOR_COMMANDS = {
  revealPrompt: EXTERNAL_COMMANDS.revealPrompt,
  refreshTree: 'agentTrail.refreshTree',
  openReplay: COMMANDS.openReplay,
  inspectAnnotations: 'agentTrail.inspectAnnotations',
  inspectTree: 'agentTrail.inspectTree',
} as const;

/** The tree view's id (package.json contributes.views). */
export const TRAIL_VIEW_ID = 'agentTrail.trail';
/** The activity bar container's id (package.json contributes.viewsContainers). */
export const TRAIL_CONTAINER_ID = 'agentTrail';
