/**
 * Every time on screen is in the tenant's time zone (from GET /v1/me), never the browser's:
 * an analyst in London reading a New York tenant sees New York times, as the exports do.
 */
const cache = new Map<string, Intl.DateTimeFormat>();
/** The wall-clock fields (year … fractionalSecond) of an instant in `timeZone`; one formatter per zone. */
export function zonedParts(at: string | number, timeZone: string): Record<string, string> {
  let f = cache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });
    cache.set(timeZone, f);
  }
  return Object.fromEntries(f.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
}
const parts = zonedParts;

/**
 * Creates the zone's formatter before React draws the first screen (src/main.tsx, while the
 * browser is still fetching React). A tab's first Intl.DateTimeFormat loads ICU's data: 11 to
 * 150 ms in a fresh Chromium tab depending on the machine and its load, whatever the zone (a
 * second zone then costs about 1 ms). Drawn in the first render instead, it delayed the rows by
 * as much. (A worker can make that load for the page, since it is made once per process, but in
 * paired runs the page came out slower with it: docs/console.md, "Load time".)
 */
export function prepareTimeZone(timeZone: string): void {
  try {
    zonedParts(0, timeZone);
  } catch {
    // An unknown zone: the screen reports it when it formats.
  }
}

/** `2026-03-07 14:03:22` in `timeZone`; '—' for null. */
export function formatDateTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const p = parts(iso, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** `2026-03-07 14:03:22.123`: step timestamps need the milliseconds. */
export function formatDateTimeMs(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const p = parts(iso, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}.${p.fractionalSecond}`;
}

/** `14:03` in `timeZone` (chart axes). */
export function formatTime(iso: string, timeZone: string): string {
  const p = parts(iso, timeZone);
  return `${p.hour}:${p.minute}`;
}

/** Seconds as `45s`, `2m 05s`, `1h 02m 03s`; sub-second values keep one decimal. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  if (seconds < 10 && !Number.isInteger(seconds)) return `${seconds.toFixed(1)}s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (h) return `${h}h ${two(m)}m ${two(s)}s`;
  if (m) return `${m}m ${two(s)}s`;
  return `${s}s`;
}

/** A live counter: `H:MM:SS` (workflow sessions). */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  return `${(rate * 100).toFixed(1)}%`;
}

export const orDash = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? '—' : String(v));
