import { baseEnv, receiverFields, workerFields, loadEnv } from '@cxfold/config';
import { createLogger, type Logger } from '@cxfold/log';
import { startReceiver, type RunningReceiver } from '@cxfold/receiver';
import { startWorker, type RunningWorker } from '@cxfold/worker';
import { createTenant, type NewTenantSecrets } from '@cxfold/db';
import { apiRouter } from '@cxfold/api';
import { createMetrics } from '@cxfold/observability';
import { z } from 'zod';
import { createTestEnv, type TestEnv } from './test-env';
import { startPrivateRedis, type PrivateRedis } from './private-redis';

const settingsSchema = baseEnv.extend({ ...receiverFields, ...workerFields });
export type PipelineSettings = z.output<typeof settingsSchema>;

/** Settings for an in-process pipeline on the test's own database and Redis prefix. */
export function pipelineSettings(env: TestEnv, overrides: Record<string, string> = {}): PipelineSettings {
  return loadEnv(settingsSchema, {
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    QUEUE_PREFIX: env.queuePrefix,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    PG_POOL_SIZE: '4',
    FOLD_BATCH_WAIT_MS: '2',
    JOB_BACKOFF_MS: '50',
    SWEEP_INTERVAL_MS: '200',
    SWEEP_GRACE_MS: '1000',
    ...overrides,
  });
}

export interface TestPipeline {
  receiver: RunningReceiver;
  worker: RunningWorker | null;
  baseUrl: string;
  tenant: NewTenantSecrets;
  logger: Logger;
  close(): Promise<void>;
}

/** Receiver (and, unless told otherwise, worker) running in this process against real services. */
export async function startPipeline(
  env: TestEnv,
  opts: { withWorker?: boolean; withApi?: boolean; overrides?: Record<string, string>; tenantSlug?: string; logger?: Logger } = {},
): Promise<TestPipeline> {
  const settings = pipelineSettings(env, opts.overrides);
  const logger = opts.logger ?? createLogger({ name: 'test', level: settings.LOG_LEVEL, pretty: false });
  const tenant = await createTenant(env.db.db, opts.tenantSlug ?? 'acme', { timeZone: 'America/New_York' });
  // One registry for receiver and worker, as in `npm start`: the receiver's /metrics shows both.
  const metrics = createMetrics();
  const worker = opts.withWorker === false ? null : await startWorker(settings, logger, {}, { metrics });
  // The API shares the test's database client: the single-process layout of `npm start`.
  const receiver = await startReceiver(settings, logger, opts.withApi ? [apiRouter(env.db.db)] : [], { metrics });
  return {
    receiver,
    worker,
    tenant,
    logger,
    baseUrl: `http://127.0.0.1:${receiver.port}`,
    async close() {
      await receiver.close();
      await worker?.close();
    },
  };
}

export interface PrivateRedisPipeline {
  env: TestEnv;
  p: TestPipeline;
  redis: PrivateRedis;
  /** Lets a paused Redis run again, then closes the pipeline, the test database and the server. */
  close(): Promise<void>;
}

/** A whole pipeline on a Redis of the test's own, for tests that flush, kill or stop Redis. */
export async function startPrivateRedisPipeline(overrides: Record<string, string> = {}): Promise<PrivateRedisPipeline> {
  const redis = await startPrivateRedis();
  const env = await createTestEnv({ redisUrl: redis.url });
  const p = await startPipeline(env, { overrides });
  return {
    env,
    p,
    redis,
    async close() {
      redis.resume();
      await p.close();
      await env.teardown();
      await redis.stop();
    },
  };
}
