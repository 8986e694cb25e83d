import { loadEnv, workerEnv } from '@cxfold/config';
import { createLogger } from '@cxfold/log';
import { handleShutdown } from '@cxfold/runtime';
import { startWorker } from './worker';

async function main() {
  const env = loadEnv(workerEnv);
  const logger = createLogger({ name: 'cxfold-worker', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY });
  const worker = await startWorker(env, logger);
  handleShutdown(logger, env.SHUTDOWN_TIMEOUT_MS, () => worker.close());
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
