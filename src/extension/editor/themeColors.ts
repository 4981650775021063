// The colours the editor features paint with; package.json contributes.colors
// gives each a dark, light, high-contrast and high-contrast-light value.
export const THEME_COLORS = {
  touchedForeground: 'agentTrail.touchedForeground',
  editedLineBackground: 'agentTrail.editedLineBackground',
  editedLineBorder: 'agentTrail.editedLineBorder',
  editedLineRuler: 'agentTrail.editedLineRuler',
} as const;
