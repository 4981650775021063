// Playback timing, pure (the webview's player runs it on animation frames).
// The wait before each step is the real gap since the previous one, at least
// MIN_GAP_MS (each step is seen) and at most MAX_GAP_MS (idle minutes do not
// stall the replay), divided by the chosen speed.

export const SPEEDS: readonly number[] = [0.5, 1, 2, 5, 10, 50];
export const MIN_GAP_MS = 80;
export const MAX_GAP_MS = 2000;

/** How long (recorded ms) playback waits before moving from step `next - 1` to `next`. */
export function gapBefore(offsetAt: (i: number) => number | null, next: number): number {
  const a = offsetAt(next - 1);
  const b = offsetAt(next);
  const real = a !== null && b !== null ? b - a : 0;
  return Math.min(MAX_GAP_MS, Math.max(MIN_GAP_MS, real));
}
