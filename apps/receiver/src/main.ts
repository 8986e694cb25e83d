import { loadEnv, receiverEnv, workerFields } from '@cxfold/config';
import { createLogger } from '@cxfold/log';
import { handleShutdown } from '@cxfold/runtime';
import { startReceiver } from './receiver';

async function main() {
  const env = loadEnv(receiverEnv.extend({ JOB_ATTEMPTS: workerFields.JOB_ATTEMPTS, JOB_BACKOFF_MS: workerFields.JOB_BACKOFF_MS }));
  const logger = createLogger({ name: 'cxfold-receiver', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY });
  const receiver = await startReceiver(env, logger);
  handleShutdown(logger, env.SHUTDOWN_TIMEOUT_MS, () => receiver.close());
}

main().catch((err: unknown) => {
  process.stderr.write(`receiver failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
