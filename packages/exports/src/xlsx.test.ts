import ExcelJS from 'exceljs';
import { MemorySink } from './testing/memory-sink';
import type { ExportColumn, ExportMeta } from './types';
import { sheetName, writeXlsx } from './xlsx';

interface Flow {
  id: string;
  steps: number | null;
  startedAt: Date | null;
  note: string;
}

const columns: ExportColumn<Flow>[] = [
  { key: 'id', header: 'Flow ID', value: (r) => r.id, width: 2 },
  { key: 'steps', header: 'Steps', value: (r) => r.steps },
  { key: 'startedAt', header: 'Started', value: (r) => r.startedAt, width: 1.5 },
  { key: 'note', header: 'Note', value: (r) => r.note, width: 3 },
];

const meta = (over: Partial<ExportMeta> = {}): ExportMeta => ({
  title: 'Flow Interactions',
  filters: { flow: 'Card activation', outcome: 'abandoned' },
  generatedAt: new Date('2026-01-31T17:04:05.678Z'),
  timeZone: 'America/New_York',
  ...over,
});

async function exportAndLoad(rows: Iterable<Flow> | AsyncIterable<Flow>, m = meta()) {
  const sink = new MemorySink();
  const count = await writeXlsx(columns, rows, sink, m);
  expect(sink.writableFinished).toBe(true);
  const workbook = new ExcelJS.Workbook();
  // exceljs's typings redeclare the global Buffer as an ArrayBuffer, which a real Buffer does not
  // satisfy; at run time load() takes the Buffer as it is.
  await workbook.xlsx.load(sink.contents() as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no worksheet');
  return { count, workbook, sheet };
}

const rows = (n: number): Flow[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `FLOW-${String(i).padStart(4, '0')}`,
    steps: i * 2 - 5,
    startedAt: new Date(Date.UTC(2026, 0, 5, 14, 3, 7, 123) + i * 60_000),
    note: `note ${i}`,
  }));

describe('writeXlsx', () => {
  it('writes title, filters, a bold frozen header and one row per data row', async () => {
    const { count, workbook, sheet } = await exportAndLoad(rows(25));
    expect(count).toBe(25);
    expect(workbook.worksheets).toHaveLength(1);
    expect(sheet.name).toBe('Flow Interactions');

    expect(sheet.getCell('A1').value).toBe('Flow Interactions');
    expect(sheet.getCell('B1').value).toBe('Generated 2026-01-31 12:04:05 (America/New_York)');
    expect(sheet.getRow(2).values).toEqual([undefined, 'Filters', 'flow: Card activation', 'outcome: abandoned']);

    const header = sheet.getRow(3);
    expect(header.values).toEqual([undefined, 'Flow ID', 'Steps', 'Started', 'Note']);
    expect(header.getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });

    expect(sheet.rowCount).toBe(3 + 25);
    expect(sheet.getCell('A28').value).toBe('FLOW-0024');
  });

  it('stores numbers as numbers and dates as local wall time with a date format', async () => {
    const { sheet } = await exportAndLoad(rows(3));
    const steps = sheet.getCell('B4');
    expect(steps.type).toBe(ExcelJS.ValueType.Number);
    expect(steps.value).toBe(-5);

    // 14:03:07.123Z is 09:03:07.123 in New York; Excel has no zones, so the cell holds that wall time.
    const started = sheet.getCell('C4');
    expect(started.type).toBe(ExcelJS.ValueType.Date);
    expect((started.value as Date).toISOString()).toBe('2026-01-05T09:03:07.123Z');
    expect(started.numFmt).toBe('yyyy-mm-dd hh:mm:ss.000');
    expect((sheet.getCell('C6').value as Date).toISOString()).toBe('2026-01-05T09:05:07.123Z');
  });

  it('converts dates to Asia/Kolkata wall time', async () => {
    const { sheet } = await exportAndLoad(rows(1), meta({ timeZone: 'Asia/Kolkata' }));
    expect((sheet.getCell('C4').value as Date).toISOString()).toBe('2026-01-05T19:33:07.123Z');
  });

  it('keeps formula-looking text as plain strings and nulls as empty cells', async () => {
    const { sheet } = await exportAndLoad([{ id: '=cmd|"/c calc"!A1', steps: null, startedAt: null, note: 'tab\there, "quotes" & <tags>, Zoë 日本 🎉' }]);
    const id = sheet.getCell('A4');
    expect(id.type).toBe(ExcelJS.ValueType.String);
    expect(id.value).toBe('=cmd|"/c calc"!A1');
    expect(sheet.getCell('B4').type).toBe(ExcelJS.ValueType.Null);
    expect(sheet.getCell('C4').type).toBe(ExcelJS.ValueType.Null);
    expect(sheet.getCell('D4').value).toBe('tab\there, "quotes" & <tags>, Zoë 日本 🎉');
  });

  it('drops XML-illegal control characters instead of corrupting the file', async () => {
    const { sheet } = await exportAndLoad([{ id: 'a\u0000b\u0007c', steps: 1, startedAt: null, note: 'x' }]);
    expect(sheet.getCell('A4').value).toBe('abc');
  });

  it('reads an async iterable and writes an empty table for no rows', async () => {
    async function* none(): AsyncGenerator<Flow> {}
    const { count, sheet } = await exportAndLoad(none());
    expect(count).toBe(0);
    expect(sheet.rowCount).toBe(3);
  });

  it('rejects and stops reading rows when the destination is destroyed mid-export', async () => {
    const sink = new MemorySink();
    let pulled = 0;
    function* source() {
      for (const row of rows(10_000)) {
        pulled += 1;
        if (pulled === 1_000) sink.destroy();
        yield row;
      }
    }
    await expect(writeXlsx(columns, source(), sink, meta())).rejects.toThrow();
    expect(pulled).toBeLessThan(2_000);
  });

  it('writes 10,000 rows', async () => {
    const { count, sheet } = await exportAndLoad(rows(10_000));
    expect(count).toBe(10_000);
    expect(sheet.rowCount).toBe(10_003);
    expect(sheet.getCell('A10003').value).toBe('FLOW-9999');
  });
});

describe('sheetName', () => {
  it.each([
    ['CC Interactions', 'CC Interactions'],
    ['Flows: a/b [x]?*', 'Flows  a b  x'],
    ["'quoted'", 'quoted'],
    ['A very long screen title that Excel would refuse', 'A very long screen title that E'],
    ['///', 'Export'],
  ])('%j → %j', (title, expected) => {
    expect(sheetName(title)).toBe(expected);
    expect(sheetName(title).length).toBeLessThanOrEqual(31);
  });
});
