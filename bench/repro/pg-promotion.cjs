/**
 * Minimal reproduction: postgres.js 3.4.9 queries run one after another promoted a tenth of all
 * they allocate at every young collection; the same loop of plain promises and timers promotes
 * nothing. The cause was its Query constructor (docs/performance.md, "The promoted garbage,
 * found"); with patches/postgres+3.4.9.patch installed this loop promotes about 0.2%.
 * Plain JavaScript and plain `node`, so neither tsx nor the receiver is involved.
 *
 *   node bench/repro/pg-promotion.cjs [postgres|plain] [queries]
 *
 * Re-runs itself with --trace-gc-nvp and prints one JSON line: young collections, bytes allocated
 * and promoted between them (the first three and the last two left out: start-up and shutdown).
 * Needs DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres). docs/performance.md,
 * "The tail against the rate", has what it showed on 2026-12-02.
 */
const { spawnSync } = require('node:child_process');

const mode = process.argv[2] ?? 'postgres';
const queries = Number(process.argv[3] ?? 10_000);

if (process.env.PG_PROMOTION_CHILD) {
  const postgres = require('postgres');
  const sql = postgres(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', { max: 10, onnotice() {}, idle_timeout: 60, connect_timeout: 5 });
  let done = 0;
  const one = () => (mode === 'plain' ? new Promise((resolve) => setImmediate(() => resolve([{ x: 1 }]))) : sql`select 1 as x`);
  const tick = () => {
    if (done++ >= queries) return void sql.end();
    one().then(() => setTimeout(tick, 1));
  };
  setTimeout(tick, 100);
} else {
  const child = spawnSync(process.execPath, ['--max-semi-space-size=16', '--trace-gc-nvp', __filename, mode, String(queries)], {
    env: { ...process.env, PG_PROMOTION_CHILD: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    process.exit(child.status ?? 1);
  }
  const young = child.stdout
    .split('\n')
    .filter((line) => line.includes('gc=s '))
    .map((line) => Object.fromEntries(line.trim().split(/\s+/).filter((kv) => kv.includes('=')).map((kv) => kv.split('='))));
  const steady = young.slice(3, -2);
  const sum = (key) => steady.reduce((n, r) => n + Number(r[key]), 0);
  const allocated = sum('allocated');
  const promoted = sum('promoted');
  console.log(JSON.stringify({ mode, queries, youngCollections: steady.length, allocatedKB: Math.round(allocated / 1024), promotedKB: Math.round(promoted / 1024), promotedPct: Math.round((promoted / Math.max(allocated, 1)) * 1000) / 10, promotedBytesPerQuery: Math.round(promoted / queries) }));
}
