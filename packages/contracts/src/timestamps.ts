/** Earliest and latest instants an event may claim, so a typo cannot land in 1970 or 2999. */
export const EARLIEST_EVENT_MS = Date.UTC(2000, 0, 1);
export const FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * ISO-8601 string or epoch milliseconds → epoch ms, or null when it is neither. Lenient about
 * the calendar (Date.parse rolls 2025-02-30 over to March 2), as events stored before the
 * receiver checked it were folded that way: `checkTimestamp` refuses such dates at the door.
 */
export function toEpochMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value !== 'string' || !ISO_8601.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** A written date and time the calendar has (no 2025-02-30, no 24:00). Epoch numbers always are. */
function isCalendarTimestamp(value: unknown): boolean {
  const m = typeof value === 'string' ? ISO_8601.exec(value) : null;
  return !m || isCalendarDateTime(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
}

/** Days in month `mo` (1-12) of year `y` in the Gregorian calendar; 0 for a month that does not exist. */
export function daysInMonth(y: number, mo: number): number {
  return mo >= 1 && mo <= 12 ? new Date(Date.UTC(y, mo, 0)).getUTCDate() : 0;
}

function isCalendarDateTime(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && s <= 59;
}

/**
 * A reason why the timestamp is unusable, or null when it is fine. `calendar: false` re-checks a
 * stored event: it must keep folding as it did when it arrived, before the calendar check.
 */
export function checkTimestamp(value: unknown, nowMs: number, opts: { calendar?: boolean } = {}): string | null {
  const ms = toEpochMs(value);
  if (ms === null || (opts.calendar !== false && !isCalendarTimestamp(value))) return 'must be an ISO-8601 date-time with zone or epoch milliseconds';
  if (ms < EARLIEST_EVENT_MS) return 'is before 2000-01-01';
  if (ms > nowMs + FUTURE_SKEW_MS) return 'is more than 24 hours in the future';
  return null;
}
