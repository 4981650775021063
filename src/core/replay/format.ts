// How the replay writes money, time and counts. Pure and import-free: the
// host's view model and webview-ui/ share it.

/** `1234567` → `1,234,567` (no Intl: its first use costs milliseconds a first paint cannot spare). */
function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Exact: `$0.248067` (micro-dollars are integers, six decimals lose nothing); `~` when estimated. */
export function formatUsdExact(micros: number, estimated = false): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(Math.round(micros));
  const whole = Math.floor(abs / 1_000_000);
  const frac = String(abs % 1_000_000).padStart(6, '0');
  return `${estimated ? '~' : ''}${sign}$${group(String(whole))}.${frac}`;
}

/** Short: `$0.2481`, `$12.40`, `$0.00`; `~` when estimated. */
export function formatUsd(micros: number, estimated = false): string {
  const usd = micros / 1_000_000;
  const abs = Math.abs(usd);
  const fixed = abs < 1 ? abs.toFixed(4) : abs.toFixed(2);
  const [whole, frac] = fixed.split('.');
  const text = abs === 0 ? '0.00' : `${group(whole ?? '0')}.${frac ?? ''}`;
  return `${estimated ? '~' : ''}${usd < 0 ? '-' : ''}$${text}`;
}

/** `850 ms`, `1.2 s`, `2 m 05 s`, `1 h 02 m`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(abs < 10_000 ? 2 : 1)} s`;
  const totalS = Math.round(abs / 1000);
  if (totalS < 3600) return `${sign}${Math.floor(totalS / 60)} m ${String(totalS % 60).padStart(2, '0')} s`;
  const totalM = Math.floor(totalS / 60);
  return `${sign}${Math.floor(totalM / 60)} h ${String(totalM % 60).padStart(2, '0')} m`;
}

/** A step's offset from the prompt's start: `+0.210 s`, `+1:02.5`, `+1:02:03`. */
export function formatOffset(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const sign = ms < 0 ? '-' : '+';
  const abs = Math.abs(ms);
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(3)} s`;
  const s = abs / 1000;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = (s % 60).toFixed(1).padStart(4, '0');
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${sec.slice(0, 2)}` : `${sign}${m}:${sec}`;
}

/** `950`, `48.7k`, `1.2M`. */
export function formatTokens(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1000) return String(n);
  if (abs < 1_000_000) return `${(n / 1000).toFixed(abs < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** `1,234`. */
export function formatCount(n: number): string {
  return Number.isInteger(n) ? `${n < 0 ? '-' : ''}${group(String(Math.abs(n)))}` : String(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Whitespace (newlines, tabs) folded to single spaces, cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max = 400): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A model request's tokens in one line: `in 1.9k · out 71 · cache 16k read, 1.9k write`. */
export function tokenLine(t: { readonly input: number; readonly output: number; readonly cacheRead: number; readonly cacheWrite: number }): string {
  const parts = [`in ${formatTokens(t.input)}`, `out ${formatTokens(t.output)}`];
  if (t.cacheRead > 0 || t.cacheWrite > 0) parts.push(`cache ${formatTokens(t.cacheRead)} read, ${formatTokens(t.cacheWrite)} write`);
  return parts.join(' · ');
}
