import type { Stream } from 'node:stream';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { assertColumns, assertTimeZone, generatedLine, readCell, wallClockAsUtc } from './format';
import { Sink } from './sink';
import type { ExportColumn, ExportMeta, ExportRows, ExportValue } from './types';

const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss.000';
// Rows 1–2 are the title and the filters; the column headers are row 3 and stay frozen above the data.
const HEADER_ROW = 3;
// Excel refuses (and offers to "repair") a file with a longer cell text.
const MAX_CELL_CHARS = 32_767;
// exceljs pushes committed rows into its zip without any backpressure; yielding now and then lets
// the zip drain into `out` instead of piling the whole sheet up in memory first.
const YIELD_EVERY_ROWS = 500;

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ], not starting or ending with '. */
export function sheetName(title: string): string {
  const cleaned = title
    .replace(/[:\\/?*[\]\u0000-\u001f\u007f]/g, ' ')
    .replace(/^'+|'+$/g, '')
    .trim()
    .slice(0, 31)
    .trim();
  return cleaned || 'Export';
}

/** Relative widths to Excel character widths; never narrower than the header. */
function excelWidth<Row>(column: ExportColumn<Row>): number {
  const relative = column.width && column.width > 0 ? column.width : 1;
  return Math.min(100, Math.max(column.header.length + 2, Math.round(relative * 14)));
}

function excelValue(value: ExportValue, timeZone: string): string | number | Date | null {
  if (value instanceof Date) return wallClockAsUtc(value, timeZone);
  // Text is stored as a string cell, which Excel never evaluates, so unlike CSV it needs no
  // formula guard and keeps the analyst's data as it was.
  if (typeof value === 'string' && value.length > MAX_CELL_CHARS) return `${value.slice(0, MAX_CELL_CHARS - 1)}…`;
  return value;
}

/**
 * Streams rows into a one-sheet workbook in `out` via exceljs's streaming writer, which also ends
 * `out`. Resolves with the number of data rows once `out` has finished. On failure `out` is left
 * to the caller to destroy.
 */
export async function writeXlsx<Row>(columns: ExportColumn<Row>[], rows: ExportRows<Row>, out: NodeJS.WritableStream, meta: ExportMeta): Promise<number> {
  assertColumns(columns);
  assertTimeZone(meta.timeZone);
  const sink = new Sink(out);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out as unknown as Stream,
    useStyles: true, // bold header and date formats
    useSharedStrings: false, // the shared-string table is held in memory until the end
  });
  workbook.creator = 'cxfold';
  workbook.created = meta.generatedAt;

  const sheet = workbook.addWorksheet(sheetName(meta.title), {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0 }],
  });
  sheet.columns = columns.map((column) => ({ key: column.key, width: excelWidth(column) }));

  const titleRow = sheet.addRow([meta.title, generatedLine(meta)]);
  titleRow.getCell(1).font = { bold: true, size: 14 };
  titleRow.commit();

  const filters = Object.entries(meta.filters).map(([key, value]) => `${key}: ${value}`);
  const filterRow = sheet.addRow(['Filters', ...(filters.length ? filters : ['none'])]);
  filterRow.getCell(1).font = { bold: true };
  filterRow.commit();

  const headerRow = sheet.addRow(columns.map((column) => column.header));
  headerRow.font = { bold: true };
  headerRow.commit();

  let count = 0;
  for await (const row of rows) {
    const values = columns.map((column) => readCell(column, row));
    const excelRow = sheet.addRow(values.map((value) => excelValue(value, meta.timeZone)));
    values.forEach((value, i) => {
      if (value instanceof Date) excelRow.getCell(i + 1).numFmt = DATE_FORMAT;
    });
    excelRow.commit();
    count += 1;
    if (count % YIELD_EVERY_ROWS === 0) {
      await yieldToIo();
      sink.assertOpen(); // the client went away: stop reading rows nobody will receive
    }
  }

  sheet.commit();
  // commit() resolves on out's 'finish' but never hears of an early 'close'; the sink does.
  await Promise.all([workbook.commit(), sink.finished()]);
  return count;
}
