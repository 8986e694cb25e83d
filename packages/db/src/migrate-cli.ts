import { baseEnv, loadEnv } from '@cxfold/config';
import { migrate } from './migrate';

const env = loadEnv(baseEnv);
migrate(env.DATABASE_URL)
  .then(() => {
    process.stdout.write(`migrations applied to ${new URL(env.DATABASE_URL).pathname.slice(1)}\n`);
  })
  .catch((err: unknown) => {
    process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
