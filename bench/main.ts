/**
 * The performance harness (issue 6): ingest against a bare Express + BullMQ baseline, fold
 * drain, fold lag at a steady rate, analyst API latency and CSV export on a big database, and
 * how fold cost grows with stored history. Every server is a separate process (the real apps),
 * every load comes from another process. Writes bench/results/<date>.{json,md} (quick: <date>-quick) and
 * ends by printing one JSON line.
 *
 *   npm run bench -- [--scale quick|full] [--keep] [--cpu-prof] [--only ingest,drain,lag,api,growth]
 *
 * See bench/README.md for what each figure means and how it is measured.
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createDbClient, createTenant, createApiKey, insertRawEvents, TenantExistsError, type DbClient, type NewTenantSecrets, type RawEventInput } from '@cxfold/db';
import { FoldQueue, type FoldEvent } from '@cxfold/queue';
import { scrapeMetrics, type MetricSample } from '@cxfold/testkit';
import { eventsFor, toRawEvent, type SingleEvent } from './lib/events';
import { adminSql, databaseExists, dropDatabase, fillHistory, prepareDatabase, walMeter, WAL_COMPRESSION, type BenchDbSettings, type WalCompression, type WalShare } from './lib/pg';
import { freePort, getLogDir, installCleanup, runLoad, setLogDir, sleep, spawnTs, stopAll, waitHttp, ROOT, type Managed } from './lib/procs';
import { percentiles, round, summarize } from './lib/stats';
import { cpuMeter, type CpuShare } from './lib/cpu';
import type { ApiCase, ApiResult, SendResult } from './load';

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

const SCALES = {
  quick: {
    connections: 64,
    ingestRounds: 2,
    durationS: 10,
    warmupS: 3,
    drainEvents: 50_000,
    lagRate: 1_000,
    lagS: 20,
    apiRows: 100_000,
    smallRows: 10_000,
    growthEvents: 20_000,
    growthRounds: 3,
    listCount: 40,
    detailCount: 300,
    csvCount: 5,
  },
  full: {
    connections: 64,
    ingestRounds: 2,
    durationS: 30,
    warmupS: 5,
    drainEvents: 200_000,
    lagRate: 1_000,
    lagS: 60,
    apiRows: 1_000_000,
    smallRows: 10_000,
    growthEvents: 20_000,
    growthRounds: 3,
    listCount: 100,
    detailCount: 1_000,
    csvCount: 5,
  },
} as const;
type Scale = keyof typeof SCALES;
type Settings = (typeof SCALES)[Scale];

const PHASES = ['ingest', 'drain', 'lag', 'api', 'growth'] as const;
type Phase = (typeof PHASES)[number];

/** Targets from the issue: `op` says which side of `value` passes. */
export const TARGETS: Record<string, { op: '>=' | '<='; value: number; unit: string }> = {
  ingest_ratio: { op: '>=', value: 0.8, unit: '' },
  drain_events_per_s: { op: '>=', value: 5_000, unit: 'events/s' },
  ack_p99_ms_half_load: { op: '<=', value: 20, unit: 'ms' },
  fold_lag_p99_ms_1k: { op: '<=', value: 1_000, unit: 'ms' },
  api_list_p95_ms: { op: '<=', value: 100, unit: 'ms' },
  api_detail_p95_ms: { op: '<=', value: 20, unit: 'ms' },
  csv_10k_ms: { op: '<=', value: 2_000, unit: 'ms' },
  growth_ratio: { op: '<=', value: 1.3, unit: '' },
};

const KEYS = [
  'ingest_events_per_s',
  'baseline_events_per_s',
  'ingest_ratio',
  'ack_p50_ms',
  'ack_p99_ms_half_load',
  'baseline_ack_p99_ms_half_load',
  'drain_events_per_s',
  'fold_lag_p99_ms_1k',
  'api_list_p95_ms',
  'api_detail_p95_ms',
  'csv_10k_ms',
  'growth_ratio',
] as const;
type Key = (typeof KEYS)[number];

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'quick' },
    keep: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    only: { type: 'string' },
    'wal-compression': { type: 'string', default: 'lz4' },
    'wal-init-zero': { type: 'string', default: 'off' },
    help: { type: 'boolean', default: false },
  },
});

const HELP = `npm run bench -- [--scale quick|full] [--keep] [--cpu-prof] [--only ingest,drain,lag,api,growth] [--wal-compression lz4|pglz|off] [--wal-init-zero off|on]

  --scale     quick (about 4-6 min on 2 cores) or full (about 15-20 min)
  --keep      keep the bench databases (the big filled one is reused by the next --keep run)
  --cpu-prof  write V8 CPU profiles of the receiver, worker and API to bench/results/profiles/
  --only      run some phases only (the others' figures are null)
  --wal-compression  wal_compression of the bench databases (default lz4, as docs/operations.md
              recommends; off is Postgres' stock setting)
  --wal-init-zero    wal_init_zero of the bench databases (default off, as docs/operations.md
              recommends; on is Postgres' stock setting: a new WAL segment is zero-filled
              inside the commit that first needs it)

Env: DATABASE_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL.`;

const dbSettingsText = (d: BenchDbSettings) => `wal_compression ${d.walCompression}, wal_init_zero ${d.walInitZero ? 'on' : 'off'}`;

function walCompressionOf(v: string): WalCompression {
  if ((WAL_COMPRESSION as readonly string[]).includes(v)) return v as WalCompression;
  process.stderr.write(`--wal-compression must be one of ${WAL_COMPRESSION.join(', ')}, not ${v}\n`);
  process.exit(2);
}

function onOff(flag: string, v: string): boolean {
  if (v === 'on' || v === 'off') return v === 'on';
  process.stderr.write(`--${flag} must be on or off, not ${v}\n`);
  process.exit(2);
}

const say = (line: string) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// Context shared by the phases
// ---------------------------------------------------------------------------------------------

interface Ctx {
  scale: Scale;
  s: Settings;
  adminUrl: string;
  redisUrl: string;
  keep: boolean;
  /** set on every bench database */
  dbSettings: BenchDbSettings;
  cpuProfDir: string | null;
  databases: Set<string>;
  prefixes: Set<string>;
  figures: Partial<Record<Key, number | null>>;
  details: Record<string, unknown>;
  /** for INFO cpu */
  redis: Redis;
  /** detail sections of the markdown report */
  md: string[];
}

const appCores = (c: CpuShare) =>
  Object.entries(c.apps)
    .filter(([, v]) => v !== null && v > 0.005)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '–';
const CPU_HEAD = 'app cores | postgres | redis | irq | others | machine';
const CPU_SEP = '--- | --- | --- | --- | --- | ---';
const cpuCells = (c: CpuShare) => `${appCores(c)} | ${c.postgres} | ${c.redis} | ${c.irq} | ${c.others} | ${c.machine}`;

/** WAL written during a run and whether a checkpoint was writing behind it. */
const walLine = (w: WalShare) => `WAL ${w.walMB} MB (${w.fpiPct}% of records full-page images, ${w.segmentsEntered} segments entered, at most ${w.segmentsCreated} of them created during the run), checkpoint ${w.checkpointBuffers > 0 ? `writing (${w.checkpointBuffers} buffers${w.checkpointsStarted ? `, ${w.checkpointsStarted} started` : ''})` : 'idle'}`;

const cpuLine = (c: CpuShare) =>
  `cpu (cores): ${Object.entries(c.apps)
    .map(([k, v]) => `${k} ${v ?? '?'}`)
    .join(', ')}, postgres ${c.postgres}, redis ${c.redis}; whole machine ${c.machine}, interrupts ${c.irq}, others' work ${c.others} (${Object.entries(c.othersTop)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}), CPU pressure ${c.cpuPressure ?? '?'}%`;

const dbName = (ctx: Ctx, what: string) => {
  const name = `cxfold_bench_${ctx.scale}_${what}`;
  ctx.databases.add(name);
  return name;
};
const queuePrefix = (ctx: Ctx, what: string) => {
  const p = `cxbench_${ctx.scale}_${what}`;
  ctx.prefixes.add(p);
  return p;
};
// One folder per process: with --import tsx the module-hooks thread writes a profile of its own.
const profArgs = (ctx: Ctx, name: string) => [...NODE_FLAGS, ...(ctx.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(ctx.cpuProfDir, name)] : [])];
/**
 * The V8 flags the product's processes run with (package.json scripts, deploy/Dockerfile):
 * a larger young generation, so the receiver's and worker's short-lived request and batch
 * garbage is collected less often. The baseline gets the same flags, so the ratio stays fair.
 */
const NODE_FLAGS = ['--max-semi-space-size=64'];

function startReceiver(ctx: Ctx, name: string, databaseUrl: string, prefix: string, port: number): Managed {
  return spawnTs(
    name,
    'apps/receiver/src/main.ts',
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: ctx.redisUrl,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_SECOND: '0',
      // No worker runs while ingest is measured, so the fold queue only grows: shedding (503)
      // would measure the backlog guard, not ingest.
      BACKLOG_SOFT_LIMIT: '5000000',
      BACKLOG_HARD_LIMIT: '10000000',
    },
    profArgs(ctx, name),
  );
}

function startWorker(ctx: Ctx, name: string, databaseUrl: string, prefix: string): Managed {
  return spawnTs(name, 'apps/worker/src/main.ts', { DATABASE_URL: databaseUrl, REDIS_URL: ctx.redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: process.env.BENCH_WORKER_LOG_LEVEL ?? 'warn' }, profArgs(ctx, name));
}

async function producer(ctx: Ctx, prefix: string): Promise<{ queue: FoldQueue; redis: Redis }> {
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 3 });
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', () => resolve());
    redis.once('error', reject);
  });
  return { queue: new FoldQueue(redis, prefix, { attempts: 5, backoffMs: 1_000 }), redis };
}

/**
 * A client whose first round trip is done: postgres.js learns the array types on its first
 * connection, and sql.array() built before that is sent as a plain string.
 */
async function openDb(url: string, poolSize: number): Promise<DbClient> {
  const db = createDbClient({ url, poolSize, applicationName: 'cxfold-bench' });
  await db.sql`select 1`;
  return db;
}

async function newTenant(db: DbClient, slug: string): Promise<NewTenantSecrets | null> {
  try {
    return await createTenant(db.db, slug, { timeZone: 'America/New_York' });
  } catch (err) {
    if (err instanceof TenantExistsError) return null;
    throw err;
  }
}

/**
 * Events per fold job when the bench stages a backlog (drain, growth): the receiver makes one
 * fold job per group commit, and at full load (64 connections) its group commits carried 18-20
 * events in the quick ingest runs of 2026-12-02 (the ingest phase reports it as "events per
 * fold job"). The staged backlog is what a receiver under full load queues, a little smaller.
 */
const STAGED_EVENTS_PER_JOB = 16;

/** Stores events the way the receiver would (same insert) and enqueues their fold jobs as it would (one per group commit). No worker runs. */
async function stageEvents(db: DbClient, queue: FoldQueue, tenant: string, events: SingleEvent[]): Promise<{ minId: number; count: number; insertS: number; enqueueS: number }> {
  const rows: RawEventInput[] = events.map((e) => toRawEvent(tenant, e));
  const toFold: FoldEvent[] = [];
  let minId = Number.MAX_SAFE_INTEGER;
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 5_000) {
    const chunk = rows.slice(i, i + 5_000);
    const inserted = await insertRawEvents(db.sql, chunk);
    const now = Date.now();
    for (const r of chunk) {
      const id = inserted.get(`${r.tenant}\u0001${r.eventId}`);
      if (id === undefined) throw new Error(`event ${r.eventId} was already stored: bench events must be new`);
      minId = Math.min(minId, id);
      toFold.push({ rawEventId: id, tenant, kind: r.kind, subjectId: r.subjectId, eventId: r.eventId, requestId: null, receivedAtMs: now });
    }
  }
  const t1 = performance.now();
  // Many jobs per round trip, each holding one group commit's worth of events.
  for (let i = 0; i < toFold.length; i += 2_000) await queue.addEvents(toFold.slice(i, i + 2_000), undefined, STAGED_EVENTS_PER_JOB);
  const t2 = performance.now();
  return { minId, count: rows.length, insertS: round((t1 - t0) / 1000), enqueueS: round((t2 - t1) / 1000) };
}

interface FoldedStats {
  events: number;
  folded: number;
  deadLettered: number;
  /** max(folded_at) - min(folded_at): the drain without the worker's start-up */
  spanS: number;
  eventsPerS: number;
  /** worker spawn → last event folded, start-up included */
  wallS: number;
}

/**
 * Waits until every raw event of `tenant` from `minId` on is folded (or dead-lettered). Watches
 * the BullMQ counts in Redis while jobs are pending, so polling costs Postgres nothing during
 * the drain; Postgres has the last word once the queue looks empty.
 */
async function waitFolded(
  db: DbClient,
  opts: { tenant: string; minId: number; worker: Managed; queue: FoldQueue; timeoutMs: number; startedAt?: number },
): Promise<FoldedStats> {
  const { tenant, minId, worker, queue, timeoutMs } = opts;
  const startedAt = opts.startedAt ?? performance.now();
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let lastChange = Date.now();
  const check = (n: number, what: string) => {
    if (!worker.running) throw new Error(`${worker.name} exited with ${n} ${what}:\n${worker.logTail()}`);
    if (Date.now() > deadline) throw new Error(`${n} ${what} after ${timeoutMs} ms:\n${worker.logTail()}`);
    if (n !== last) {
      last = n;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > 60_000) throw new Error(`folding stalled at ${n} ${what}:\n${worker.logTail()}`);
  };
  for (;;) {
    const c = await queue.counts();
    const pending = (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
    if (pending > 0) {
      check(pending, 'fold jobs pending');
      await sleep(100);
      continue;
    }
    const [{ n }] = (await db.sql`
      select count(*)::int as n from raw_events
      where tenant = ${tenant} and id >= ${minId} and folded_at is null and dead_lettered_at is null`) as unknown as [{ n: number }];
    if (n === 0) break;
    check(n, 'events unfolded');
    await sleep(250);
  }
  const wallS = (performance.now() - startedAt) / 1000;
  const [r] = (await db.sql`
    select count(*)::int as events, count(folded_at)::int as folded, count(dead_lettered_at)::int as dead,
           extract(epoch from max(folded_at) - min(folded_at))::float8 as span
    from raw_events where tenant = ${tenant} and id >= ${minId}`) as unknown as [{ events: number; folded: number; dead: number; span: number }];
  const spanS = Math.max(r.span, 0.001);
  return { events: r.events, folded: r.folded, deadLettered: r.dead, spanS: round(spanS), eventsPerS: round(r.events / spanS, 1), wallS: round(wallS) };
}

// ---------------------------------------------------------------------------------------------
// Phases
// ---------------------------------------------------------------------------------------------

interface ReceiverScrape {
  /** cumulative hook requests by latency bucket (upper bound in seconds, Infinity for all → requests) */
  buckets: Map<number, number>;
  /** cumulative group commits by duration bucket, the same way (`cxfold_group_commit_duration_seconds`) */
  commitBuckets: Map<number, number>;
  /** cumulative events written by those commits, and their time in seconds */
  commitEvents: number;
  commitSeconds: number;
  /** event-loop delay since the previous scrape (prom-client resets it on every scrape), ms */
  loopP99Ms: number;
  loopMaxMs: number;
  /** cumulative garbage-collection pauses by kind */
  gc: Map<string, { count: number; sumMs: number }>;
}

/** One /metrics scrape of the receiver (the test suite's strict parser): its hook latency histogram, event-loop delay and GC pauses. */
async function scrapeReceiver(baseUrl: string): Promise<ReceiverScrape> {
  const m = await scrapeMetrics(baseUrl);
  const hooks = (name: string) => m.samples.filter((x) => x.name === name && x.labels.route?.startsWith('/v1/hooks/'));
  const buckets = cumulativeBuckets(hooks('cxfold_http_request_duration_seconds_bucket'), hooks('cxfold_http_request_duration_seconds_count'));
  const commits = (name: string) => m.samples.filter((x) => x.name === name);
  const commitBuckets = cumulativeBuckets(commits('cxfold_group_commit_duration_seconds_bucket'), commits('cxfold_group_commit_duration_seconds_count'));
  const gc = new Map<string, { count: number; sumMs: number }>();
  for (const c of m.samples.filter((x) => x.name === 'nodejs_gc_duration_seconds_count')) {
    const kind = c.labels.kind ?? '?';
    gc.set(kind, { count: c.value, sumMs: m.sum('nodejs_gc_duration_seconds_sum', { kind }) * 1000 });
  }
  const ms = (name: string) => round(m.sum(name) * 1000);
  return { buckets, commitBuckets, commitEvents: m.sum('cxfold_group_commit_events_sum'), commitSeconds: m.sum('cxfold_group_commit_duration_seconds_sum'), loopP99Ms: ms('nodejs_eventloop_lag_p99_seconds'), loopMaxMs: ms('nodejs_eventloop_lag_max_seconds'), gc };
}

/** A histogram's buckets summed over its label sets, by upper bound (Infinity: every observation). */
function cumulativeBuckets(bucketSamples: MetricSample[], countSamples: MetricSample[]): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const b of bucketSamples) {
    const le = Number(b.labels.le);
    if (Number.isFinite(le)) buckets.set(le, (buckets.get(le) ?? 0) + b.value);
  }
  buckets.set(Infinity, countSamples.reduce((n, x) => n + x.value, 0));
  return buckets;
}

/** The receiver's group commits during a run: how many, how full, and the share that was slow. */
function commitLine(before: ReceiverScrape, after: ReceiverScrape): string {
  const commits = (after.commitBuckets.get(Infinity) ?? 0) - (before.commitBuckets.get(Infinity) ?? 0);
  const events = after.commitEvents - before.commitEvents;
  const slow = latencyShares(before.commitBuckets, after.commitBuckets);
  const meanMs = commits > 0 ? round(((after.commitSeconds - before.commitSeconds) / commits) * 1000, 2) : 0;
  return `${commits} group commits (${commits > 0 ? round(events / commits, 1) : 0} events and ${meanMs} ms each on average), ${sharesText(slow)}`;
}

/** The receiver's own view of a run: event-loop delay during it and the GC pauses it took. */
function receiverLine(before: ReceiverScrape, after: ReceiverScrape): string {
  const pauses = [...after.gc].map(([kind, a]) => {
    const b = before.gc.get(kind) ?? { count: 0, sumMs: 0 };
    const n = a.count - b.count;
    return n > 0 ? `${n} ${kind} (${round((a.sumMs - b.sumMs) / n, 1)} ms each on average)` : null;
  });
  return `event-loop delay p99 ${after.loopP99Ms} ms, max ${after.loopMaxMs} ms; GC pauses: ${pauses.filter(Boolean).join(', ') || 'none'}`;
}

/** How late the paced sender wrote its requests and ran its event loop: its own part of the tail. */
function senderLine(x: SendResult): string {
  const s = x.sender;
  if (!s) return 'not measured';
  return `requests sent late by p50 ${s.sendLagP50} ms, p99 ${s.sendLagP99} ms, max ${s.sendLagMax} ms; event-loop delay p99 ${s.loopDelayP99} ms, max ${s.loopDelayMax} ms`;
}

/** Share of the requests between two scrapes that took longer than 10, 25, 50 and 100 ms inside the receiver. */
/** "1.2% over 10 ms, 0.3% over 25 ms, …" */
const sharesText = (shares: { overMs: number; pct: number }[]) => shares.map((x) => `${x.pct}% over ${x.overMs} ms`).join(', ');

function latencyShares(before: Map<number, number>, after: Map<number, number>): { overMs: number; pct: number }[] {
  const delta = (le: number) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const total = delta(Infinity);
  return [0.01, 0.025, 0.05, 0.1].map((le) => ({ overMs: le * 1000, pct: total > 0 ? round(((total - delta(le)) / total) * 100, 2) : 0 }));
}

async function phaseIngest(ctx: Ctx): Promise<void> {
  const { s } = ctx;
  say(`• ingest: receiver vs bare Express + BullMQ baseline, ${s.connections} connections, ${s.durationS} s per run`);
  const url = await prepareDatabase(ctx.adminUrl, dbName(ctx, 'ingest'), true, ctx.dbSettings);
  const db = await openDb(url, 2);
  try {
    const tenant = (await newTenant(db, 'bench'))!;
    const warm = (await newTenant(db, 'warmup'))!;
    const prefix = queuePrefix(ctx, 'ingest');
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const receiver = startReceiver(ctx, 'receiver-ingest', url, prefix, port);
    const bport = await freePort();
    const bUrl = `http://127.0.0.1:${bport}`;
    const baseline = spawnTs('baseline', 'bench/baseline-server.ts', { PORT: String(bport), REDIS_URL: ctx.redisUrl, QUEUE_PREFIX: queuePrefix(ctx, 'baseline') }, profArgs(ctx, 'baseline'));
    await waitHttp(`${baseUrl}/healthz`, receiver);
    await waitHttp(`${bUrl}/healthz`, baseline);
    // Enough signed events for 15,000 events/s: the pool is prepared before the clock starts.
    const prepare = s.durationS * 15_000;
    const timeout = (s.durationS + 120) * 1000;
    const ingestDb = new URL(url).pathname.slice(1);
    // No worker runs during ingest, so the receiver's fold jobs stay queued: jobs added per run
    // ÷ events accepted is the size of its group commits (one fold job each).
    const jobs = await producer(ctx, prefix);
    const jobsQueued = async () => {
      const c = await jobs.queue.counts();
      return (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
    };
    const measured = async <T>(work: () => Promise<T>): Promise<T & { cpu: CpuShare; wal: WalShare; foldJobs: number }> => {
      const jobsBefore = await jobsQueued();
      const meter = await cpuMeter({ sql: db.sql, database: ingestDb, redis: ctx.redis, apps: { receiver: receiver.child.pid, baseline: baseline.child.pid } });
      const wal = await walMeter(db.sql);
      const result = await work();
      const cpu = await meter.stop((result as { loadGeneratorCores?: number }).loadGeneratorCores ?? 0);
      return { ...result, cpu, wal: await wal.stop(), foldJobs: (await jobsQueued()) - jobsBefore };
    };
    const perJob = (x: { accepted: number; foldJobs: number }) => (x.foldJobs > 0 ? round(x.accepted / x.foldJobs, 1) : 0);
    const load = (name: string, target: string, seed: number, extra: Record<string, unknown> = {}) =>
      measured(() => runLoad<SendResult>(name, { mode: 'autocannon', baseUrl: target, connections: s.connections, tenant: 'bench', hubSecret: tenant.hubSecret, seed, durationS: s.durationS, prepare, ...extra }, timeout));
    const warmup = { tenant: 'warmup', hubSecret: warm.hubSecret, durationS: s.warmupS, prepare: s.warmupS * 8_000 };
    await load('ingest-warmup', baseUrl, 9_001, warmup);
    await load('baseline-warmup', bUrl, 9_001, warmup);

    // Rounds in the order receiver, baseline, baseline, receiver (…): drift in the machine's
    // other load hits both sides alike. Each pair uses the very same payloads (same seed); every
    // receiver run gets events it has never seen.
    const runs: { round: number; server: 'receiver' | 'baseline'; result: SendResult & { cpu: CpuShare; wal: WalShare; foldJobs: number } }[] = [];
    for (let r = 0; r < s.ingestRounds; r++) {
      const order = r % 2 === 0 ? (['receiver', 'baseline'] as const) : (['baseline', 'receiver'] as const);
      for (const server of order) {
        const result = await load(`${server === 'receiver' ? 'ingest' : 'baseline'}-full-${r + 1}`, server === 'receiver' ? baseUrl : bUrl, 1 + r * 50_000);
        runs.push({ round: r + 1, server, result });
        say(`  ${server.padEnd(8)} round ${r + 1}: ${result.eventsPerS} events/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, non-2xx ${result.non2xx}, duplicates ${result.duplicates}, errors ${result.errors}`);
        say(`    ${cpuLine(result.cpu)}, load generator ${result.loadGeneratorCores}${server === 'receiver' ? `, ${perJob(result)} events per fold job` : ''}`);
        say(`    ${walLine(result.wal)}`);
      }
    }
    // Best run of each side: the machine is shared, and other work only ever takes throughput away.
    const bestOf = (server: 'receiver' | 'baseline') => runs.filter((x) => x.server === server).reduce((a, b) => (b.result.eventsPerS > a.result.eventsPerS ? b : a)).result;
    const full = bestOf('receiver');
    const base = bestOf('baseline');

    const halfRate = Math.max(1, Math.round(full.eventsPerS / 2));
    const half = await load('ingest-half', baseUrl, 500_001, { overallRate: halfRate, prepare: Math.ceil(halfRate * s.durationS * 1.2) });
    say(`  receiver at ${halfRate} req/s (autocannon overallRate): p50 ${half.latencyMs.p50} ms, p99 ${half.latencyMs.p99} ms, non-2xx ${half.non2xx}`);
    // The evenly paced sender at half load, the same payloads (seed) against either server.
    const pacedAt = (name: string, target: string) =>
      measured(() =>
        runLoad<SendResult>(name, { mode: 'paced', baseUrl: target, tenant: 'bench', hubSecret: tenant.hubSecret, seed: 600_001, rate: halfRate, durationS: s.durationS, maxSockets: s.connections }, timeout),
      );
    const serverBefore = await scrapeReceiver(baseUrl);
    const paced = await pacedAt('ingest-half-paced', baseUrl);
    const serverAfter = await scrapeReceiver(baseUrl);
    const pacedServer = latencyShares(serverBefore.buckets, serverAfter.buckets);
    const pacedReceiver = receiverLine(serverBefore, serverAfter);
    const pacedCommits = commitLine(serverBefore, serverAfter);
    say(`  receiver at ${halfRate} events/s evenly paced: p50 ${paced.latencyMs.p50} ms, p99 ${paced.latencyMs.p99} ms, non-2xx ${paced.non2xx}, ${perJob(paced)} events per fold job`);
    say(`    inside the receiver (its own histogram): ${sharesText(pacedServer)}`);
    say(`    the receiver process: ${pacedReceiver}`);
    say(`    its Postgres writes: ${pacedCommits}`);
    say(`    ${walLine(paced.wal)}`);
    say(`    the sender itself: ${senderLine(paced)}`);
    // The same sender at the same rate against the baseline: the tail that this machine, this
    // sender and a bare Express + BullMQ server give before any of the receiver's work.
    const pacedBaseline = await pacedAt('baseline-half-paced', bUrl);
    say(`  baseline at ${halfRate} events/s evenly paced: p50 ${pacedBaseline.latencyMs.p50} ms, p99 ${pacedBaseline.latencyMs.p99} ms, non-2xx ${pacedBaseline.non2xx}`);
    say(`    the sender itself: ${senderLine(pacedBaseline)}`);
    await baseline.stop();
    await receiver.stop();
    await jobs.queue.close();
    jobs.redis.disconnect();
    const [{ stored }] = (await db.sql`select count(*)::int as stored from raw_events where tenant = 'bench'`) as unknown as [{ stored: number }];

    const problems: string[] = [];
    for (const { round: r, server, result } of runs) {
      if (result.non2xx || result.errors || result.duplicates || result.timeouts) problems.push(`${server} round ${r}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ${result.duplicates} duplicates`);
      if (result.refilledDuringRun) problems.push(`${server} round ${r}: the signed-event pool ran out (${result.refilledDuringRun} events generated while measuring)`);
    }
    for (const [name, result] of [['half load', half], ['half load paced', paced], ['baseline half load paced', pacedBaseline]] as const) {
      if (result.non2xx || result.errors || result.duplicates) problems.push(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.duplicates} duplicates`);
    }
    const acknowledged = runs.filter((x) => x.server === 'receiver').reduce((n, x) => n + x.result.accepted, 0) + half.accepted + paced.accepted;
    if (stored < acknowledged) problems.push(`${acknowledged} events acknowledged but only ${stored} stored`);
    for (const p of problems) say(`  ! ${p}`);

    ctx.md.push(
      '## Ingest',
      '',
      `${s.connections} connections, ${s.durationS} s per run, one distinct hub-signed event per request. CPU in cores averaged over the run ("others": everything on the machine that is not the bench).`,
      '',
      `| run | events/s | p50 ms | p99 ms | non-2xx | events per fold job | ${CPU_HEAD} | load gen |`,
      `| --- | --- | --- | --- | --- | --- | ${CPU_SEP} | --- |`,
      ...runs.map(({ round: r, server, result: x }) => `| ${server} full load, round ${r} | ${x.eventsPerS} | ${x.latencyMs.p50} | ${x.latencyMs.p99} | ${x.non2xx} | ${server === 'receiver' ? perJob(x) : '1'} | ${cpuCells(x.cpu)} | ${x.loadGeneratorCores} |`),
      `| receiver at ${halfRate}/s, autocannon overallRate | ${half.eventsPerS} | ${half.latencyMs.p50} | ${half.latencyMs.p99} | ${half.non2xx} | ${perJob(half)} | ${cpuCells(half.cpu)} | ${half.loadGeneratorCores} |`,
      `| receiver at ${halfRate}/s, evenly paced | ${paced.eventsPerS} | ${paced.latencyMs.p50} | ${paced.latencyMs.p99} | ${paced.non2xx} | ${perJob(paced)} | ${cpuCells(paced.cpu)} | ${paced.loadGeneratorCores} |`,
      `| baseline at ${halfRate}/s, evenly paced | ${pacedBaseline.eventsPerS} | ${pacedBaseline.latencyMs.p50} | ${pacedBaseline.latencyMs.p99} | ${pacedBaseline.non2xx} | 1 | ${cpuCells(pacedBaseline.cpu)} | ${pacedBaseline.loadGeneratorCores} |`,
      '',
      `Evenly paced run, time inside the receiver (request in → answer written, its \`cxfold_http_request_duration_seconds\` histogram): ${sharesText(pacedServer)}. The sender's latency adds the network stack and the wait for a CPU on both sides.`,
      '',
      `The sender itself (its own lateness is part of every latency it reports): against the receiver ${senderLine(paced)}; against the baseline ${senderLine(pacedBaseline)}.`,
      '',
      `The receiver process during the evenly paced run (its /metrics): ${pacedReceiver}; its Postgres writes (\`cxfold_group_commit_duration_seconds\`: insert and commit, one round trip): ${pacedCommits}.`,
      '',
      `Postgres during the evenly paced receiver run: ${walLine(paced.wal)}. A checkpoint writing behind the run slows its commits (docs/performance.md, 2026-12-03).`,
      '',
      ...(problems.length ? [`Problems: ${problems.join('; ')}`, ''] : []),
    );
    ctx.figures.ingest_events_per_s = full.eventsPerS;
    ctx.figures.baseline_events_per_s = base.eventsPerS;
    ctx.figures.ingest_ratio = round(full.eventsPerS / base.eventsPerS, 3);
    ctx.figures.ack_p50_ms = full.latencyMs.p50;
    // Half load is a steady arrival rate at half the measured capacity: the evenly paced sender.
    // autocannon's overallRate sends each second's quota from all 64 connections back to back,
    // then idles, so for part of every second it is full load again (reported beside it).
    ctx.figures.ack_p99_ms_half_load = paced.latencyMs.p99;
    ctx.figures.baseline_ack_p99_ms_half_load = pacedBaseline.latencyMs.p99;
    ctx.details.ingest = {
      full,
      baseline: base,
      half: { rate: halfRate, ...half },
      halfPaced: { rate: halfRate, ...paced, insideReceiver: pacedServer, receiverProcess: pacedReceiver, groupCommits: pacedCommits },
      halfPacedBaseline: { rate: halfRate, ...pacedBaseline },
      runs: runs.map(({ round: r, server, result }) => ({
        round: r,
        server,
        eventsPerS: result.eventsPerS,
        p50: result.latencyMs.p50,
        p99: result.latencyMs.p99,
        non2xx: result.non2xx,
        duplicates: result.duplicates,
        errors: result.errors,
        cpu: result.cpu,
        loadGeneratorCores: result.loadGeneratorCores,
      })),
      storedRawEvents: stored,
      acknowledged,
      problems,
    };
  } finally {
    await db.close();
  }
}

async function phaseDrain(ctx: Ctx): Promise<void> {
  const { s } = ctx;
  say(`• drain: ${s.drainEvents} events stored and queued, then the worker starts`);
  const url = await prepareDatabase(ctx.adminUrl, dbName(ctx, 'drain'), true, ctx.dbSettings);
  const db = await openDb(url, 4);
  const prefix = queuePrefix(ctx, 'drain');
  const { queue, redis } = await producer(ctx, prefix);
  try {
    await newTenant(db, 'bench');
    const events = eventsFor(10, s.drainEvents);
    const staged = await stageEvents(db, queue, 'bench', events);
    say(`  stored ${staged.count} raw events in ${staged.insertS} s, queued them in ${staged.enqueueS} s`);
    const started = performance.now();
    const worker = startWorker(ctx, 'worker-drain', url, prefix);
    const meter = await cpuMeter({ sql: db.sql, database: new URL(url).pathname.slice(1), redis: ctx.redis, apps: { worker: worker.child.pid } });
    const r = await waitFolded(db, { tenant: 'bench', minId: staged.minId, worker, queue, timeoutMs: 30 * 60_000, startedAt: started });
    const cpu = await meter.stop();
    await worker.stop();
    say(`  folded ${r.folded} events in ${r.spanS} s: ${r.eventsPerS} events/s (${r.wallS} s with worker start-up), ${r.deadLettered} dead-lettered`);
    say(`    ${cpuLine(cpu)} (worker start-up included)`);
    // Write amplification: rows touched per table by the whole drain (stats flush within ~1 s).
    await sleep(1_500);
    const tableStats = (await db.sql`
      select relname as table, n_tup_ins::int as inserted, n_tup_upd::int as updated, n_tup_del::int as deleted,
             coalesce(idx_tup_fetch, 0)::int as index_fetched, n_live_tup::int as live
      from pg_stat_user_tables where relname in ('raw_events', 'interactions', 'segments', 'flow_executions', 'flow_steps') order by relname`) as unknown as {
      table: string;
      inserted: number;
      updated: number;
      deleted: number;
      index_fetched: number;
      live: number;
    }[];
    const [shape] = (await db.sql`
      select (select count(*)::int from interactions) as interactions, (select count(*)::int from flow_executions) as flow_executions,
             (select count(*)::int from segments) as segments, (select count(*)::int from flow_steps) as flow_steps`) as unknown as [Record<string, number>];
    ctx.md.push(
      '## Drain',
      '',
      `${r.events} events stored (${staged.insertS} s) and queued (${staged.enqueueS} s) before the worker started; they fold into ${shape.interactions} interactions and ${shape.flow_executions} flow executions.`,
      '',
      `| events/s | drain s | with start-up s | dead-lettered | ${CPU_HEAD} |`,
      `| --- | --- | --- | --- | ${CPU_SEP} |`,
      `| ${r.eventsPerS} | ${r.spanS} | ${r.wallS} | ${r.deadLettered} | ${cpuCells(cpu)} |`,
      '',
      'Rows touched during the drain (pg_stat_user_tables; the raw events were inserted before the worker started):',
      '',
      '| table | live rows | inserted | updated | deleted | fetched by index |',
      '| --- | --- | --- | --- | --- | --- |',
      ...tableStats.map((t) => `| ${t.table} | ${t.live} | ${t.inserted} | ${t.updated} | ${t.deleted} | ${t.index_fetched} |`),
      '',
    );
    ctx.figures.drain_events_per_s = r.eventsPerS;
    ctx.details.drain = { staged, ...r, records: shape, cpu, tableStats };
  } finally {
    await queue.close();
    redis.disconnect();
    await db.close();
  }
}

async function phaseLag(ctx: Ctx): Promise<void> {
  const { s } = ctx;
  say(`• fold lag: receiver + worker, ${s.lagRate} events/s evenly paced for ${s.lagS} s`);
  const url = await prepareDatabase(ctx.adminUrl, dbName(ctx, 'lag'), true, ctx.dbSettings);
  const db = await openDb(url, 2);
  const closers: (() => Promise<void>)[] = [];
  try {
    const tenant = (await newTenant(db, 'bench'))!;
    const warm = (await newTenant(db, 'warmup'))!;
    const prefix = queuePrefix(ctx, 'lag');
    const { queue, redis } = await producer(ctx, prefix);
    closers.push(async () => {
      await queue.close();
      redis.disconnect();
    });
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const worker = startWorker(ctx, 'worker-lag', url, prefix);
    const receiver = startReceiver(ctx, 'receiver-lag', url, prefix, port);
    await waitHttp(`${baseUrl}/healthz`, receiver);
    const timeout = (s.lagS + 120) * 1000;
    // Warm-up on another tenant; waiting for it to fold also proves the worker is up.
    await runLoad<SendResult>('lag-warmup', { mode: 'paced', baseUrl, tenant: 'warmup', hubSecret: warm.hubSecret, seed: 9_101, rate: s.lagRate, durationS: 3, maxSockets: 64 }, timeout);
    await waitFolded(db, { tenant: 'warmup', minId: 0, worker, queue, timeoutMs: 120_000 });
    const meter = await cpuMeter({ sql: db.sql, database: new URL(url).pathname.slice(1), redis: ctx.redis, apps: { receiver: receiver.child.pid, worker: worker.child.pid } });
    const sent = await runLoad<SendResult>('lag-steady', { mode: 'paced', baseUrl, tenant: 'bench', hubSecret: tenant.hubSecret, seed: 300_001, rate: s.lagRate, durationS: s.lagS, maxSockets: 64 }, timeout);
    const cpu = await meter.stop(sent.loadGeneratorCores ?? 0);
    const folded = await waitFolded(db, { tenant: 'bench', minId: 0, worker, queue, timeoutMs: 300_000 });
    const [lag] = (await db.sql`
      with l as (select extract(epoch from folded_at - received_at) * 1000 as ms from raw_events where tenant = 'bench' and folded_at is not null)
      select count(*)::int as n,
             percentile_disc(0.5) within group (order by ms)::float8 as p50,
             percentile_disc(0.95) within group (order by ms)::float8 as p95,
             percentile_disc(0.99) within group (order by ms)::float8 as p99,
             max(ms)::float8 as max
      from l`) as unknown as [{ n: number; p50: number; p95: number; p99: number; max: number }];
    await receiver.stop();
    await worker.stop();
    say(`  sent ${sent.accepted} events at ${sent.requestsPerS} req/s (ack p99 ${sent.latencyMs.p99} ms); received → folded p50 ${round(lag.p50)} ms, p99 ${round(lag.p99)} ms, max ${round(lag.max)} ms`);
    ctx.md.push(
      '## Fold lag',
      '',
      `${sent.accepted} events sent evenly at ${s.lagRate}/s through the receiver while the worker folds.`,
      '',
      `| sent/s | ack p50 ms | ack p99 ms | lag p50 ms | lag p95 ms | lag p99 ms | lag max ms | ${CPU_HEAD} |`,
      `| --- | --- | --- | --- | --- | --- | --- | ${CPU_SEP} |`,
      `| ${sent.requestsPerS} | ${sent.latencyMs.p50} | ${sent.latencyMs.p99} | ${round(lag.p50)} | ${round(lag.p95)} | ${round(lag.p99)} | ${round(lag.max)} | ${cpuCells(cpu)} |`,
      '',
    );
    ctx.figures.fold_lag_p99_ms_1k = round(lag.p99, 1);
    say(`    ${cpuLine(cpu)}, load generator ${sent.loadGeneratorCores}`);
    ctx.details.lag = { cpu, send: sent, lagMs: { n: lag.n, p50: round(lag.p50), p95: round(lag.p95), p99: round(lag.p99), max: round(lag.max) }, folded };
  } finally {
    for (const close of closers) await close();
    await db.close();
  }
}

/** The big database: filled history, then the API measured on it. Returns its URL for the growth phase. */
async function bigDatabase(ctx: Ctx): Promise<string> {
  const name = dbName(ctx, 'big');
  const reuse = ctx.keep && (await databaseExists(ctx.adminUrl, name));
  const url = await prepareDatabase(ctx.adminUrl, name, !reuse, ctx.dbSettings);
  const db = await openDb(url, 2);
  try {
    await newTenant(db, 'bench');
    say(`  filling ${ctx.s.apiRows} interactions of history${reuse ? ' (reusing the kept database when filled)' : ''}`);
    const fill = await fillHistory(db.sql, 'bench', ctx.s.apiRows, say);
    ctx.details.bigFill = fill;
  } finally {
    await db.close();
  }
  return url;
}

async function phaseApi(ctx: Ctx, url: string): Promise<void> {
  const { s } = ctx;
  say(`• analyst API on ${s.apiRows} interactions`);
  const db = await openDb(url, 2);
  try {
    const key = await createApiKey(db.db, 'bench', 'admin', [], 'bench');
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const api = spawnTs('api', 'apps/api/src/main.ts', { PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: url, LOG_LEVEL: 'warn' }, profArgs(ctx, 'api'));
    await waitHttp(`${baseUrl}/healthz`, api);

    const lists: [string, string][] = [
      ['last 7 days', 'range=last7days'],
      ['last 7 days, channel chat+sms', 'range=last7days&channel=chat,sms'],
      ['last 7 days, queue q-1+q-2', 'range=last7days&queue=q-1,q-2'],
      ['last 7 days, agent substring', 'range=last7days&agent=Agent%2017%20'],
      ['last 7 days, status queued', 'range=last7days&status=queued'],
    ];
    // At 2,740 interactions a day, the last 7 days (6 full days and today) hold 16,000 to 19,000.
    const csvQuery = 'format=csv&truncate=true&range=last7days';
    const ids = Array.from({ length: s.detailCount + 20 }, () => `/v1/interactions/b-${1 + Math.floor(Math.random() * s.apiRows)}`);
    const cases: ApiCase[] = [
      ...lists.map(([name, q]): ApiCase => ({ name: `list: ${name}`, group: 'list', paths: [`/v1/interactions?${q}`], warmup: 3, count: s.listCount })),
      { name: 'detail: random interaction', group: 'detail', paths: ids, warmup: 20, count: s.detailCount },
      { name: 'csv export: last 7 days, truncate=true', group: 'csv', paths: [`/v1/interactions/export?${csvQuery}`], warmup: 0, count: s.csvCount },
    ];
    const meter = await cpuMeter({ sql: db.sql, database: new URL(url).pathname.slice(1), redis: ctx.redis, apps: { api: api.child.pid } });
    const { cases: results, loadGeneratorCores } = await runLoad<ApiResult>('api', { mode: 'api', baseUrl, apiKey: key.key, cases }, 30 * 60_000);
    const cpu = await meter.stop(loadGeneratorCores);
    await api.stop();
    say(`  ${cpuLine(cpu)}`);

    const bad = results.filter((r) => Object.keys(r.statusCodes).some((c) => c !== '200'));
    for (const r of bad) say(`  ! ${r.name}: status codes ${JSON.stringify(r.statusCodes)}`);
    const pooled = (group: string) => results.filter((r) => r.group === group).flatMap((r) => r.samples);
    const list = summarize(pooled('list'));
    const detail = summarize(pooled('detail'));
    const csv = results.find((r) => r.group === 'csv')!;
    const csvMedian = percentiles(csv.samples, [50]).p50!;
    for (const r of results) say(`  ${r.name}: p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, max ${r.latencyMs.max} ms${r.totalCount ? ` (${r.totalCount} rows match)` : ''}`);
    if (csv.totalCount !== null && Number(csv.totalCount) < 10_000) say(`  ! csv export matched only ${csv.totalCount} rows`);
    ctx.md.push(
      '## Analyst API',
      '',
      `${s.apiRows} interactions (2,740 a day), sequential requests, one connection. CPU (cores): ${appCores(cpu)}, postgres ${cpu.postgres}, others ${cpu.others}.`,
      '',
      '| request | n | p50 ms | p95 ms | p99 ms | max ms | rows matching |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...results.map((r) => `| ${r.name} | ${r.latencyMs.count} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ${r.totalCount ?? ''} |`),
      '',
    );
    ctx.figures.api_list_p95_ms = list.p95;
    ctx.figures.api_detail_p95_ms = detail.p95;
    ctx.figures.csv_10k_ms = round(csvMedian, 1);
    ctx.details.api = {
      interactions: s.apiRows,
      list,
      detail,
      csv: { query: csvQuery, matched: csv.totalCount, bytesPerDownload: Math.round(csv.bytes / Math.max(1, csv.samples.length)), samplesMs: csv.samples, firstMs: csv.samples[0] },
      cases: results.map(({ samples: _samples, ...r }) => r),
      nonOk: bad.map((r) => ({ name: r.name, statusCodes: r.statusCodes })),
      cpu,
    };
  } finally {
    await db.close();
  }
}

async function phaseGrowth(ctx: Ctx, bigUrl: string): Promise<void> {
  const { s } = ctx;
  say(`• growth: drain ${s.growthEvents} new events into ${s.smallRows} vs ${s.apiRows} stored interactions, ${s.growthRounds} rounds`);
  const smallUrl = await prepareDatabase(ctx.adminUrl, dbName(ctx, 'small'), true, ctx.dbSettings);
  const small = await openDb(smallUrl, 4);
  const big = await openDb(bigUrl, 4);
  const targets = [
    { name: 'small', rows: s.smallRows, url: smallUrl, db: small },
    { name: 'big', rows: s.apiRows, url: bigUrl, db: big },
  ];
  try {
    await newTenant(small, 'bench');
    say(`  filling ${s.smallRows} interactions of history`);
    await fillHistory(small.sql, 'bench', s.smallRows, say);
    const runs: { round: number; target: string; stored: number; eventsPerS: number; usPerEvent: number; spanS: number; deadLettered: number; cpu: CpuShare }[] = [];
    // A fresh seed per run of the bench, so a kept (--keep) database never sees these ids twice.
    const seedBase = 1_000_000 + (Date.now() % 1_000_000) * 10;
    for (let r = 0; r < s.growthRounds; r++) {
      const events = eventsFor(seedBase + r * 3, s.growthEvents);
      for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
        const prefix = queuePrefix(ctx, `growth_${t.name}`);
        const { queue, redis } = await producer(ctx, prefix);
        try {
          const staged = await stageEvents(t.db, queue, 'bench', events);
          const worker = startWorker(ctx, `worker-growth-${t.name}-${r + 1}`, t.url, prefix);
          const meter = await cpuMeter({ sql: t.db.sql, database: new URL(t.url).pathname.slice(1), redis: ctx.redis, apps: { worker: worker.child.pid } });
          const res = await waitFolded(t.db, { tenant: 'bench', minId: staged.minId, worker, queue, timeoutMs: 15 * 60_000 });
          const cpu = await meter.stop();
          await worker.stop();
          runs.push({ round: r + 1, target: t.name, stored: t.rows, eventsPerS: res.eventsPerS, usPerEvent: round(1e6 / res.eventsPerS, 1), spanS: res.spanS, deadLettered: res.deadLettered, cpu });
          say(`  round ${r + 1}, ${t.rows} stored: ${res.eventsPerS} events/s (${round(1e6 / res.eventsPerS, 1)} µs per event); ${cpuLine(cpu)}`);
        } finally {
          await queue.close();
          redis.disconnect();
        }
      }
    }
    // Best (cheapest) run of each: other work on a shared machine only ever adds cost.
    const best = (name: string) => Math.min(...runs.filter((x) => x.target === name).map((x) => x.usPerEvent));
    const ratio = round(best('big') / best('small'), 3);
    ctx.md.push(
      '## Growth',
      '',
      `${s.growthEvents} new events drained into a database holding ${s.smallRows} vs ${s.apiRows} folded interactions (with their raw events); best run of each counts.`,
      '',
      `| round | stored interactions | events/s | µs per event | ${CPU_HEAD} |`,
      `| --- | --- | --- | --- | ${CPU_SEP} |`,
      ...runs.map((x) => `| ${x.round} | ${x.stored} | ${x.eventsPerS} | ${x.usPerEvent} | ${cpuCells(x.cpu)} |`),
      '',
    );
    ctx.figures.growth_ratio = ratio;
    ctx.details.growth = { events: s.growthEvents, smallRows: s.smallRows, bigRows: s.apiRows, bestUsPerEvent: { small: best('small'), big: best('big') }, runs };
  } finally {
    await small.close();
    await big.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function meets(key: string, v: number | null | undefined): string {
  const t = TARGETS[key];
  if (!t || v === null || v === undefined || !Number.isFinite(v)) return '';
  return (t.op === '>=' ? v >= t.value : v <= t.value) ? 'yes' : '**no**';
}

const fmt = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v >= 100 ? Math.round(v).toLocaleString('en-US') : String(round(v, 2)));

const LABELS: Record<Key, string> = {
  ingest_events_per_s: 'receiver, events/s at full load',
  baseline_events_per_s: 'bare Express + BullMQ, events/s at full load',
  ingest_ratio: 'ingest ÷ baseline',
  ack_p50_ms: 'ack latency p50 at full load (ms)',
  ack_p99_ms_half_load: 'ack latency p99 at half load (ms)',
  baseline_ack_p99_ms_half_load: 'the same sender against the baseline, p99 (ms)',
  drain_events_per_s: 'fold drain, events/s',
  fold_lag_p99_ms_1k: 'received → folded p99 at 1,000 events/s (ms)',
  api_list_p95_ms: 'GET /v1/interactions p95 (ms)',
  api_detail_p95_ms: 'GET /v1/interactions/{id} p95 (ms)',
  csv_10k_ms: 'CSV export of 10,000 rows (ms)',
  growth_ratio: 'fold cost per event, big ÷ small history',
};

function markdown(ctx: Ctx, meta: Record<string, unknown>): string {
  const target = (k: string) => {
    const t = TARGETS[k];
    return t ? `${t.op === '>=' ? '≥' : '≤'} ${t.value.toLocaleString('en-US')}` : '';
  };
  const rows = KEYS.map((k) => `| \`${k}\` | ${LABELS[k]} | ${fmt(ctx.figures[k])} | ${target(k)} | ${meets(k, ctx.figures[k])} |`);
  return [
    `# cxfold bench, ${ctx.scale} scale, ${meta.date}`,
    '',
    `Machine: ${meta.cpus} × ${meta.cpuModel}, ${meta.memGiB} GiB, shared with other work (load average ${meta.loadStart} at start, ${meta.loadEnd} at end). Node ${meta.node}, PostgreSQL ${meta.postgres} (${Object.entries(meta.postgresSettings as Record<string, string>).map(([k, v]) => `${k} ${v}`).join(', ')}; the bench databases with ${dbSettingsText(ctx.dbSettings)}), Redis ${meta.redis}. Took ${meta.minutes} min.`,
    '',
    '| figure | what | value | target | meets |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Scale: ${JSON.stringify(ctx.s)}`,
    '',
    'bench/README.md says how each figure is measured; the JSON file next to this one has every number.',
    '',
    ...ctx.md,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function cleanup(ctx: Ctx): Promise<void> {
  await stopAll();
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    for (const prefix of ctx.prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5_000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } catch (err) {
    say(`  could not clean Redis keys: ${String(err)}`);
  } finally {
    redis.disconnect();
  }
  if (ctx.keep) {
    say(`• kept databases: ${[...ctx.databases].join(', ')}`);
    return;
  }
  for (const name of ctx.databases) await dropDatabase(ctx.adminUrl, name).catch((err: unknown) => say(`  could not drop ${name}: ${String(err)}`));
}

async function main() {
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const scale = values.scale as Scale;
  if (!(scale in SCALES)) throw new Error(`--scale is quick or full, not ${values.scale}`);
  const only = new Set<Phase>(values.only ? (values.only.split(',').map((p) => p.trim()) as Phase[]) : PHASES);
  for (const p of only) if (!PHASES.includes(p)) throw new Error(`unknown phase ${p}; phases: ${PHASES.join(', ')}`);

  const date = new Date().toISOString().slice(0, 10);
  const resultsDir = path.join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const ctx: Ctx = {
    scale,
    s: SCALES[scale],
    adminUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    keep: values.keep,
    dbSettings: { walCompression: walCompressionOf(values['wal-compression']), walInitZero: onOff('wal-init-zero', values['wal-init-zero']) },
    cpuProfDir: values['cpu-prof'] ? path.join(resultsDir, 'profiles', `${date}-${scale}`) : null,
    databases: new Set(),
    prefixes: new Set(),
    figures: Object.fromEntries(KEYS.map((k) => [k, null])) as Record<Key, null>,
    details: {},
    redis: new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 }),
    md: [],
  };
  if (ctx.cpuProfDir) mkdirSync(ctx.cpuProfDir, { recursive: true });
  setLogDir(path.join(os.tmpdir(), `cxfold-bench-${date}-${scale}-${process.pid}`));
  installCleanup(() => cleanup(ctx));

  const started = Date.now();
  const loadStart = os.loadavg().map((l) => round(l, 1)).join(' ');
  const admin = adminSql(ctx.adminUrl);
  const [{ server_version: postgresVersion }] = (await admin`show server_version`) as unknown as [{ server_version: string }];
  // The settings that decide how often a checkpoint writes behind the runs (and so their tails).
  const pgSettings = Object.fromEntries(
    ((await admin`select name, current_setting(name) as value from pg_settings where name in ('shared_buffers', 'min_wal_size', 'max_wal_size', 'wal_init_zero', 'checkpoint_timeout', 'checkpoint_completion_target', 'synchronous_commit', 'full_page_writes')`) as unknown as { name: string; value: string }[]).map((r) => [r.name, r.value]),
  );
  await admin.end();
  const redisVersion = /redis_version:(\S+)/.exec(await ctx.redis.info('server'))?.[1] ?? '?';
  say(`cxfold bench, ${scale} scale: ${os.cpus().length} cores, Postgres ${postgresVersion} at ${new URL(ctx.adminUrl).host}, Redis ${redisVersion}; bench databases with ${dbSettingsText(ctx.dbSettings)}; child logs in ${getLogDir()}`);

  let failure: unknown = null;
  try {
    if (only.has('ingest')) await phaseIngest(ctx);
    if (only.has('drain')) await phaseDrain(ctx);
    if (only.has('lag')) await phaseLag(ctx);
    if (only.has('api') || only.has('growth')) {
      say(`• big database`);
      const bigUrl = await bigDatabase(ctx);
      if (only.has('api')) await phaseApi(ctx, bigUrl);
      if (only.has('growth')) await phaseGrowth(ctx, bigUrl);
    }
  } catch (err) {
    failure = err;
  }
  await cleanup(ctx);
  ctx.redis.disconnect();
  if (failure) throw failure;

  const meta = {
    date,
    scale,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? '?',
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    loadStart,
    loadEnd: os.loadavg().map((l) => round(l, 1)).join(' '),
    node: process.version,
    postgres: postgresVersion,
    redis: redisVersion,
    walCompression: ctx.dbSettings.walCompression,
    walInitZero: ctx.dbSettings.walInitZero,
    postgresSettings: pgSettings,
    minutes: round((Date.now() - started) / 60_000, 1),
    phases: [...only],
  };
  const targetsMet = Object.fromEntries(Object.keys(TARGETS).map((k) => [k, meets(k, ctx.figures[k as Key]) === 'yes']));
  // A whole full-scale run is the day's figure of record: bench/results/<date>.json (issue 6).
  // A quick run adds its scale, and a partial run (--only) its phases, so neither overwrites it.
  const partial = only.size < PHASES.length ? `-${[...only].join('-')}` : '';
  const file = path.join(resultsDir, scale === 'full' && !partial ? date : `${date}-${scale}${partial}`);
  writeFileSync(`${file}.json`, `${JSON.stringify({ ...meta, figures: ctx.figures, targets: TARGETS, targetsMet, settings: ctx.s, details: ctx.details }, null, 2)}\n`);
  writeFileSync(`${file}.md`, markdown(ctx, meta));
  say(`• wrote ${path.relative(ROOT, file)}.json and .md (${meta.minutes} min)`);
  process.stdout.write(`${JSON.stringify({ ...ctx.figures, scale, date, minutes: meta.minutes })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`bench failed: ${text.length > 4_000 ? `${text.slice(0, 2_000)} … ${text.slice(-2_000)}` : text}\n`);
    process.exit(1);
  },
);
