import { z } from 'zod';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Settings every cxfold process shares. */
export const baseEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development').describe('production: the receiver and worker refuse unsafe Redis settings, and the receiver Postgres settings that could lose acknowledged events'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/cxfold').describe('PostgreSQL connection string'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379').describe('Redis connection string for BullMQ'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_{}-]+$/).default('cxfold').describe('BullMQ key prefix; wrap in {} for Redis Cluster hash tags'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  LOG_PRETTY: bool(false).describe('human-readable logs for local runs'),
  PG_POOL_SIZE: int(10, 1).describe('postgres.js pool size per process'),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100).describe('deadline for graceful shutdown'),
});

export const receiverFields = {
  PORT: int(3000).describe('HTTP port'),
  HOST: z.string().default('0.0.0.0').describe('HTTP bind address'),
  BODY_LIMIT_BYTES: int(256 * 1024, 1024).describe('largest accepted request body'),
  TENANT_CACHE_MS: int(5_000).describe('how long tenant secrets are cached in memory; for one more such period an expired entry is served while it is refreshed'),
  SIGNATURE_TOLERANCE_S: int(300, 1).describe('Standard Webhooks timestamp tolerance'),
  GROUP_COMMIT_MAX: int(500, 1).describe('largest number of raw events written in one insert'),
  GROUP_COMMIT_IN_FLIGHT: int(1, 1).describe('group-commit inserts in flight at once; requests arriving meanwhile join the next one (more than 1 only helps where a commit is slow and Postgres has cores to spare)'),
  GROUP_COMMIT_LINGER_MS: z.coerce.number().int().min(0).max(100).default(1).describe('how long a request that finds no group commit in flight waits for the requests behind it before its insert starts (a millisecond of ack latency for fewer, larger inserts at moderate load; requests that queue behind an insert never wait longer than it); 0 = at once'),
  ENQUEUE_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(0).describe('how long the fold job of committed events gathers the events of later commits before it goes to Redis (fold lag, not ack latency); 0 = one job per group commit'),
  STORE_TIMEOUT_MS: int(10_000, 100).describe('longest a request waits for Postgres before answering 503'),
  RATE_LIMIT_PER_SECOND: int(2_000).describe('requests per second per tenant unless the tenant sets its own; 0 = off'),
  BACKLOG_SOFT_LIMIT: int(100_000, 1).describe('waiting fold jobs (one per receiver group commit) from which on the receiver warns'),
  BACKLOG_HARD_LIMIT: int(500_000, 1).describe('waiting fold jobs (one per receiver group commit) from which on the receiver answers 503 + Retry-After'),
  BACKLOG_POLL_MS: int(1_000, 50).describe('how often the receiver reads the fold queue depth'),
};

export const workerFields = {
  FOLD_BATCH_SIZE: int(250, 1).describe('events folded in one Postgres transaction'),
  FOLD_BATCH_WAIT_MS: int(5, 0).describe('how long the worker gathers events before folding a batch'),
  FOLD_CONCURRENCY: int(500, 1).describe('fold jobs (one per receiver group commit) a worker process holds at once, over all its fetchers (a batch gathers their events)'),
  FOLD_FETCHERS: int(2, 1).describe('BullMQ workers per process feeding one batcher: each fetches jobs one Redis round trip at a time'),
  FOLD_MAX_IN_FLIGHT: int(3, 1).describe('fold transactions a worker process runs at once'),
  JOB_ATTEMPTS: int(5, 1).describe('fold attempts before an event is dead-lettered; written into each fold job by whoever queues it (the receiver for new events, the worker\'s sweeper, `cxfold dead-letters replay`), so give all of them the same value'),
  JOB_BACKOFF_MS: int(1_000, 1).describe('first retry delay, doubling each attempt; written into each fold job like JOB_ATTEMPTS'),
  SWEEP_INTERVAL_MS: int(5_000, 100).describe('how often unfolded raw events are looked for'),
  SWEEP_GRACE_MS: int(30_000, 0).describe('age after which an unfolded raw event is re-enqueued'),
  SWEEP_BATCH: int(1_000, 1).describe('raw events re-enqueued per sweep'),
};

/** The worker alone has an HTTP server of its own; in the all-in-one server these routes share PORT. */
export const workerHttpFields = {
  WORKER_PORT: int(3001).describe("port of the worker's HTTP server (/healthz, /readyz, /metrics); 0 = any free port"),
};

export const receiverEnv = baseEnv.extend(receiverFields);
export const workerEnv = baseEnv.extend({ ...workerFields, ...workerHttpFields });
export const serverEnv = baseEnv.extend({ ...receiverFields, ...workerFields });

export type BaseEnv = z.output<typeof baseEnv>;
export type ReceiverEnv = z.output<typeof receiverEnv>;
export type WorkerEnv = z.output<typeof workerEnv>;
export type ServerEnv = z.output<typeof serverEnv>;
