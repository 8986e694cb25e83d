import type { Server } from 'node:http';
import { loadEnv, baseEnv, receiverFields } from '@cxfold/config';
import { createLogger } from '@cxfold/log';
import { createDbClient } from '@cxfold/db';
import { handleShutdown, withDeadline } from '@cxfold/runtime';
import { createApiApp } from './app';

/** The analyst API alone (for scale); `npm start` serves it on the receiver's port instead. */
async function main() {
  const env = loadEnv(baseEnv.extend({ PORT: receiverFields.PORT, HOST: receiverFields.HOST }));
  const logger = createLogger({ name: 'cxfold-api', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY });
  const db = createDbClient({ url: env.DATABASE_URL, poolSize: env.PG_POOL_SIZE, applicationName: 'cxfold-api' });
  const app = createApiApp(db.db, logger);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(env.PORT, env.HOST, () => resolve(s));
  });
  logger.info({ port: env.PORT }, 'api listening');
  handleShutdown(logger, env.SHUTDOWN_TIMEOUT_MS, async () => {
    await withDeadline('http close', env.SHUTDOWN_TIMEOUT_MS, new Promise<void>((r) => server.close(() => r())));
    await db.close();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
