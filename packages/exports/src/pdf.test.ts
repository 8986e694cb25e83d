import PDFDocument from 'pdfkit';
import { fitText, pdfText, writePdf } from './pdf';
import { MemorySink } from './testing/memory-sink';
import { extractPdfText } from './testing/pdf-text';
import type { ExportColumn, ExportMeta } from './types';

/*
 * Text is read back with pdf-parse (pdf.js) running in a worker thread (see testing/pdf-text.ts),
 * so these tests check what a reader's PDF viewer would extract, not pdfkit's internals.
 */

interface Call {
  ref: string;
  agent: string;
  wrapUp: string;
  talkSeconds: number | null;
  startedAt: Date;
}

const columns: ExportColumn<Call>[] = [
  { key: 'ref', header: 'Call ref', value: (r) => r.ref },
  { key: 'agent', header: 'Agent', value: (r) => r.agent, width: 1.5 },
  { key: 'wrapUp', header: 'Wrap-up', value: (r) => r.wrapUp, width: 2 },
  { key: 'talkSeconds', header: 'Talk (s)', value: (r) => r.talkSeconds, width: 0.7 },
  { key: 'startedAt', header: 'Started', value: (r) => r.startedAt, width: 1.5 },
];

const meta: ExportMeta = {
  title: 'CC Interactions',
  filters: { Queue: 'Billing', Agent: 'any' },
  generatedAt: new Date('2026-01-31T17:04:05.678Z'),
  timeZone: 'America/New_York',
};

const rows = (n: number): Call[] =>
  Array.from({ length: n }, (_, i) => ({
    ref: `ROW-${String(i + 1).padStart(4, '0')}`,
    agent: i % 2 ? 'Zoë Ångström' : 'Ann',
    wrapUp: 'Resolved',
    talkSeconds: i * 3,
    startedAt: new Date(Date.UTC(2026, 0, 5, 14, 3, 7, 123)),
  }));

async function exportAndRead(data: Call[]) {
  const sink = new MemorySink();
  const count = await writePdf(columns, data, sink, meta);
  expect(sink.writableFinished).toBe(true);
  const pdf = sink.contents();
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const { pages } = await extractPdfText(pdf);
  return { count, pages, all: pages.join('\n') };
}

const occurrences = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

describe('writePdf', () => {
  it('lays 120 rows over several pages with the header repeated and page numbers', async () => {
    const { count, pages, all } = await exportAndRead(rows(120));
    expect(count).toBe(120);
    expect(pages.length).toBeGreaterThan(1);

    // Every data row is drawn exactly once, in order.
    const refs = all.match(/ROW-\d{4}/g) ?? [];
    expect(refs).toHaveLength(120);
    expect(refs).toEqual(rows(120).map((r) => r.ref));

    pages.forEach((page, i) => {
      expect(page).toContain('Call ref');
      expect(page).toContain('Wrap-up');
      expect(page).toContain(`Page ${i + 1}`);
    });
    expect(occurrences(all, /Call ref/g)).toBe(pages.length);
  });

  it('puts the title, filters and generation time on the first page only', async () => {
    const { pages } = await exportAndRead(rows(120));
    const [first, ...rest] = pages;
    expect(first).toContain('CC Interactions');
    expect(first).toContain('Queue: Billing');
    expect(first).toContain('Agent: any');
    expect(first).toContain('Generated 2026-01-31 12:04:05 (America/New_York)');
    for (const page of rest) {
      expect(page).not.toContain('CC Interactions');
      expect(page).not.toContain('Generated');
    }
  });

  it('renders dates in the meta time zone and keeps Latin-1 text', async () => {
    const { all } = await exportAndRead(rows(2));
    expect(all).toContain('2026-01-05 09:03:07.123');
    expect(all).toContain('Zoë Ångström');
  });

  it('cuts long text with an ellipsis on one line', async () => {
    const long = `START ${'very long wrap-up text '.repeat(40)}END`;
    const { pages, all } = await exportAndRead([{ ...rows(1)[0]!, wrapUp: long }, ...rows(3).slice(1)]);
    expect(pages).toHaveLength(1);
    expect(all).toContain('START very long');
    expect(all).toContain('…');
    expect(all).not.toContain('END');
  });

  it('writes a table with a note for no rows', async () => {
    const { count, pages, all } = await exportAndRead([]);
    expect(count).toBe(0);
    expect(pages).toHaveLength(1);
    expect(all).toContain('Call ref');
    expect(all).toContain('No rows match these filters.');
  });

  it('writes the 1,000-row cap through a slow destination without running ahead of it', async () => {
    const sink = new MemorySink({ highWaterMark: 1024, slow: true });
    const received = () => sink.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    let receivedBeforeLastRow = -1;
    const data = rows(1_000);
    function* source() {
      for (const [i, row] of data.entries()) {
        if (i === data.length - 1) receivedBeforeLastRow = received();
        yield row;
      }
    }
    const count = await writePdf(columns, source(), sink, meta);
    expect(count).toBe(1_000);
    expect(sink.writesWhileFull).toBe(0);
    // Without waiting for the destination, all 30-odd pages would be laid out (and buffered)
    // before the slow sink took its first chunk.
    expect(receivedBeforeLastRow).toBeGreaterThan(received() / 4);
    const { pages } = await extractPdfText(sink.contents());
    expect(occurrences(pages.join('\n'), /ROW-\d{4}/g)).toBe(1_000);
    expect(pages.length).toBeGreaterThan(20);
    expect(pages.at(-1)).toContain(`Page ${pages.length}`);
  });
});

describe('writePdf with a failing destination', () => {
  it('rejects and stops reading rows when the destination is destroyed mid-export', async () => {
    const sink = new MemorySink();
    let pulled = 0;
    function* source() {
      for (const row of rows(1_000)) {
        pulled += 1;
        if (pulled === 100) sink.destroy();
        yield row;
      }
    }
    await expect(writePdf(columns, source(), sink, meta)).rejects.toThrow();
    // It notices at the next page break (about 35 rows a page).
    expect(pulled).toBeLessThan(150);
  });
});

describe('pdfText', () => {
  it('keeps what the standard fonts can draw and marks the rest', () => {
    expect(pdfText('plain ascii')).toBe('plain ascii');
    expect(pdfText('Zoë “quoted” – €5 …')).toBe('Zoë “quoted” – €5 …');
    expect(pdfText('日本 🎉')).toBe('?? ?');
    expect(pdfText('line1\r\nline2\tx')).toBe('line1 line2 x');
    expect(pdfText('bell\u0007')).toBe('bell');
    expect(pdfText('e\u0301')).toBe('é');
  });
});

describe('fitText', () => {
  const doc = new PDFDocument().font('Helvetica').fontSize(8);

  it('returns text that fits unchanged', () => {
    expect(fitText(doc, 'short', 100, 8)).toBe('short');
  });

  it('cuts to the widest prefix plus an ellipsis', () => {
    const fitted = fitText(doc, 'x'.repeat(500), 100, 8);
    expect(fitted.endsWith('…')).toBe(true);
    expect(doc.widthOfString(fitted)).toBeLessThanOrEqual(100);
    expect(doc.widthOfString(`x${fitted}`)).toBeGreaterThan(100);
  });

  it('gives up on a cell too narrow for the ellipsis', () => {
    expect(fitText(doc, 'abc', 1, 8)).toBe('');
  });
});
