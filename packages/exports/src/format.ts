import type { ExportColumn, ExportFormat, ExportKind, ExportMeta, ExportValue } from './types';

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

// Building an Intl.DateTimeFormat costs far more than using one; a 10,000-row export formats
// tens of thousands of dates, so keep one per zone for the life of the process.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      // h23, not hour12:false: the latter renders midnight as "24" in some ICU versions.
      hourCycle: 'h23',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a RangeError for a zone Intl does not know, before a writer has written a byte. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

function localParts(date: Date, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) parts[part.type] = part.value;
  const year = Number(parts.year);
  return {
    // era makes years before 1 AD come out as positive "BC" years; turn them back into
    // astronomical years so the arithmetic below stays right.
    year: parts.era === 'BC' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    // Every zone offset is a whole number of seconds, so the millisecond is the same everywhere.
    millisecond: date.getUTCMilliseconds(),
  };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `2026-01-05 09:03:07.123`: wall time in `timeZone`, sortable as text. */
export function formatLocalDateTime(date: Date, timeZone: string): string {
  const p = localParts(date, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)} ${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}.${pad(p.millisecond, 3)}`;
}

/** `Generated 2026-01-31 12:04:05 (America/New_York)`: the PDF header and xlsx title row line. */
export function generatedLine(meta: Pick<ExportMeta, 'generatedAt' | 'timeZone'>): string {
  return `Generated ${formatLocalDateTime(meta.generatedAt, meta.timeZone).slice(0, 19)} (${meta.timeZone})`;
}

/**
 * The wall time in `timeZone` as a Date whose UTC fields carry it. Excel cells have no zone and
 * exceljs turns a Date into a serial from its UTC value, so this is what makes the cell show the
 * analyst's local time instead of UTC.
 */
export function wallClockAsUtc(date: Date, timeZone: string): Date {
  const p = localParts(date, timeZone);
  const out = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  out.setUTCFullYear(p.year, p.month - 1, p.day);
  out.setUTCHours(p.hour, p.minute, p.second, p.millisecond);
  return out;
}

/**
 * The column's value for a row, made safe for every writer: a non-finite number becomes null
 * (NaN has no spreadsheet form), and an invalid Date throws, because it can only come from a bug
 * upstream and an export should not paper over it with a blank cell.
 */
export function readCell<Row>(column: ExportColumn<Row>, row: Row): ExportValue {
  const value = column.value(row);
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError(`export column "${column.key}" produced an invalid Date`);
    return value;
  }
  return String(value);
}

/** Every format needs at least one column (a PDF table cannot split its width among none). */
export function assertColumns(columns: readonly unknown[]): void {
  if (columns.length === 0) throw new RangeError('an export needs at least one column');
}

/** A cell as plain text for CSV and PDF. */
export function cellText(value: ExportValue, timeZone: string): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) return formatLocalDateTime(value, timeZone);
  return value;
}

// Spreadsheet apps run a cell that starts with one of these as a formula (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Prefixes an apostrophe to text that a spreadsheet would run as a formula. Only for text:
 * a number column's -5 is data, not a formula, and must stay numeric.
 */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function assertLocalDate(name: string, value: string): void {
  const m = LOCAL_DATE.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  // The round trip rejects 2026-02-30, which the pattern alone would let through.
  if (!date || date.toISOString().slice(0, 10) !== value) throw new RangeError(`${name} must be a YYYY-MM-DD date, got ${JSON.stringify(value)}`);
}

const KINDS: ReadonlySet<string> = new Set<ExportKind>(['flow-interactions', 'cc-interactions']);
const FORMATS: ReadonlySet<string> = new Set<ExportFormat>(['csv', 'xlsx', 'pdf']);

/**
 * `flow-interactions-2026-01-01-to-2026-01-31.csv`. Every part is checked because the name goes
 * into a Content-Disposition header, where a stray quote or newline would break the response.
 */
export function exportFileName(kind: ExportKind, startLocalDate: string, endLocalDate: string, ext: ExportFormat): string {
  if (!KINDS.has(kind)) throw new RangeError(`unknown export kind ${JSON.stringify(kind)}`);
  if (!FORMATS.has(ext)) throw new RangeError(`unknown export format ${JSON.stringify(ext)}`);
  assertLocalDate('startLocalDate', startLocalDate);
  assertLocalDate('endLocalDate', endLocalDate);
  if (startLocalDate > endLocalDate) throw new RangeError(`startLocalDate ${startLocalDate} is after endLocalDate ${endLocalDate}`);
  return `${kind}-${startLocalDate}-to-${endLocalDate}.${ext}`;
}
