import { createLogger } from '@cxfold/log';
import { UnsafePostgresError } from '@cxfold/db';
import { createTestEnv, startPipeline, sendSigned, eventually, alterTestDatabase, type TestEnv } from '@cxfold/testkit';

/**
 * At start-up the receiver reads the Postgres settings its sessions get (per-database ones
 * included) and warns about those docs/operations.md advises against; in production it refuses
 * the ones that break the 202's durability promise.
 */
let env: TestEnv;
let database: string;
beforeAll(async () => {
  env = await createTestEnv();
  database = new URL(env.databaseUrl).pathname.slice(1);
});
afterAll(async () => {
  await env.teardown();
});

/** Per-database settings, as an operator would give the cxfold database; new sessions see them. */
const setOnDatabase = (settings: Record<string, string>) => alterTestDatabase(env, settings);

let tenants = 0;
async function startWithLogs(overrides: Record<string, string> = {}) {
  const lines: string[] = [];
  const logger = createLogger({ name: 'test', level: 'info', pretty: false, destination: { write: (line: string) => void lines.push(line) } });
  const p = await startPipeline(env, { withWorker: false, logger, overrides, tenantSlug: `pg-settings-${++tenants}` });
  const postgresWarnings = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.component === 'postgres' && l.level === 40);
  return { p, postgresWarnings };
}

test('stock wal_init_zero and no wal_compression: one warning for each, naming setting and value, and ingest works', async () => {
  await setOnDatabase({ wal_init_zero: 'on', wal_compression: 'off', synchronous_commit: 'on' });
  const { p, postgresWarnings } = await startWithLogs();
  try {
    expect(postgresWarnings().map((w) => [w.setting, w.value])).toEqual([
      ['wal_init_zero', 'on'],
      ['wal_compression', 'off'],
    ]);
    expect(postgresWarnings()[0]!.msg).toMatch(/16 MB.*docs\/operations\.md/);
    expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { taskId: 'task-pg-1', timestamp: new Date().toISOString() })).status).toBe(202);
  } finally {
    await p.close();
  }
});

test('the settings docs/operations.md recommends: no warning', async () => {
  await setOnDatabase({ wal_init_zero: 'off', wal_compression: 'pglz', synchronous_commit: 'on' });
  const { p, postgresWarnings } = await startWithLogs();
  try {
    expect(postgresWarnings()).toEqual([]);
  } finally {
    await p.close();
  }
});

test('synchronous_commit off: a warning in development; in production the receiver refuses to start', async () => {
  await setOnDatabase({ wal_init_zero: 'off', wal_compression: 'pglz', synchronous_commit: 'off' });
  const { p, postgresWarnings } = await startWithLogs();
  try {
    expect(postgresWarnings().map((w) => [w.setting, w.value])).toEqual([['synchronous_commit', 'off']]);
    expect(postgresWarnings()[0]!.msg).toMatch(/can lose acknowledged events/);
  } finally {
    await p.close();
  }
  await expect(startWithLogs({ NODE_ENV: 'production' })).rejects.toBeInstanceOf(UnsafePostgresError);
  // The refused receiver left no session open.
  await eventually(async () => {
    const [row] = await env.db.sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where datname = ${database} and application_name = 'cxfold-receiver'`;
    return row!.n === 0;
  });
  await setOnDatabase({ synchronous_commit: 'on' });
});
