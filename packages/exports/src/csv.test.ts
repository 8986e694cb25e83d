import { writeCsv } from './csv';
import { MemorySink } from './testing/memory-sink';
import { parseCsv } from './testing/rfc4180';
import type { ExportColumn, ExportMeta } from './types';

interface Interaction {
  id: number;
  agent: string | null;
  note: string;
  amount: number | null;
  startedAt: Date | null;
}

const columns: ExportColumn<Interaction>[] = [
  { key: 'id', header: 'ID', value: (r) => r.id },
  { key: 'agent', header: 'Agent, name', value: (r) => r.agent },
  { key: 'note', header: 'Note', value: (r) => r.note },
  { key: 'amount', header: 'Amount', value: (r) => r.amount },
  { key: 'startedAt', header: 'Started', value: (r) => r.startedAt },
];

const meta = (timeZone = 'America/New_York'): ExportMeta => ({
  title: 'CC Interactions',
  filters: { queue: 'Billing' },
  generatedAt: new Date('2026-01-31T12:00:00Z'),
  timeZone,
});

function BOMless(buf: Buffer): string {
  expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return buf.subarray(3).toString('utf8');
}

async function exportToRecords(rows: Interaction[] | AsyncIterable<Interaction>, m = meta()) {
  const sink = new MemorySink();
  const count = await writeCsv(columns, rows, sink, m);
  const text = BOMless(sink.contents());
  return { count, text, records: parseCsv(text) };
}

const row = (id: number, over: Partial<Interaction> = {}): Interaction => ({ id, agent: 'Ann', note: '', amount: 1, startedAt: null, ...over });

describe('writeCsv', () => {
  it('writes a BOM, a header row and CRLF-terminated records that parse back', async () => {
    const { count, text, records } = await exportToRecords([row(1), row(2)]);
    expect(count).toBe(2);
    expect(records[0]).toEqual(['ID', 'Agent, name', 'Note', 'Amount', 'Started']);
    expect(records).toHaveLength(3);
    expect(text.endsWith('\r\n')).toBe(true);
    // No line ending other than CRLF outside quoted fields (the strict parser also checks this).
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });

  it('round-trips tricky text through quoting', async () => {
    const tricky = [
      'Smith, John',
      'He said "hi"',
      '"',
      '""',
      'line1\nline2',
      'crlf\r\ninside',
      'lone\rcr',
      'Zoë — 日本語 🎉 Ωmega',
      ' leading and trailing ',
      '',
    ];
    const { records } = await exportToRecords(tricky.map((note, i) => row(i, { note })));
    expect(records.slice(1).map((r) => r[2])).toEqual(tricky);
  });

  it('neutralizes formula-looking text but leaves numbers alone', async () => {
    const notes = ['=SUM(A1:A9)', '+15551234567', '-5', '@SUM(1)', '\tTAB', '\rCR', '=HYPERLINK("http://x","y")', 'safe=text'];
    const rows = notes.map((note, i) => row(i, { note, agent: i === 0 ? '-Ann' : 'Ann', amount: -42.5 }));
    const { records } = await exportToRecords(rows);
    expect(records.slice(1).map((r) => r[2])).toEqual([
      "'=SUM(A1:A9)",
      "'+15551234567",
      "'-5",
      "'@SUM(1)",
      "'\tTAB",
      "'\rCR",
      '\'=HYPERLINK("http://x","y")',
      'safe=text',
    ]);
    expect(records[1]?.[1]).toBe("'-Ann");
    // A negative number passed as a number is data, not a formula.
    expect(records.slice(1).every((r) => r[3] === '-42.5')).toBe(true);
  });

  it('writes null and NaN as empty fields', async () => {
    const { records } = await exportToRecords([row(1, { agent: null, amount: null, startedAt: null }), row(2, { amount: Number.NaN })]);
    expect(records[1]).toEqual(['1', '', '', '', '']);
    expect(records[2]?.[3]).toBe('');
  });

  it.each([
    ['America/New_York', '2026-01-05T14:03:07.123Z', '2026-01-05 09:03:07.123'],
    ['America/New_York', '2026-07-04T03:59:59.999Z', '2026-07-03 23:59:59.999'],
    ['Asia/Kolkata', '2026-01-05T14:03:07.123Z', '2026-01-05 19:33:07.123'],
    ['Asia/Kolkata', '2026-07-04T18:30:00.000Z', '2026-07-05 00:00:00.000'],
  ])('renders dates as local time in %s', async (zone, iso, expected) => {
    const { records } = await exportToRecords([row(1, { startedAt: new Date(iso) })], meta(zone));
    expect(records[1]?.[4]).toBe(expected);
  });

  it('reads an async iterable', async () => {
    async function* source() {
      for (let i = 0; i < 5; i += 1) {
        await new Promise((r) => setImmediate(r));
        yield row(i);
      }
    }
    const { count, records } = await exportToRecords(source());
    expect(count).toBe(5);
    expect(records.slice(1).map((r) => r[0])).toEqual(['0', '1', '2', '3', '4']);
  });

  it('writes only the header for no rows', async () => {
    const { count, records } = await exportToRecords([]);
    expect(count).toBe(0);
    expect(records).toEqual([['ID', 'Agent, name', 'Note', 'Amount', 'Started']]);
  });

  it('waits for drain on a slow destination and still writes everything', async () => {
    const sink = new MemorySink({ highWaterMark: 256, slow: true });
    const rows = Array.from({ length: 2_000 }, (_, i) => row(i, { note: `note ${i}, "quoted"` }));
    await expect(writeCsv(columns, rows, sink, meta())).resolves.toBe(2_000);
    expect(sink.writesWhileFull).toBe(0);
    expect(sink.writableFinished).toBe(true);
    const records = parseCsv(BOMless(sink.contents()));
    expect(records).toHaveLength(2_001);
    expect(records[2_000]?.[2]).toBe('note 1999, "quoted"');
  });

  // Its speed is measured by the benchmark (csv_10k_ms), not timed here: a timed unit test fails on a busy machine.
  it('streams 10,000 rows in many chunks, every row intact', async () => {
    const startedAt = new Date('2026-01-05T14:03:07.123Z');
    const rows = Array.from({ length: 10_000 }, (_, i) => row(i, { note: `note ${i}, with "quotes"`, amount: i * 1.5, startedAt }));
    const sink = new MemorySink();
    const count = await writeCsv(columns, rows, sink, meta());
    expect(count).toBe(10_000);
    // The file was written in many chunks, not buffered whole and written once.
    expect(sink.chunks.length).toBeGreaterThan(10);
    const records = parseCsv(BOMless(sink.contents()));
    expect(records).toHaveLength(10_001);
    expect(records[10_000]).toEqual(['9999', 'Ann', 'note 9999, with "quotes"', '14998.5', '2026-01-05 09:03:07.123']);
  });

  it('rejects instead of hanging when the destination is destroyed mid-export', async () => {
    const sink = new MemorySink({ highWaterMark: 64, slow: true });
    const rows = (function* () {
      for (let i = 0; i < 100_000; i += 1) {
        if (i === 3_000) sink.destroy();
        yield row(i, { note: 'x'.repeat(50) });
      }
    })();
    await expect(writeCsv(columns, rows, sink, meta())).rejects.toThrow();
  });

  it('rejects an unknown time zone before writing anything', async () => {
    const sink = new MemorySink();
    await expect(writeCsv(columns, [row(1)], sink, meta('Nowhere/Special'))).rejects.toThrow(RangeError);
    expect(sink.chunks).toHaveLength(0);
  });

  it('rejects a row whose date is invalid', async () => {
    await expect(writeCsv(columns, [row(1, { startedAt: new Date(Number.NaN) })], new MemorySink(), meta())).rejects.toThrow(/startedAt/);
  });
});
