// Agents label one model differently per signal: Claude Code's events say
// `claude-opus-4-8`, its metrics and spans `claude-opus-4-8[1m]` (context-window
// variant). Group by the bare name, keep the raw label for display and audit.

const VARIANT_SUFFIX = /\[[^\]]*\]$/;

/** The model name used for grouping and pricing: trimmed, lower-case, `[…]` variant suffix removed. */
export function modelGroup(label: string | null | undefined): string | null {
  if (label === null || label === undefined) return null;
  const bare = label.trim().replace(VARIANT_SUFFIX, '').trim().toLowerCase();
  return bare === '' ? null : bare;
}
