import { setImmediate as yieldToIo } from 'node:timers/promises';
import PDFDocument from 'pdfkit';
import { assertColumns, assertTimeZone, cellText, generatedLine, readCell } from './format';
import { Sink } from './sink';
import type { ExportColumn, ExportMeta, ExportRows } from './types';

type Doc = PDFKit.PDFDocument;

const MARGIN = 36;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const ITALIC = 'Helvetica-Oblique';
const BODY_SIZE = 8;
const ROW_HEIGHT = 14;
const PAD_X = 4;
const TEXT_TOP = (ROW_HEIGHT - BODY_SIZE) / 2;
const FOOTER_SPACE = 18;
const MAX_FILTER_LINES = 12;
const ELLIPSIS = '…';

interface Cell {
  x: number;
  width: number;
}

// The standard PDF fonts (no font file to ship) only cover Windows-1252. pdfkit silently turns
// anything else into garbage glyphs; a '?' at least shows the reader that something is missing.
const WIN_ANSI_EXTRA = new Set([...'€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ']);
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Text the standard fonts can draw on one line: line breaks become spaces, the rest '?'. */
export function pdfText(text: string): string {
  const oneLine = text.replace(/[\r\n\t\v\f]+/g, ' ');
  if (PRINTABLE_ASCII.test(oneLine)) return oneLine;
  let out = '';
  for (const ch of oneLine.normalize('NFC')) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue; // control characters draw nothing useful
    out += cp <= 0xff || WIN_ANSI_EXTRA.has(ch) ? ch : '?';
  }
  return out;
}

/** The longest prefix of `text` (plus an ellipsis when cut) that fits `maxWidth` in the current font. */
export function fitText(doc: Doc, text: string, maxWidth: number, fontSize: number): string {
  if (maxWidth <= 0) return '';
  // No Helvetica glyph is narrower than 0.19em, so more characters than this can never fit;
  // cutting first keeps a 30,000-character note from being measured in full on every row.
  const visible = text.slice(0, Math.ceil(maxWidth / (fontSize * 0.19)) + 1);
  if (visible === text && doc.widthOfString(text) <= maxWidth) return text;
  const room = maxWidth - doc.widthOfString(ELLIPSIS);
  if (room < 0) return '';
  let lo = 0;
  let hi = visible.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (doc.widthOfString(visible.slice(0, mid)) <= room) lo = mid;
    else hi = mid - 1;
  }
  return visible.slice(0, lo).trimEnd() + ELLIPSIS;
}

/** Splits the printable width between the columns in proportion to their relative widths. */
function layoutColumns<Row>(columns: ExportColumn<Row>[], left: number, tableWidth: number): Cell[] {
  const weights = columns.map((c) => (c.width && c.width > 0 ? c.width : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let x = left;
  return weights.map((weight) => {
    const cell = { x, width: (tableWidth * weight) / total };
    x += cell.width;
    return cell;
  });
}

function drawText(doc: Doc, text: string, x: number, y: number): void {
  // lineBreak: false keeps pdfkit from wrapping and, with it, from adding pages on its own.
  doc.text(text, x, y, { lineBreak: false });
}

function drawCell(doc: Doc, text: string, cell: Cell, y: number, alignRight: boolean): void {
  const fitted = fitText(doc, pdfText(text), cell.width - 2 * PAD_X, BODY_SIZE);
  const x = alignRight ? cell.x + cell.width - PAD_X - doc.widthOfString(fitted) : cell.x + PAD_X;
  drawText(doc, fitted, x, y + TEXT_TOP);
}

/** Title, filters and generation time at the top of the first page; returns the y below them. */
function drawTitleBlock(doc: Doc, meta: ExportMeta, width: number): number {
  let y = MARGIN;
  doc.font(BOLD).fontSize(16).fillColor('black');
  drawText(doc, fitText(doc, pdfText(meta.title), width, 16), MARGIN, y);
  y += 24;

  doc.font(FONT).fontSize(9);
  const filters = Object.entries(meta.filters).map(([key, value]) => `${key}: ${value}`);
  const lines = filters.length ? filters.slice(0, MAX_FILTER_LINES) : ['Filters: none'];
  if (filters.length > MAX_FILTER_LINES) lines.push(`… and ${filters.length - MAX_FILTER_LINES} more filters`);
  for (const line of lines) {
    drawText(doc, fitText(doc, pdfText(line), width, 9), MARGIN, y);
    y += 12;
  }

  doc.fillColor('#555555');
  drawText(doc, fitText(doc, pdfText(generatedLine(meta)), width, 9), MARGIN, y);
  doc.fillColor('black');
  return y + 20;
}

function drawFooter(doc: Doc, pageNumber: number): void {
  doc.font(FONT).fontSize(BODY_SIZE).fillColor('#555555');
  const label = `Page ${pageNumber}`;
  drawText(doc, label, (doc.page.width - doc.widthOfString(label)) / 2, doc.page.height - MARGIN - BODY_SIZE);
  doc.fillColor('black');
}

/**
 * Lays rows out as an A4 landscape table (header row on every page, one line per row, cells cut
 * with an ellipsis, "Page n" footers) and streams it into `out`, which pdfkit ends. Resolves with
 * the number of data rows once `out` has finished. Pages are written as they fill, so only the
 * current page is held in memory; on failure `out` is left to the caller to destroy.
 */
export async function writePdf<Row>(columns: ExportColumn<Row>[], rows: ExportRows<Row>, out: NodeJS.WritableStream, meta: ExportMeta): Promise<number> {
  assertColumns(columns);
  assertTimeZone(meta.timeZone);
  const sink = new Sink(out);
  const doc: Doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    autoFirstPage: false,
    info: { Title: meta.title, Creator: 'cxfold', CreationDate: meta.generatedAt },
  });
  const docFailed = new Promise<never>((_, reject) => doc.once('error', reject));
  docFailed.catch(() => undefined);
  doc.pipe(out);

  const tableWidth = () => doc.page.width - 2 * MARGIN;
  let cells: Cell[] = [];
  let pageNumber = 0;
  let y = 0;

  const startPage = () => {
    doc.addPage();
    pageNumber += 1;
    cells = layoutColumns(columns, MARGIN, tableWidth());
    drawFooter(doc, pageNumber);
    y = pageNumber === 1 ? drawTitleBlock(doc, meta, tableWidth()) : MARGIN;
    doc.rect(MARGIN, y, tableWidth(), ROW_HEIGHT).fill('#e6e6e6');
    doc.font(BOLD).fontSize(BODY_SIZE).fillColor('black');
    columns.forEach((column, i) => {
      const cell = cells[i];
      if (cell) drawCell(doc, column.header, cell, y, false);
    });
    doc.font(FONT);
    y += ROW_HEIGHT;
  };

  startPage();
  let count = 0;
  for await (const row of rows) {
    if (y + ROW_HEIGHT > doc.page.height - MARGIN - FOOTER_SPACE) {
      // Laying out a page is pure CPU; yielding between pages keeps the server responsive and
      // lets a dropped connection's 'close' arrive, so rows nobody will receive are not read.
      await yieldToIo();
      sink.assertOpen();
      startPage();
      // Adding a page flushed the last one into pdfkit's readable buffer; if `out` is slow, wait
      // for it to take that page before laying out the next one.
      while (doc.readableLength > doc.readableHighWaterMark) await Promise.race([sink.until(doc, 'data'), docFailed]);
    }
    if (count % 2 === 1) {
      doc.rect(MARGIN, y, tableWidth(), ROW_HEIGHT).fill('#f5f5f5');
      doc.fillColor('black');
    }
    columns.forEach((column, i) => {
      const cell = cells[i];
      const value = readCell(column, row);
      if (cell) drawCell(doc, cellText(value, meta.timeZone), cell, y, typeof value === 'number');
    });
    y += ROW_HEIGHT;
    count += 1;
  }
  if (count === 0) {
    doc.font(ITALIC);
    drawText(doc, 'No rows match these filters.', MARGIN + PAD_X, y + TEXT_TOP);
  }

  doc.end();
  await Promise.race([sink.finished(), docFailed]);
  return count;
}
