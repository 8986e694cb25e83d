import type { Server } from 'node:http';
import { Queue } from 'bullmq';
import { loadEnv, baseEnv, receiverFields } from '@cxfold/config';
import { createLogger } from '@cxfold/log';
import { createDbClient } from '@cxfold/db';
import { createRedis, QUEUES } from '@cxfold/queue';
import { createMetrics, standardReadiness } from '@cxfold/observability';
import { handleShutdown, withDeadline } from '@cxfold/runtime';
import { createApiApp } from './app';

/** The analyst API alone (for scale); `npm start` serves it on the receiver's port instead. */
async function main() {
  const env = loadEnv(baseEnv.extend({ PORT: receiverFields.PORT, HOST: receiverFields.HOST }));
  const logger = createLogger({ name: 'cxfold-api', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY });
  const metrics = createMetrics();
  const db = createDbClient({ url: env.DATABASE_URL, poolSize: env.PG_POOL_SIZE, applicationName: 'cxfold-api' });
  // Redis only for readiness and the queue board: the API itself reads Postgres alone.
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', (err) => logger.warn({ err: err.message, component: 'redis' }, 'redis connection error'));
  const queue = new Queue(QUEUES.fold, { connection: redis, prefix: env.QUEUE_PREFIX });
  const app = createApiApp(db.db, logger, { metrics, readiness: standardReadiness({ sql: db.sql, redis }), admin: { db: db.db, queues: [queue] } });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(env.PORT, env.HOST, () => resolve(s));
  });
  logger.info({ port: env.PORT }, 'api listening');
  handleShutdown(logger, env.SHUTDOWN_TIMEOUT_MS, async () => {
    server.closeIdleConnections();
    await withDeadline('http close', env.SHUTDOWN_TIMEOUT_MS, new Promise<void>((r) => server.close(() => r())));
    await queue.close().catch((err: unknown) => logger.warn({ err }, 'queue close failed'));
    redis.disconnect();
    await db.close();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
