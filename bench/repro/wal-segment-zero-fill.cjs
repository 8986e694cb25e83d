/**
 * Minimal reproduction: with Postgres' stock `wal_init_zero = on`, the commit that first writes
 * into a WAL segment that does not exist yet waits while its backend zero-fills and fsyncs the
 * new 16 MB file (11-58 ms on this machine's disk on 2026-12-04, against about 1 ms with
 * `wal_init_zero = off`). Segments recycled by a checkpoint cost nothing; so the stall shows
 * when a burst writes more WAL than the last checkpoints recycled (a fresh server, or a storm
 * after a quiet night). docs/performance.md, "WAL segments created inside commits".
 *
 *   node bench/repro/wal-segment-zero-fill.cjs [on|off] [switches]
 *
 * Creates a scratch database `cxfold_repro_walzero` (dropped at the end), then `switches` times:
 * `pg_switch_wal()` from another session, and one timed one-row insert. Once the segments
 * recycled ahead of the insert position run out, each switch makes the next insert create one.
 * Prints one JSON line: segments ahead at the start, the insert times (ms) before and after
 * they ran out, and plain inserts' for comparison. Needs a superuser DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres); writes `switches` × 16 MB of WAL.
 */
const postgres = require('postgres');

const zero = process.argv[2] ?? 'on';
const switches = Number(process.argv[3] ?? 80);
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = 'cxfold_repro_walzero';

const summary = (xs) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 100) / 100;
  return { n: s.length, p50: at(0.5), max: at(1), mean: Math.round((s.reduce((a, b) => a + b, 0) / s.length) * 100) / 100 };
};

(async () => {
  const admin = postgres(adminUrl, { max: 1, onnotice() {} });
  await admin.unsafe(`drop database if exists ${name}`);
  // drop database runs a checkpoint, which recycles segments: count them after.
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const sql = postgres(url.toString(), { max: 1, onnotice() {}, connection: { wal_init_zero: zero } });
  try {
    await sql`create table t (id bigserial primary key, v text)`;
    const ahead = async () =>
      (await admin`select count(*)::int as n from pg_ls_waldir() where name ~ '^[0-9A-F]{24}$' and name > pg_walfile_name(pg_current_wal_lsn())`)[0].n;
    const aheadAtStart = await ahead();
    const recycled = [];
    const created = [];
    for (let i = 0; i < switches; i++) {
      const spare = (await ahead()) > 0;
      await admin`select pg_switch_wal()`;
      const started = performance.now();
      await sql`insert into t (v) values (${'x'.repeat(500)})`;
      (spare ? recycled : created).push(performance.now() - started);
    }
    const plain = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      await sql`insert into t (v) values (${'x'.repeat(500)})`;
      plain.push(performance.now() - started);
    }
    const show = (await sql`show wal_init_zero`)[0].wal_init_zero;
    console.log(JSON.stringify({ wal_init_zero: show, segmentsAheadAtStart: aheadAtStart, insertAfterSwitchIntoRecycledMs: summary(recycled), insertAfterSwitchIntoNewMs: summary(created), plainInsertMs: summary(plain) }));
  } finally {
    await sql.end();
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.end();
  }
})();
