import type { Server } from 'node:http';
import { Queue } from 'bullmq';
import { createDbClient, createApiKey, createTenant, type DbClient } from '@cxfold/db';
import { createLogger } from '@cxfold/log';
import { createRedis, QUEUES } from '@cxfold/queue';
import { createMetrics, standardReadiness } from '@cxfold/observability';
import { createTestEnv, startPrivateRedis, proxiedDatabase, getJson, scrapeMetrics, eventually, type TestEnv, type PrivateRedis } from '@cxfold/testkit';
import type { Redis } from 'ioredis';
import { createApiApp } from './app';

/** The API alone, wired as apps/api/src/main.ts wires it, against a private Redis and a proxied Postgres. */
describe('the API process: /healthz, /readyz, /metrics, /admin/queues', () => {
  let redis: PrivateRedis;
  let env: TestEnv;
  let proxied: Awaited<ReturnType<typeof proxiedDatabase>>;
  let db: DbClient;
  let client: Redis;
  let queue: Queue;
  let server: Server;
  let base: string;
  let redisDown = false;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    env = await createTestEnv({ redisUrl: redis.url });
    proxied = await proxiedDatabase(env.databaseUrl);
    db = createDbClient({ url: proxied.url, poolSize: 2, applicationName: 'cxfold-api-test' });
    client = createRedis(redis.url, 'producer');
    client.on('error', () => undefined);
    queue = new Queue(QUEUES.fold, { connection: client, prefix: env.queuePrefix });
    const logger = createLogger({ name: 'test', level: 'silent', pretty: false });
    const app = createApiApp(db.db, logger, { metrics: createMetrics(), readiness: standardReadiness({ sql: db.sql, redis: client }), admin: { db: db.db, queues: [queue] } });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    // /readyz rightly says 503 while the fresh connection is still connecting (CI caught one
    // "redis connection is connect"); wait for it as an orchestrator's probe would.
    await queue.waitUntilReady();
  });
  afterAll(async () => {
    if (redisDown) await redis.restart();
    await proxied.proxy.restore();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await queue.close();
    client.disconnect();
    await db.close();
    await proxied.proxy.close();
    await env.teardown();
    await redis.stop();
  });

  test('/healthz 200, /readyz 200, /metrics parses and times the API routes', async () => {
    expect((await getJson(`${base}/healthz`)).body).toEqual({ status: 'ok' });
    expect(await getJson(`${base}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready', checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } } });
    expect((await getJson(`${base}/v1/interactions`)).status).toBe(401);
    const m = await scrapeMetrics(base);
    expect(m.sum('cxfold_http_request_duration_seconds_count', { route: '/readyz', status_class: '2xx' })).toBe(1);
    // Unauthenticated /v1 requests stop in the auth middleware: labelled by mount path, not by URL.
    expect(m.sum('cxfold_http_request_duration_seconds_count', { route: '/v1/*', status_class: '4xx' })).toBe(1);
    expect(m.has('process_cpu_user_seconds_total')).toBe(true);
  });

  test('bull-board: 401 without a key, 403 for a supervisor or a plain admin, 200 HTML for an operator (bearer and basic)', async () => {
    const tenant = await createTenant(env.db.db, 'api-ops-co');
    const admin = await createApiKey(env.db.db, tenant.tenant, 'admin', [], 'ops', { operator: true });
    const tenantAdmin = await createApiKey(env.db.db, tenant.tenant, 'admin', []);
    const supervisor = await createApiKey(env.db.db, tenant.tenant, 'supervisor', ['q1']);
    const board = (authorization?: string) => getJson(`${base}/admin/queues`, authorization ? { authorization } : {});
    expect((await board()).status).toBe(401);
    expect((await board('Bearer cxk_nope')).status).toBe(401);
    expect((await board(`Bearer ${supervisor.key}`)).status).toBe(403);
    expect((await board(`Bearer ${tenantAdmin.key}`)).status).toBe(403);
    const bearer = await board(`Bearer ${admin.key}`);
    expect(bearer.status).toBe(200);
    expect(String(bearer.body)).toContain('<title>cxfold queues</title>');
    const basic = await board(`Basic ${Buffer.from(`admin:${admin.key}`).toString('base64')}`);
    expect(basic.status).toBe(200);
    expect(basic.headers.get('content-type')).toMatch(/^text\/html/);
  });

  test('/readyz 503 naming Postgres when it is unreachable', async () => {
    await proxied.proxy.refuse();
    try {
      const res = await getJson(`${base}/readyz`);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 503, title: 'Not ready', checks: { redis: 'ok' } });
      expect(res.body.checks.postgres).not.toBe('ok');
      expect(res.body.checks.migrations).not.toBe('ok');
    } finally {
      await proxied.proxy.restore();
    }
    await eventually(async () => (await getJson(`${base}/readyz`)).status === 200);
  });

  test('/readyz 503 naming Redis when it is stopped', async () => {
    await redis.kill();
    redisDown = true;
    const res = await eventually(async () => {
      const r = await getJson(`${base}/readyz`);
      return r.status === 503 ? r : null;
    });
    expect(res.body.checks).toMatchObject({ postgres: 'ok', migrations: 'ok' });
    expect(res.body.checks.redis).toMatch(/redis|connect|closed|writeable/i);
  });
});
