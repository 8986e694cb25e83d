import { loadEnv, serverEnv } from '@cxfold/config';
import { createLogger } from '@cxfold/log';
import { handleShutdown } from '@cxfold/runtime';
import { startReceiver } from '@cxfold/receiver';
import { startWorker } from '@cxfold/worker';
import { apiRouter } from '@cxfold/api';
import { createDbClient } from '@cxfold/db';
import { createMetrics } from '@cxfold/observability';

/**
 * Small installs: receiver, worker and analyst API in one process on one port (PORT, default
 * 3000). One metrics registry for all three; /healthz, /readyz, /metrics and /admin/queues are
 * served on that port (the worker opens no port of its own here).
 */
async function main() {
  const env = loadEnv(serverEnv);
  const logger = createLogger({ name: 'cxfold', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY });
  const metrics = createMetrics();
  const worker = await startWorker(env, logger, {}, { metrics });
  const apiDb = createDbClient({ url: env.DATABASE_URL, poolSize: env.PG_POOL_SIZE, applicationName: 'cxfold-api' });
  const receiver = await startReceiver(env, logger, [apiRouter(apiDb.db)], { metrics });
  handleShutdown(logger, env.SHUTDOWN_TIMEOUT_MS, async () => {
    await receiver.close();
    await worker.close();
    await apiDb.close();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`cxfold failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
