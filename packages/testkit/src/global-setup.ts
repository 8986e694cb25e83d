import postgres from 'postgres';
import { migrate } from '@cxfold/db';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, dockerAvailable, withDatabase } from './services';

/**
 * Runs the real migrations once per test run into a template database; each test file
 * then clones it (CREATE DATABASE … TEMPLATE), which takes milliseconds.
 */
export default async function globalSetup(): Promise<void> {
  // Jest runs every project's global setup in one process, one after the other: the
  // integration and e2e projects share the first one's template (and containers). A second
  // template would replace the first in the environment, and the teardown would never drop it.
  if (process.env.CXFOLD_TEST_TEMPLATE) return;
  let adminUrl = process.env.DATABASE_URL;
  let redisUrl = process.env.REDIS_URL;
  if ((!adminUrl || !redisUrl) && dockerAvailable() && process.env.CXFOLD_TEST_USE_LOCAL !== '1') {
    const { GenericContainer } = await import('testcontainers');
    if (!adminUrl) {
      const pg = await new GenericContainer('postgres:15').withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' }).withExposedPorts(5432).start();
      adminUrl = `postgres://postgres@${pg.getHost()}:${pg.getMappedPort(5432)}/postgres`;
      (globalThis as Record<string, unknown>).__cxfoldPg = pg;
    }
    if (!redisUrl) {
      const redis = await new GenericContainer('redis:7').withExposedPorts(6379).start();
      redisUrl = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
      (globalThis as Record<string, unknown>).__cxfoldRedis = redis;
    }
  }
  adminUrl ??= DEFAULT_DATABASE_URL;
  redisUrl ??= DEFAULT_REDIS_URL;
  const template = `cxfold_tpl_${process.pid}_${Date.now()}`;
  await migrate(withDatabase(adminUrl, template));
  // Nobody may stay connected to a template while it is cloned.
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${template} and pid <> pg_backend_pid()`;
  await sql.end();
  process.env.CXFOLD_TEST_ADMIN_URL = adminUrl;
  process.env.CXFOLD_TEST_REDIS_URL = redisUrl;
  process.env.CXFOLD_TEST_TEMPLATE = template;
}
