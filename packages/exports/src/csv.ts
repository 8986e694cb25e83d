import { assertColumns, assertTimeZone, cellText, neutralizeFormula, readCell } from './format';
import { Sink } from './sink';
import type { ExportColumn, ExportMeta, ExportRows } from './types';

// Excel only detects UTF-8 in a CSV when the file starts with a byte-order mark; without it,
// accented names come out as mojibake.
const BOM = '\uFEFF';
const CRLF = '\r\n';

// Rows are gathered into chunks of about this many characters: one write() per row would cost a
// syscall-sized chunk per row on an HTTP response, while this still never holds more than one
// chunk of the file in memory.
const CHUNK_CHARS = 16 * 1024;

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 field: quoted only when it holds a comma, quote or line break; quotes doubled. */
function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(texts: string[]): string {
  return texts.map(csvField).join(',') + CRLF;
}

/**
 * Streams rows as an RFC 4180 CSV (UTF-8 with BOM, CRLF) into `out`, waiting for 'drain' whenever
 * `out` is full, then ends `out`. Resolves with the number of data rows once `out` has finished.
 * On failure `out` is left open: the caller should destroy it so the client sees an aborted
 * download rather than a short file that looks complete.
 */
export async function writeCsv<Row>(columns: ExportColumn<Row>[], rows: ExportRows<Row>, out: NodeJS.WritableStream, meta: ExportMeta): Promise<number> {
  assertColumns(columns);
  assertTimeZone(meta.timeZone);
  const sink = new Sink(out);

  let chunk = BOM + csvLine(columns.map((c) => neutralizeFormula(c.header)));
  let count = 0;
  for await (const row of rows) {
    const texts = columns.map((column) => {
      const value = readCell(column, row);
      // Only text is neutralized: a number (even a negative one) or a date cannot start a formula.
      return typeof value === 'string' ? neutralizeFormula(value) : cellText(value, meta.timeZone);
    });
    chunk += csvLine(texts);
    count += 1;
    if (chunk.length >= CHUNK_CHARS) {
      await sink.write(chunk);
      chunk = '';
    }
  }
  if (chunk) await sink.write(chunk);
  await sink.end();
  return count;
}
