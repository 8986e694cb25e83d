/** Earliest and latest instants an event may claim, so a typo cannot land in 1970 or 2999. */
export const EARLIEST_EVENT_MS = Date.UTC(2000, 0, 1);
export const FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** ISO-8601 string or epoch milliseconds → epoch ms, or null when it is neither. */
export function toEpochMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value !== 'string' || !ISO_8601.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** A reason why the timestamp is unusable, or null when it is fine. */
export function checkTimestamp(value: unknown, nowMs: number): string | null {
  const ms = toEpochMs(value);
  if (ms === null) return 'must be an ISO-8601 date-time with zone or epoch milliseconds';
  if (ms < EARLIEST_EVENT_MS) return 'is before 2000-01-01';
  if (ms > nowMs + FUTURE_SKEW_MS) return 'is more than 24 hours in the future';
  return null;
}
