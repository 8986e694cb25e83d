import { Worker } from 'node:worker_threads';
import ExcelJS from 'exceljs';

/** The rows of an xlsx file's first sheet, as text. */
export async function xlsxRows(file: string): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const sheet = wb.worksheets[0]!;
  const rows: string[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v instanceof Date ? v.toISOString() : String(v ?? '')))));
  return rows;
}

// pdf-parse (pdf.js) loads its worker with a dynamic import() that jest's CommonJS runtime
// refuses; a worker thread runs the real library outside jest's module system.
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const { PDFParse } = require(workerData.lib);
(async () => {
  const parser = new PDFParse({ data: new Uint8Array(workerData.pdf) });
  try {
    const result = await parser.getText();
    parentPort.postMessage({ pages: result.pages.map((page) => page.text) });
  } finally {
    await parser.destroy();
  }
})().catch((error) => parentPort.postMessage({ error: String((error && error.stack) || error) }));
`;

/** The text of every page of a PDF, as a reader's viewer would extract it. */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
  const worker = new Worker(SCRIPT, { eval: true, workerData: { lib: require.resolve('pdf-parse'), pdf } });
  try {
    const m = await new Promise<{ pages?: string[]; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (!m.pages) throw new Error(m.error ?? 'no pages');
    return m.pages;
  } finally {
    await worker.terminate();
  }
}
