import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { createDbClient, type DbClient } from '@cxfold/db';
import { withDatabase } from './services';

export interface TestEnv {
  databaseUrl: string;
  redisUrl: string;
  /** BullMQ key prefix unique to this test file. */
  queuePrefix: string;
  db: DbClient;
  redis: Redis;
  /** Drops the database and this file's Redis keys. */
  teardown(): Promise<void>;
}

/** A fresh database cloned from the migrated template, and a Redis key prefix of its own. */
export async function createTestEnv(opts: { redisUrl?: string } = {}): Promise<TestEnv> {
  const adminUrl = process.env.CXFOLD_TEST_ADMIN_URL;
  const template = process.env.CXFOLD_TEST_TEMPLATE;
  const redisUrl = opts.redisUrl ?? process.env.CXFOLD_TEST_REDIS_URL;
  if (!adminUrl || !template || !redisUrl) throw new Error('integration tests need the jest global setup (run them through jest)');
  const name = `cxfold_t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}" template "${template}"`);
  await admin.end();
  const databaseUrl = withDatabase(adminUrl, name);
  const db = createDbClient({ url: databaseUrl, poolSize: 4, applicationName: 'cxfold-test' });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  const queuePrefix = `cxt${name.slice(9)}`;
  return {
    databaseUrl,
    redisUrl,
    queuePrefix,
    db,
    redis,
    async teardown() {
      await db.close();
      const keys = await redis.keys(`${queuePrefix}:*`).catch(() => [] as string[]);
      if (keys.length) await redis.del(...keys).catch(() => undefined);
      redis.disconnect();
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

/** Polls until `check` returns a truthy value or the time runs out. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The single row a query must return (a count, a lookup); throws when there is none. */
export async function one<T>(rows: Promise<readonly T[]>): Promise<T> {
  const [row] = await rows;
  if (row === undefined) throw new Error('query returned no row');
  return row;
}

/** Per-database settings for the test database (`alter database … set`); sessions opened after see them. */
export async function alterTestDatabase(env: TestEnv, settings: Record<string, string>): Promise<void> {
  const name = new URL(env.databaseUrl).pathname.slice(1);
  for (const [setting, value] of Object.entries(settings)) await env.db.sql.unsafe(`alter database "${name}" set ${setting} = '${value}'`);
}

/**
 * The per-database settings docs/operations.md ("Postgres settings") recommends, so a server
 * spawned against the test database starts without the receiver's advice warnings (tests that
 * assert a quiet start). pglz, not lz4: every Postgres build has it.
 */
export function useRecommendedPostgresSettings(env: TestEnv): Promise<void> {
  return alterTestDatabase(env, { wal_init_zero: 'off', wal_compression: 'pglz' });
}
