import { daysInMonth } from '@cxfold/contracts';

/**
 * Date ranges are given in the tenant's time zone ("today" in New York is not today in
 * Kolkata); the database works in UTC. Conversions use Intl only, so DST is handled by the
 * platform's zone data.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(utcMs: number, timeZone: string): LocalParts {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  return { year: +parts.year!, month: +parts.month!, day: +parts.day!, hour: +parts.hour! % 24, minute: +parts.minute!, second: +parts.second! };
}

function offsetMs(utcMs: number, timeZone: string): number {
  const p = localParts(utcMs, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

const DAY_MS = 86_400_000;

/**
 * The UTC instant of a wall-clock time in `timeZone`. Near a DST change the two offsets of that
 * day give two candidates: a repeated hour takes the earlier, and a wall time the clocks skip
 * (Santiago and Havana skip midnight itself) takes the old offset, which lands as far after the
 * change as the wall time is into the gap: local midnight becomes the day's first instant, 01:00.
 */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const before = guess - offsetMs(guess - DAY_MS, timeZone);
  const after = guess - offsetMs(guess + DAY_MS, timeZone);
  if (before === after) return before;
  const wall = new Date(guess);
  const shows = (at: number) => {
    const p = localParts(at, timeZone);
    return p.year === wall.getUTCFullYear() && p.month === wall.getUTCMonth() + 1 && p.day === wall.getUTCDate() && p.hour === wall.getUTCHours() && p.minute === wall.getUTCMinutes() && p.second === wall.getUTCSeconds();
  };
  const [earlier, later] = before < after ? [before, after] : [after, before];
  if (shows(earlier)) return earlier;
  if (shows(later)) return later;
  return before;
}

export interface ResolvedRange {
  /** inclusive, UTC */
  from: Date;
  /** exclusive, UTC */
  to: Date;
  /** local dates for file names and headers, YYYY-MM-DD, `end` inclusive */
  startLocalDate: string;
  endLocalDate: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
/** An instant with its zone (ISO-8601, or RFC 3339's space for the T): nothing else Date.parse happens to read. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:[zZ]|[+-]\d{2}:?\d{2})$/;
const pad = (n: number) => String(n).padStart(2, '0');
const isoDate = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
};

export class RangeError_ extends Error {
  readonly code = 'BAD_RANGE' as const;
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Instants the database and ISO-8601 can both write with a four-digit year. `to=9999-12-31`
 * ("everything") ends at the first instant of year 10000: clamped to the last one we can write.
 */
const MIN_MS = Date.UTC(1000, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const clamp = (at: number) => Math.min(Math.max(at, MIN_MS), MAX_MS);

/** A wall-clock date the calendar has: 2026-02-30 is refused, not rolled over to March. */
function checkCalendar(param: string, y: number, m: number, d: number, h = 0, min = 0, sec = 0): void {
  if (y < 1000) throw new RangeError_(param, `${param} must be in the years 1000 to 9999`);
  if (d < 1 || d > daysInMonth(y, m)) throw new RangeError_(param, `${param} is not a calendar date`);
  if (h > 23 || min > 59 || sec > 59) throw new RangeError_(param, `${param} is not a time of day`);
}

/** A bound: YYYY-MM-DD (local midnight; `to` means the end of that day), a local date-time, or an instant with zone. */
function bound(value: string, timeZone: string, isEnd: boolean, param: string): { at: number; localDate: string } {
  const d = DATE.exec(value);
  if (d) {
    const [y, m, day] = [+d[1]!, +d[2]!, +d[3]!];
    checkCalendar(param, y, m, day);
    const at = zonedToUtc(y, m, day + (isEnd ? 1 : 0), 0, 0, 0, 0, timeZone);
    return { at: clamp(at), localDate: isoDate(y, m, day) };
  }
  const l = LOCAL_DATETIME.exec(value);
  if (l) {
    checkCalendar(param, +l[1]!, +l[2]!, +l[3]!, +l[4]!, +l[5]!, +(l[6] ?? 0));
    const at = zonedToUtc(+l[1]!, +l[2]!, +l[3]!, +l[4]!, +l[5]!, +(l[6] ?? 0), +(l[7] ?? '0').padEnd(3, '0'), timeZone);
    return { at: clamp(at), localDate: isoDate(+l[1]!, +l[2]!, +l[3]!) };
  }
  const w = INSTANT.exec(value);
  const instant = w ? Date.parse(value) : NaN;
  if (w && Number.isFinite(instant)) {
    // Date.parse rolls 2026-02-30T00:00Z over to March 2: check the written date and time first.
    checkCalendar(param, +w[1]!, +w[2]!, +w[3]!, +w[4]!, +w[5]!, +(w[6] ?? 0));
    if (instant < MIN_MS || instant > MAX_MS) throw new RangeError_(param, `${param} must be in the years 1000 to 9999`);
    // The instant is within the years 1000-9999 in UTC, its local date may not be (Tokyo's clock
    // reads 10000-01-01 at 9999-12-31T20:00Z): the date names the range (an export's file name), so it is clamped as the instants are.
    const p = localParts(instant, timeZone);
    const localDate = p.year > 9999 ? '9999-12-31' : p.year < 1000 ? '1000-01-01' : isoDate(p.year, p.month, p.day);
    return { at: instant, localDate };
  }
  throw new RangeError_(param, `${param} must be YYYY-MM-DD, a local date-time or an ISO-8601 instant`);
}

export type RangeShortcut = 'today' | 'yesterday' | 'last7days';

/** Resolves `range` shortcuts or custom from/to to a half-open UTC interval; default today. */
export function resolveRange(opts: { range?: RangeShortcut | undefined; from?: string | undefined; to?: string | undefined }, timeZone: string, nowMs = Date.now()): ResolvedRange {
  if (opts.from || opts.to) {
    const today = localParts(nowMs, timeZone);
    const from = opts.from ? bound(opts.from, timeZone, false, 'from') : bound(isoDate(today.year, today.month, today.day), timeZone, false, 'from');
    const to = opts.to ? bound(opts.to, timeZone, true, 'to') : bound(isoDate(today.year, today.month, today.day), timeZone, true, 'to');
    if (to.at <= from.at) throw new RangeError_('to', 'to must be after from');
    return { from: new Date(from.at), to: new Date(to.at), startLocalDate: from.localDate, endLocalDate: to.localDate };
  }
  const t = localParts(nowMs, timeZone);
  const day = (offset: number) => zonedToUtc(t.year, t.month, t.day + offset, 0, 0, 0, 0, timeZone);
  const local = (offset: number) => isoDate(t.year, t.month, t.day + offset);
  switch (opts.range ?? 'today') {
    case 'today':
      return { from: new Date(day(0)), to: new Date(day(1)), startLocalDate: local(0), endLocalDate: local(0) };
    case 'yesterday':
      return { from: new Date(day(-1)), to: new Date(day(0)), startLocalDate: local(-1), endLocalDate: local(-1) };
    case 'last7days':
      return { from: new Date(day(-6)), to: new Date(day(1)), startLocalDate: local(-6), endLocalDate: local(0) };
  }
}
