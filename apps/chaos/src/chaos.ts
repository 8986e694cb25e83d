import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { createDbClient, createTenant, migrate } from '@cxfold/db';
import { generateSyntheticDay, shuffleDeliveries } from '@cxfold/demo';
import { ChaosRedis, freePort, foldWorkersConnected, sleep, tsxService, type ChildService } from './processes';
import { startSending, type SenderStats } from './sender';
import { checkAcknowledged, checkProjections, checkSettled, pendingCount } from './verify';

export interface ChaosOptions {
  /** A Postgres server URL (any database on it): the run creates a database of its own there. */
  databaseUrl: string;
  interactions: number;
  /** How many times the receiver and the worker are each SIGKILLed (Redis: once, twice from 3 on). */
  kills: number;
  seed: number;
  log?: (line: string) => void;
  /** Keep the run's database (and the service logs) afterwards. */
  keep?: boolean;
  /** Concurrent senders (default 16). */
  concurrency?: number;
  /** How long to wait for every raw event to be folded after the last delivery (default 120 s). */
  settleTimeoutMs?: number;
  /**
   * Restart Redis only after the last worker kill. A killed worker leaves the jobs it held
   * 'active' in Redis until BullMQ's stalled-job check moves them back; a Redis restart
   * afterwards drops those jobs and the sweeper queues their events again SWEEP_GRACE_MS after
   * they arrived: the run then settles in seconds (the test suite's short form uses this to
   * stay well under a minute).
   */
  redisLast?: boolean;
  /** LOG_LEVEL of the receiver and the worker (default warn); their logs go to files. */
  serviceLogLevel?: string;
  /** Aborting stops the run at the next step; the clean-up (processes, database) still runs. */
  signal?: AbortSignal;
}

export interface ChaosReport {
  /** Events sent (a flow batch counts each of its events; deliberate re-sends included). */
  sent: number;
  /** Distinct event ids acknowledged by a 202. */
  acknowledged: number;
  /** Acknowledged items answered duplicate: true (re-sends, and retries of requests that had committed). */
  duplicatesAcked: number;
  /** Deliveries that never got a 202 (a 4xx, or every try failed). */
  rejected: number;
  /** Extra tries after connection errors and 5xx. */
  retried: number;
  /** Acknowledged event ids missing from raw_events. Must be 0. */
  lost: number;
  /** Event ids stored more than once. Must be 0. */
  duplicated: number;
  /** Raw events neither folded nor dead-lettered once the run settled. Must be 0. */
  unfolded: number;
  /** Raw events set aside in dead_letters. */
  deadLettered: number;
  /** Records that differ from a clean rebuild from raw_events. Must be 0. */
  projectionMismatches: number;
  receiverKills: number;
  workerKills: number;
  redisRestarts: number;
  ms: number;
  /** Deliveries (HTTP requests before retries). */
  deliveries: number;
  /** Rows in raw_events for the run's tenant. */
  rawEvents: number;
  /** Receiver / worker / Redis exits nobody asked for. */
  crashes: number;
  database: string;
  /** The first few problems found, for the printout. */
  problems: string[];
}

/** The report's verdict: true when nothing acknowledged was lost or doubled and the projections are right. */
export function chaosPassed(r: ChaosReport): boolean {
  return r.lost === 0 && r.duplicated === 0 && r.unfolded === 0 && r.projectionMismatches === 0;
}

type Action = 'receiver' | 'worker' | 'redis';

/** Small seeded PRNG (mulberry32): the same seed gives the same kill schedule. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * When to strike, as fractions of the deliveries sent: `kills` receiver kills, `kills`
 * worker kills, one or two Redis restarts, shuffled and spread over 5 %–90 % of the run.
 */
export function killSchedule(kills: number, seed: number, redisLast = false): { at: number; action: Action }[] {
  const random = rng(seed ^ 0x9e3779b9);
  const redis = kills <= 0 ? 0 : kills >= 3 ? 2 : 1;
  const actions: Action[] = [...Array<Action>(kills).fill('receiver'), ...Array<Action>(kills).fill('worker'), ...Array<Action>(redis).fill('redis')];
  for (let i = actions.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [actions[i], actions[j]] = [actions[j]!, actions[i]!];
  }
  if (redisLast) actions.sort((a, b) => Number(a === 'redis') - Number(b === 'redis'));
  const n = actions.length;
  return actions.map((action, i) => ({ action, at: 0.05 + (0.85 * (i + 0.25 + random() * 0.5)) / n }));
}

/** Waits for `p`, at most `ms` (the timer is cleared, so nothing is left pending). */
async function within(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Drives a synthetic day at a receiver and a worker running as child processes, SIGKILLs
 * them (and restarts Redis empty) while it sends, then checks what the pipeline promises:
 * every acknowledged event stored exactly once, every stored event folded or dead-lettered,
 * projections equal to a clean rebuild from raw_events.
 */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const t0 = Date.now();
  const sink = opts.log ?? (() => undefined);
  const log = (line: string) => sink(`${`+${((Date.now() - t0) / 1000).toFixed(1)}s`.padStart(8)} ${line}`);
  const stamp = new Date().toISOString().replace(/[-:TZ.]/g, '').slice(0, 17);
  const database = `cxfold_chaos_${stamp}_${process.pid}`;
  const databaseUrl = withDatabase(opts.databaseUrl, database);
  const logDir = path.join(tmpdir(), `cxfold-chaos-${stamp}-${process.pid}`);
  mkdirSync(logDir, { recursive: true });
  const concurrency = opts.concurrency ?? 16;
  const pause = async (ms: number) => {
    opts.signal?.throwIfAborted();
    await sleep(ms);
    opts.signal?.throwIfAborted();
  };
  const problems: string[] = [];
  const crash = (why: string) => {
    log(`! ${why}`);
    if (problems.length < 20) problems.push(why);
  };

  let redis: ChaosRedis | null = null;
  let receiver: ChildService | null = null;
  let worker: ChildService | null = null;
  let sql: postgres.Sql | null = null;
  let passed = false;
  try {
    log(`• database ${database} on ${new URL(opts.databaseUrl).host}; service logs in ${logDir}`);
    await migrate(databaseUrl);
    sql = postgres(databaseUrl, { max: 4, onnotice: () => {}, connect_timeout: 10 });
    const db = createDbClient({ url: databaseUrl, poolSize: 1, applicationName: 'cxfold-chaos' });
    const tenant = await createTenant(db.db, 'chaos', { timeZone: 'America/New_York' }).finally(() => db.close());

    redis = new ChaosRedis(await freePort(), path.join(logDir, 'redis.log'), crash);
    await redis.start();
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'chaos',
      PORT: String(port),
      // The worker's health/metrics port: a free one, not the default 3001 another process may hold.
      WORKER_PORT: String(await freePort()),
      HOST: '127.0.0.1',
      LOG_LEVEL: opts.serviceLogLevel ?? 'warn',
      LOG_PRETTY: 'false',
      SWEEP_GRACE_MS: '2000',
      SWEEP_INTERVAL_MS: '500',
      JOB_BACKOFF_MS: '100',
      // The run measures durability, not the tenant's rate limit.
      RATE_LIMIT_PER_SECOND: '0',
    };
    receiver = tsxService('receiver', 'apps/receiver/src/main.ts', env, path.join(logDir, 'receiver.log'), crash);
    worker = tsxService('worker', 'apps/worker/src/main.ts', env, path.join(logDir, 'worker.log'), crash);
    const redisUrl = redis.url;
    const rcv = receiver;
    const wrk = worker;

    const receiverReady = async () => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          const res = await fetch(`${baseUrl}/v1/hooks/${tenant.tenant}/tasks`, { method: 'HEAD', signal: AbortSignal.timeout(2_000) });
          if (res.status === 200) return;
        } catch {
          // not listening yet
        }
        if (!rcv.running) throw new Error(`the receiver exited while starting; see ${logDir}/receiver.log`);
        if (Date.now() > deadline) throw new Error('the receiver did not get ready within 60 s');
        await pause(50);
      }
    };
    const workerReady = async () => {
      const deadline = Date.now() + 60_000;
      while ((await foldWorkersConnected(redisUrl, 'chaos')) === 0) {
        if (!wrk.running) throw new Error(`the worker exited while starting; see ${logDir}/worker.log`);
        if (Date.now() > deadline) throw new Error('the worker did not connect within 60 s');
        await pause(100);
      }
    };

    let started = Date.now();
    receiver.start();
    worker.start();
    await Promise.all([receiverReady(), workerReady()]);
    log(`• receiver on ${baseUrl} and worker up in ${((Date.now() - started) / 1000).toFixed(1)} s (Redis ${redis.url}, no persistence)`);

    // Yesterday in New York: a finished day, nothing in the future.
    const today = new Date();
    const dayStartMs = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 1, 5);
    const day = generateSyntheticDay({ seed: opts.seed, interactions: opts.interactions, dayStartMs, tenantTimeZoneOffsetMinutes: -300 });
    const deliveries = shuffleDeliveries(day.deliveries, opts.seed, 64).map((d) => ({ path: d.path, body: d.body }));
    const schedule = killSchedule(opts.kills, opts.seed, opts.redisLast);
    log(
      `• sending ${deliveries.length} deliveries (${day.expected.uniqueEvents} distinct events, ${day.expected.interactions} interactions, ` +
        `${day.expected.flowExecutions} flow executions) with ${concurrency} senders; ${schedule.length} strikes planned`,
    );

    started = Date.now();
    const sending = startSending({
      url: (p) => `${baseUrl}/v1/hooks/${tenant.tenant}/${p}`,
      hubSecret: tenant.hubSecret,
      deliveries,
      concurrency,
      maxTries: 20,
      retryDelayMs: 200,
      requestTimeoutMs: 15_000,
      signal: opts.signal,
    });
    const stats: SenderStats = sending.stats;
    let sendingDone = false;
    void sending.finished.then(() => {
      sendingDone = true;
    });

    const counts = { receiver: 0, worker: 0, redis: 0 };
    const random = rng(opts.seed);
    const progress = () => `${stats.done}/${stats.deliveries} deliveries, ${stats.acked.size} events acknowledged, ${stats.retried} retries`;
    // A progress line at every quarter, independent of the strikes.
    const reporter = (async () => {
      for (let quarter = 1; quarter < 4; quarter++) {
        while (!sendingDone && !opts.signal?.aborted && stats.done < (quarter / 4) * stats.deliveries) await sleep(50);
        if (sendingDone || opts.signal?.aborted) return;
        log(`  ${progress()}`);
      }
    })();
    for (const strike of schedule) {
      while (!sendingDone && stats.done < strike.at * stats.deliveries) await pause(20);
      if (sendingDone) {
        log(`  sending finished before the ${strike.action} strike at ${Math.round(strike.at * 100)} %; striking now`);
      }
      const t = Date.now();
      const at = progress();
      if (strike.action === 'receiver') {
        await receiver.kill('SIGKILL');
        counts.receiver++;
        await sleep(Math.floor(random() * 300));
        receiver.start();
        await receiverReady();
        log(`  ✗ receiver SIGKILLed at ${at}; answering again after ${Date.now() - t} ms`);
      } else if (strike.action === 'worker') {
        await worker.kill('SIGKILL');
        counts.worker++;
        await sleep(Math.floor(random() * 300));
        worker.start();
        await workerReady();
        log(`  ✗ worker SIGKILLed at ${at}; connected again after ${Date.now() - t} ms`);
      } else {
        await redis.kill();
        counts.redis++;
        await sleep(300 + Math.floor(random() * 700));
        await redis.start();
        log(`  ✗ redis SIGKILLed at ${at}; restarted empty after ${Date.now() - t} ms`);
      }
    }
    await sending.finished;
    await reporter;
    const sendMs = Date.now() - started;
    log(`• sent in ${(sendMs / 1000).toFixed(1)} s: ${progress()}; ${stats.duplicatesAcked} duplicates acknowledged, ${stats.rejected} rejected`);
    for (const r of stats.rejections) log(`  rejected: ${r}`);

    // The sweeper must find what Redis lost and what a killed worker held.
    const settleTimeout = opts.settleTimeoutMs ?? 120_000;
    const settleStart = Date.now();
    let lastLog = settleStart;
    let pending = await pendingCount(sql, tenant.tenant);
    while (pending > 0 && Date.now() - settleStart < settleTimeout) {
      if (Date.now() - lastLog >= 5_000) {
        log(`  ${pending} raw events still waiting to be folded`);
        lastLog = Date.now();
      }
      await pause(250);
      pending = await pendingCount(sql, tenant.tenant);
    }
    if (pending > 0) log(`! ${pending} raw events still unfolded after ${settleTimeout / 1000} s`);
    else log(`• every raw event settled ${((Date.now() - settleStart) / 1000).toFixed(1)} s after the last delivery`);

    // Checks run on a quiet database: nothing folds behind their back.
    await Promise.all([receiver.kill('SIGTERM'), worker.kill('SIGTERM')].map((p) => within(p, 10_000)));
    await Promise.all([receiver.kill('SIGKILL'), worker.kill('SIGKILL')]);

    const acks = await checkAcknowledged(sql, tenant.tenant, stats.acked.keys());
    const settled = await checkSettled(sql, tenant.tenant);
    const projections = await checkProjections(sql, tenant.tenant);
    log(`• checked ${settled.rawEvents} raw events, ${projections.interactions} interactions, ${projections.flowExecutions} flow executions against a clean rebuild`);
    if (projections.uncompared.length) log(`  fields of the fold with no column (not compared): ${projections.uncompared.join(', ')}`);

    for (const id of acks.lostSamples) problems.push(`lost: acknowledged event ${id} is not in raw_events`);
    for (const d of acks.duplicatedSamples) problems.push(`duplicated: event ${d}`);
    if (settled.unfolded) problems.push(`unfolded: ${settled.unfolded} raw events neither folded nor dead-lettered`);
    if (settled.deadLettered !== settled.deadLetterRows) problems.push(`${settled.deadLettered} raw events flagged dead-lettered, ${settled.deadLetterRows} dead_letters rows`);
    for (const d of settled.deadLetterSamples) problems.push(`dead letter: ${d}`);
    for (const m of projections.samples) problems.push(`mismatch: ${m}`);

    const report: ChaosReport = {
      sent: stats.events,
      acknowledged: stats.acked.size,
      duplicatesAcked: stats.duplicatesAcked,
      rejected: stats.rejected,
      retried: stats.retried,
      lost: acks.lost,
      duplicated: acks.duplicated,
      unfolded: settled.unfolded,
      deadLettered: settled.deadLettered,
      projectionMismatches: projections.mismatches,
      receiverKills: counts.receiver,
      workerKills: counts.worker,
      redisRestarts: counts.redis,
      ms: Date.now() - t0,
      deliveries: stats.deliveries,
      rawEvents: settled.rawEvents,
      crashes: receiver.unexpectedExits.length + worker.unexpectedExits.length + redis.unexpectedExits.length,
      database,
      problems,
    };
    passed = chaosPassed(report);
    return report;
  } finally {
    await Promise.all([receiver?.kill('SIGKILL'), worker?.kill('SIGKILL'), redis?.kill()]);
    await sql?.end({ timeout: 5 }).catch(() => undefined);
    if (!opts.keep) {
      // The maintenance database, as ensureDatabase (which created it) uses.
      const admin = postgres(withDatabase(opts.databaseUrl, 'postgres'), { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists "${database}" with (force)`).catch((err: unknown) => log(`! could not drop ${database}: ${String(err)}`));
      await admin.end({ timeout: 5 }).catch(() => undefined);
      if (passed) rmSync(logDir, { recursive: true, force: true });
    }
  }
}

/** The report as an aligned two-column table. */
export function formatReport(r: ChaosReport): string {
  const rows: [string, string | number][] = [
    ['sent (events)', r.sent],
    ['deliveries', r.deliveries],
    ['acknowledged (distinct ids)', r.acknowledged],
    ['duplicates acknowledged', r.duplicatesAcked],
    ['rejected', r.rejected],
    ['retried', r.retried],
    ['raw events stored', r.rawEvents],
    ['lost', r.lost],
    ['duplicated', r.duplicated],
    ['unfolded', r.unfolded],
    ['dead-lettered', r.deadLettered],
    ['projection mismatches', r.projectionMismatches],
    ['receiver kills', r.receiverKills],
    ['worker kills', r.workerKills],
    ['redis restarts', r.redisRestarts],
    ['unexpected exits', r.crashes],
    ['time', `${(r.ms / 1000).toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${String(v).padStart(8)}`).join('\n');
}
