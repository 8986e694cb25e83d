import { baseEnv, loadEnv } from '@cxfold/config';
import { createDbClient, migrate } from '@cxfold/db';
import { UsageError } from './args';
import { tenantsCommand } from './tenants';
import { apiKeysCommand } from './api-keys';
import { deadLettersCommand } from './dead-letters';
import { rebuildCommand } from './rebuild';
import { importCommand } from './import';
import { pruneCommand } from './prune';

const HELP = `cxfold: operate a cxfold installation

usage: npm run cxfold -- <command> [args]

commands:
  migrate                       apply database migrations
  tenants add <slug> [--timezone Area/City] [--json]
  tenants list [--json]
  tenants rotate-secret <slug> --kind webhook|hub|token [--grace-seconds N] [--json]
  tenants set-timezone <slug> <Area/City>
  api-keys create --tenant <slug> --role admin|supervisor [--queues q1,q2] [--operator] [--label text] [--json]
                                (--queues takes queue ids; --operator: admins only, also opens /admin/queues)
  api-keys list --tenant <slug> [--json]
  api-keys revoke --tenant <slug> <key-id>
  dead-letters list [--tenant s] [--type t] [--kind task|flow] [--since t] [--until t] [--error text] [--limit N] [--json]
  dead-letters show <id> [--json]
  dead-letters replay <id> | <filters> | --all [--limit N] [--dry-run] [--json]   fold dead-lettered events again
  dead-letters purge <id> | <filters> | --all [--limit N] --yes [--json]          forget dead-letter records (raw events are kept)
  rebuild [--tenant s] [--kind task|flow] [--batch 500] [--restart] [--json]   recompute projections from raw events (resumable)
  import <file.ndjson> --tenant s [--kind task|flow] [--batch 500] [--json]    backfill events, one JSON event per line
  prune --older-than <days> [--tenant s] [--dry-run | --yes] [--json]          delete raw events of old finished records, keep the records

Environment: DATABASE_URL; REDIS_URL and QUEUE_PREFIX for dead-letters replay (see docs/configuration.md).
Exit codes: 0 ok, 1 failure, 2 usage error, 130 interrupted (rebuild, import, prune: run again to go on).
Each command's own --help has the details.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  const env = loadEnv(baseEnv);
  if (command === 'migrate') {
    await migrate(env.DATABASE_URL);
    process.stdout.write('migrations applied\n');
    return 0;
  }
  const db = createDbClient({ url: env.DATABASE_URL, poolSize: 2, applicationName: 'cxfold-cli' });
  try {
    if (command === 'tenants') return await tenantsCommand(db.db, rest);
    if (command === 'api-keys') return await apiKeysCommand(db.db, rest);
    if (command === 'dead-letters') return await deadLettersCommand(db.db, rest, env);
    if (command === 'rebuild') return await rebuildCommand(db.sql, rest);
    if (command === 'import') return await importCommand(db.sql, rest);
    if (command === 'prune') return await pruneCommand(db.sql, rest);
    throw new UsageError(`unknown command "${command}"`);
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`cxfold: ${err instanceof Error ? err.message : String(err)}\n${usage ? 'run with --help for usage\n' : ''}`);
    process.exitCode = usage ? 2 : 1;
  });
