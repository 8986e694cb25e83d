import type { WorkerEnv } from '@cxfold/config';
import type { Logger } from '@cxfold/log';
import { createDbClient } from '@cxfold/db';
import { createRedis, FoldQueue, enforceRedisPolicy } from '@cxfold/queue';
import { createFoldWorker, Sweeper, type FoldWorker, type BatchStats, type JobOutcome } from '@cxfold/projector';
import type { FoldJob } from '@cxfold/queue';

export interface RunningWorker {
  fold: FoldWorker;
  sweeper: Sweeper;
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
  | 'JOB_ATTEMPTS'
  | 'JOB_BACKOFF_MS'
  | 'SWEEP_INTERVAL_MS'
  | 'SWEEP_GRACE_MS'
  | 'SWEEP_BATCH'
>;

export interface WorkerHooks {
  onBatch?: (stats: BatchStats) => void;
  onFolded?: (job: FoldJob, outcome: JobOutcome) => void;
}

/** Wires config → clients → fold worker + sweeper. Used by the worker's main and the all-in-one server. */
export async function startWorker(env: Settings, logger: Logger, hooks: WorkerHooks = {}): Promise<RunningWorker> {
  const db = createDbClient({ url: env.DATABASE_URL, poolSize: env.PG_POOL_SIZE, applicationName: 'cxfold-worker' });
  const workerRedis = createRedis(env.REDIS_URL, 'worker');
  const producerRedis = createRedis(env.REDIS_URL, 'producer');
  for (const r of [workerRedis, producerRedis]) r.on('error', (err) => logger.warn({ err: err.message, component: 'redis' }, 'redis connection error'));
  await enforceRedisPolicy(producerRedis, env.NODE_ENV === 'production', (msg) => logger.warn({ component: 'redis' }, msg));
  const queue = new FoldQueue(producerRedis, env.QUEUE_PREFIX, { attempts: env.JOB_ATTEMPTS, backoffMs: env.JOB_BACKOFF_MS });
  const fold = createFoldWorker({
    connection: workerRedis,
    prefix: env.QUEUE_PREFIX,
    sql: db.sql,
    logger,
    concurrency: env.FOLD_CONCURRENCY,
    batchSize: env.FOLD_BATCH_SIZE,
    batchWaitMs: env.FOLD_BATCH_WAIT_MS,
    ...hooks,
  });
  const sweeper = new Sweeper({ sql: db.sql, queue, logger, intervalMs: env.SWEEP_INTERVAL_MS, graceMs: env.SWEEP_GRACE_MS, batch: env.SWEEP_BATCH });
  sweeper.start();
  logger.info({ concurrency: env.FOLD_CONCURRENCY, batchSize: env.FOLD_BATCH_SIZE }, 'worker started');

  return {
    fold,
    sweeper,
    async close() {
      await sweeper.stop();
      await fold.close();
      await queue.close().catch((err: unknown) => logger.warn({ err }, 'queue close failed'));
      workerRedis.disconnect();
      producerRedis.disconnect();
      await db.close();
    },
  };
}
