import type { Server } from 'node:http';
import type { WorkerEnv } from '@cxfold/config';
import type { Logger } from '@cxfold/log';
import { createDbClient } from '@cxfold/db';
import { createRedis, FoldQueue, enforceRedisPolicy } from '@cxfold/queue';
import { createFoldWorker, Sweeper, type FoldWorker, type BatchStats, type JobOutcome } from '@cxfold/projector';
import type { FoldEvent } from '@cxfold/queue';
import { createMetrics, createOpsApp, standardReadiness, type Metrics } from '@cxfold/observability';
import { withDeadline } from '@cxfold/runtime';

export interface RunningWorker {
  fold: FoldWorker;
  sweeper: Sweeper;
  metrics: Metrics;
  /** The port of the worker's HTTP server (/healthz, /readyz, /metrics), or null when it has none. */
  port: number | null;
  close(): Promise<void>;
}

type Settings = Pick<
  WorkerEnv,
  | 'NODE_ENV'
  | 'DATABASE_URL'
  | 'REDIS_URL'
  | 'QUEUE_PREFIX'
  | 'PG_POOL_SIZE'
  | 'FOLD_BATCH_SIZE'
  | 'FOLD_BATCH_WAIT_MS'
  | 'FOLD_CONCURRENCY'
  | 'FOLD_FETCHERS'
  | 'FOLD_MAX_IN_FLIGHT'
  | 'JOB_ATTEMPTS'
  | 'JOB_BACKOFF_MS'
  | 'SWEEP_INTERVAL_MS'
  | 'SWEEP_GRACE_MS'
  | 'SWEEP_BATCH'
> & {
  /** Port of the worker's own HTTP server (0 = any free port). Absent: no server (the all-in-one server serves these on its port). */
  WORKER_PORT?: number;
  /** Bind address of that server; all interfaces when absent. */
  HOST?: string;
  SHUTDOWN_TIMEOUT_MS?: number;
};

export interface WorkerHooks {
  onBatch?: (stats: BatchStats) => void;
  onFolded?: (event: FoldEvent, outcome: JobOutcome) => void;
  onReenqueued?: (count: number) => void;
}

export interface WorkerOptions {
  /** The process's registry; the all-in-one server shares one with the receiver. Created when absent. */
  metrics?: Metrics;
}

/** Wires config → clients → fold worker + sweeper (+ the ops HTTP server). Used by the worker's main and the all-in-one server. */
export async function startWorker(env: Settings, logger: Logger, hooks: WorkerHooks = {}, opts: WorkerOptions = {}): Promise<RunningWorker> {
  const metrics = opts.metrics ?? createMetrics();
  const db = createDbClient({ url: env.DATABASE_URL, poolSize: env.PG_POOL_SIZE, applicationName: 'cxfold-worker' });
  const workerRedis = createRedis(env.REDIS_URL, 'worker');
  const producerRedis = createRedis(env.REDIS_URL, 'producer');
  for (const r of [workerRedis, producerRedis]) r.on('error', (err) => logger.warn({ err: err.message, component: 'redis' }, 'redis connection error'));
  await enforceRedisPolicy(producerRedis, env.NODE_ENV === 'production', (msg) => logger.warn({ component: 'redis' }, msg));
  const queue = new FoldQueue(producerRedis, env.QUEUE_PREFIX, { attempts: env.JOB_ATTEMPTS, backoffMs: env.JOB_BACKOFF_MS });
  const unwatch = metrics.watchQueue(queue.queue);

  // Listen before taking jobs: a port clash stops the start-up before any work is in hand.
  let server: Server | null = null;
  const listenPort = env.WORKER_PORT;
  if (listenPort !== undefined) {
    const app = createOpsApp({ metrics, readiness: standardReadiness({ sql: db.sql, redis: producerRedis }) });
    server = await new Promise<Server>((resolve, reject) => {
      const done = (err?: Error) => (err ? reject(err) : resolve(s));
      const s = env.HOST === undefined ? app.listen(listenPort, done) : app.listen(listenPort, env.HOST, done);
    });
  }
  const address = server?.address();
  const port = server ? (typeof address === 'object' && address ? address.port : (env.WORKER_PORT ?? null)) : null;

  const fold = createFoldWorker({
    connection: workerRedis,
    prefix: env.QUEUE_PREFIX,
    sql: db.sql,
    logger,
    concurrency: env.FOLD_CONCURRENCY,
    fetchers: env.FOLD_FETCHERS,
    maxInFlight: env.FOLD_MAX_IN_FLIGHT,
    batchSize: env.FOLD_BATCH_SIZE,
    batchWaitMs: env.FOLD_BATCH_WAIT_MS,
    onBatch: (stats) => {
      metrics.recordBatch(stats.size, stats.ms);
      hooks.onBatch?.(stats);
    },
    onFolded: (event, outcome) => {
      // An event folded earlier (a retried job, a sweep) was counted when it was folded.
      if (outcome.kind === 'folded' && !outcome.earlier) metrics.recordFolded(event.receivedAtMs ?? undefined);
      else if (outcome.kind === 'poisoned') metrics.recordDeadLetters();
      hooks.onFolded?.(event, outcome);
    },
  });
  const sweeper = new Sweeper({
    sql: db.sql,
    queue,
    logger,
    intervalMs: env.SWEEP_INTERVAL_MS,
    graceMs: env.SWEEP_GRACE_MS,
    batch: env.SWEEP_BATCH,
    onReenqueued: (count) => {
      metrics.recordReenqueued(count);
      hooks.onReenqueued?.(count);
    },
  });
  sweeper.start();
  logger.info({ concurrency: env.FOLD_CONCURRENCY, fetchers: env.FOLD_FETCHERS, batchSize: env.FOLD_BATCH_SIZE, port }, 'worker started');

  return {
    fold,
    sweeper,
    metrics,
    port,
    async close() {
      await sweeper.stop();
      await fold.close();
      unwatch();
      if (server) {
        const s = server;
        // Scrapers keep connections alive; drop idle ones so close() does not wait on them.
        s.closeIdleConnections();
        await withDeadline('ops http close', Math.min(2_000, env.SHUTDOWN_TIMEOUT_MS ?? 2_000), new Promise<void>((resolve) => s.close(() => resolve()))).catch(() => s.closeAllConnections());
      }
      await queue.close().catch((err: unknown) => logger.warn({ err }, 'queue close failed'));
      workerRedis.disconnect();
      producerRedis.disconnect();
      await db.close();
    },
  };
}
