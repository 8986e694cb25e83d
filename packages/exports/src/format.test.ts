import { cellText, exportFileName, formatLocalDateTime, neutralizeFormula, readCell, wallClockAsUtc } from './format';
import type { ExportColumn } from './types';

describe('formatLocalDateTime', () => {
  it.each([
    // Winter: New York is UTC-5.
    ['2026-01-05T14:03:07.123Z', 'America/New_York', '2026-01-05 09:03:07.123'],
    // Summer: UTC-4, and the local day is the previous one.
    ['2026-07-01T00:00:00.007Z', 'America/New_York', '2026-06-30 20:00:00.007'],
    // 07:30Z on 2026-03-08 is half an hour after the spring-forward jump from 02:00 to 03:00.
    ['2026-03-08T07:30:00.000Z', 'America/New_York', '2026-03-08 03:30:00.000'],
    ['2026-03-08T06:59:59.999Z', 'America/New_York', '2026-03-08 01:59:59.999'],
    // Kolkata is UTC+5:30 all year: the half hour must survive.
    ['2026-01-05T14:03:07.123Z', 'Asia/Kolkata', '2026-01-05 19:33:07.123'],
    ['2026-12-31T18:30:00.000Z', 'Asia/Kolkata', '2027-01-01 00:00:00.000'],
    // Midnight is 00, not 24.
    ['2026-01-05T05:00:00.000Z', 'America/New_York', '2026-01-05 00:00:00.000'],
    ['2026-01-05T14:03:07.123Z', 'UTC', '2026-01-05 14:03:07.123'],
  ])('%s in %s → %s', (iso, zone, expected) => {
    expect(formatLocalDateTime(new Date(iso), zone)).toBe(expected);
  });

  it('rejects an unknown zone', () => {
    expect(() => formatLocalDateTime(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('wallClockAsUtc', () => {
  it('carries the local wall time in the UTC fields', () => {
    expect(wallClockAsUtc(new Date('2026-01-05T14:03:07.123Z'), 'America/New_York').toISOString()).toBe('2026-01-05T09:03:07.123Z');
    expect(wallClockAsUtc(new Date('2026-01-05T14:03:07.123Z'), 'Asia/Kolkata').toISOString()).toBe('2026-01-05T19:33:07.123Z');
  });

  it('keeps years below 100 as they are', () => {
    expect(wallClockAsUtc(new Date('0050-06-01T12:00:00.000Z'), 'UTC').toISOString()).toBe('0050-06-01T12:00:00.000Z');
  });
});

describe('neutralizeFormula', () => {
  it.each(['=SUM(A1:A9)', '+1', '-1', '@cmd', '\tx', '\rx', '=HYPERLINK("http://evil")'])('prefixes %j', (text) => {
    expect(neutralizeFormula(text)).toBe(`'${text}`);
  });

  it.each(['', 'plain', '1+1', 'a=b', ' =x', "'quoted"])('leaves %j alone', (text) => {
    expect(neutralizeFormula(text)).toBe(text);
  });
});

describe('readCell and cellText', () => {
  const column = (value: unknown): ExportColumn<null> => ({ key: 'k', header: 'K', value: () => value as never });

  it('turns non-finite numbers into empty cells', () => {
    expect(readCell(column(Number.NaN), null)).toBeNull();
    expect(readCell(column(Number.POSITIVE_INFINITY), null)).toBeNull();
    expect(readCell(column(-0.5), null)).toBe(-0.5);
  });

  it('turns undefined into null', () => {
    expect(readCell(column(undefined), null)).toBeNull();
  });

  it('throws on an invalid Date, naming the column', () => {
    expect(() => readCell(column(new Date('nope')), null)).toThrow(/column "k".*invalid Date/);
  });

  it('renders each kind as text', () => {
    expect(cellText(null, 'UTC')).toBe('');
    expect(cellText(-42, 'UTC')).toBe('-42');
    expect(cellText('x', 'UTC')).toBe('x');
    expect(cellText(new Date('2026-01-05T14:03:07.123Z'), 'Asia/Kolkata')).toBe('2026-01-05 19:33:07.123');
  });
});

describe('exportFileName', () => {
  it('names the file after the kind and the local date range', () => {
    expect(exportFileName('flow-interactions', '2026-01-01', '2026-01-31', 'csv')).toBe('flow-interactions-2026-01-01-to-2026-01-31.csv');
    expect(exportFileName('cc-interactions', '2026-02-01', '2026-02-01', 'pdf')).toBe('cc-interactions-2026-02-01-to-2026-02-01.pdf');
  });

  it.each([
    ['2026-1-01', '2026-01-31'],
    ['2026-02-30', '2026-03-01'],
    ['2026-01-01', '2026-01-31"\r\nSet-Cookie: x'],
    ['2026-01-31', '2026-01-01'],
  ])('rejects %j to %j', (start, end) => {
    expect(() => exportFileName('cc-interactions', start, end, 'xlsx')).toThrow(RangeError);
  });

  it('rejects an unknown kind or extension from untyped callers', () => {
    expect(() => exportFileName('other' as never, '2026-01-01', '2026-01-02', 'csv')).toThrow(RangeError);
    expect(() => exportFileName('cc-interactions', '2026-01-01', '2026-01-02', 'exe' as never)).toThrow(RangeError);
  });
});
