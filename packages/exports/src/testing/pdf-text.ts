import { Worker } from 'node:worker_threads';

export interface PdfText {
  pages: string[];
}

// pdf-parse (pdf.js 5) loads its worker with a dynamic import(), which jest's CommonJS runtime
// refuses without --experimental-vm-modules. A worker thread is a plain Node isolate outside
// jest's module system, so the real library runs there unchanged.
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

/** The text of every page of `pdf`, extracted by pdf.js. */
export async function extractPdfText(pdf: Buffer): Promise<PdfText> {
  const worker = new Worker(SCRIPT, { eval: true, workerData: { lib: require.resolve('pdf-parse'), pdf } });
  try {
    const message = await new Promise<{ pages?: string[]; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`pdf text worker exited with code ${code}`)));
    });
    if (message.error !== undefined || !message.pages) throw new Error(message.error ?? 'no pages from pdf text worker');
    return { pages: message.pages };
  } finally {
    await worker.terminate();
  }
}
