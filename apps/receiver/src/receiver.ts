import { createServer, type Server } from 'node:http';
import type express from 'express';
import type { ReceiverEnv } from '@cxfold/config';
import type { Logger } from '@cxfold/log';
import { createDbClient, enforcePostgresSettings, RawEventWriter } from '@cxfold/db';
import { createRedis, FoldQueue, CoalescingEnqueuer, enforceRedisPolicy } from '@cxfold/queue';
import { IngestEngine, TenantDirectory, TenantRateLimiter, BacklogMonitor } from '@cxfold/ingest';
import { withDeadline } from '@cxfold/runtime';
import { createMetrics, standardReadiness, type Metrics } from '@cxfold/observability';
import { createReceiverListener } from './app';

export interface RunningReceiver {
  server: Server;
  port: number;
  backlog: BacklogMonitor;
  metrics: Metrics;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  /** The process's registry; the all-in-one server shares one with the worker. Created when absent. */
  metrics?: Metrics;
}

type Settings = Pick<
  ReceiverEnv,
  | 'NODE_ENV'
  | 'DATABASE_URL'
  | 'REDIS_URL'
  | 'QUEUE_PREFIX'
  | 'PG_POOL_SIZE'
  | 'PORT'
  | 'HOST'
  | 'BODY_LIMIT_BYTES'
  | 'TENANT_CACHE_MS'
  | 'SIGNATURE_TOLERANCE_S'
  | 'GROUP_COMMIT_MAX'
  | 'GROUP_COMMIT_IN_FLIGHT'
  | 'GROUP_COMMIT_LINGER_MS'
  | 'ENQUEUE_LINGER_MS'
  | 'SHUTDOWN_TIMEOUT_MS'
  | 'RATE_LIMIT_PER_SECOND'
  | 'BACKLOG_SOFT_LIMIT'
  | 'BACKLOG_HARD_LIMIT'
  | 'BACKLOG_POLL_MS'
  | 'STORE_TIMEOUT_MS'
> & { JOB_ATTEMPTS?: number; JOB_BACKOFF_MS?: number };

/** Wires config → clients → engine → HTTP server. Used by the receiver's main and the all-in-one server. */
export async function startReceiver(env: Settings, logger: Logger, extraRoutes: express.Router[] = [], opts: ReceiverOptions = {}): Promise<RunningReceiver> {
  const metrics = opts.metrics ?? createMetrics();
  const db = createDbClient({ url: env.DATABASE_URL, poolSize: env.PG_POOL_SIZE, applicationName: 'cxfold-receiver' });
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', (err) => logger.warn({ err: err.message, component: 'redis' }, 'redis connection error'));
  try {
    await enforceRedisPolicy(redis, env.NODE_ENV === 'production', (msg) => logger.warn({ component: 'redis' }, msg));
    // Every 202 waits on a commit: say at start-up which server settings make that unsafe or slow.
    await enforcePostgresSettings(db.sql, env.NODE_ENV === 'production', {
      advice: (a) => logger.warn({ component: 'postgres', setting: a.setting, value: a.value }, a.advice),
      unreadable: (err) => logger.warn({ component: 'postgres', err }, 'could not read the Postgres settings at start-up; not checked'),
    });
  } catch (err) {
    // Refused to start: leave no connection open behind the error.
    redis.disconnect();
    await db.close().catch((closeErr: unknown) => logger.warn({ err: closeErr }, 'closing Postgres after a refused start failed'));
    throw err;
  }
  const queue = new FoldQueue(redis, env.QUEUE_PREFIX, { attempts: env.JOB_ATTEMPTS ?? 5, backoffMs: env.JOB_BACKOFF_MS ?? 1_000 });
  const backlog = new BacklogMonitor(queue, { soft: env.BACKLOG_SOFT_LIMIT, hard: env.BACKLOG_HARD_LIMIT, intervalMs: env.BACKLOG_POLL_MS }, logger);
  backlog.start();
  const enqueuer = new CoalescingEnqueuer(queue, { lingerMs: env.ENQUEUE_LINGER_MS });
  const engine = new IngestEngine({
    tenants: new TenantDirectory(db.db, env.TENANT_CACHE_MS),
    writer: new RawEventWriter(db.sql, {
      maxBatch: env.GROUP_COMMIT_MAX,
      maxInFlight: env.GROUP_COMMIT_IN_FLIGHT,
      lingerMs: env.GROUP_COMMIT_LINGER_MS,
      insertTimeoutMs: env.STORE_TIMEOUT_MS,
      onInsert: (events, seconds, ok) => metrics.recordGroupCommit(events, seconds, ok),
    }),
    enqueue: (events) => enqueuer.add(events),
    logger,
    signatureToleranceS: env.SIGNATURE_TOLERANCE_S,
    storeTimeoutMs: env.STORE_TIMEOUT_MS,
    rateLimiter: new TenantRateLimiter(redis, env.QUEUE_PREFIX, env.RATE_LIMIT_PER_SECOND),
    backlog,
    onOutcome: (o) => metrics.recordIngest(o),
  });
  const unwatch = metrics.watchQueue(queue.queue);
  const ops = { metrics, readiness: standardReadiness({ sql: db.sql, redis }), admin: { db: db.db, queues: [queue.queue] } };
  const server = createServer(createReceiverListener({ engine, bodyLimitBytes: env.BODY_LIMIT_BYTES, logger, extraRoutes, ops }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 65_000;
  let closing = false;
  server.on('request', (_req, res) => {
    if (closing) res.setHeader('Connection', 'close');
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  logger.info({ port }, 'receiver listening');

  return {
    server,
    port,
    backlog,
    metrics,
    async close() {
      // Stop accepting, let in-flight requests finish (their raw events commit), then close clients.
      // Keep-alive sockets would hold close() open: answer in-flight requests with
      // Connection: close and drop sockets as soon as they go idle.
      closing = true;
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      await withDeadline('http close', Math.floor(env.SHUTDOWN_TIMEOUT_MS / 2), new Promise<void>((resolve) => server.close(() => resolve())))
        .catch((err: unknown) => {
          logger.warn({ err }, 'closing remaining connections');
          server.closeAllConnections();
        })
        .finally(() => clearInterval(sweep));
      backlog.stop();
      unwatch();
      // Jobs of the last answered requests are still gathering for their addBulk.
      await enqueuer.drain();
      await queue.close().catch((err: unknown) => logger.warn({ err }, 'queue close failed'));
      redis.disconnect();
      await db.close();
    },
  };
}
