import {
  createTestEnv,
  startPipeline,
  pipelineSettings,
  startPrivateRedis,
  proxiedDatabase,
  sendSigned,
  getJson,
  scrapeMetrics,
  eventually,
  type TestEnv,
  type TestPipeline,
  type PrivateRedis,
} from '@cxfold/testkit';
import { startWorker, type RunningWorker } from './worker';

/**
 * The worker alone, as `npm run start:worker` runs it: its own registry and its own small HTTP
 * server (WORKER_PORT, 0 here). A receiver without a worker feeds it; Redis is private and
 * Postgres is behind a proxy, so both can be taken away.
 */
describe('the worker process: /healthz, /readyz, /metrics on WORKER_PORT', () => {
  let redis: PrivateRedis;
  let env: TestEnv;
  let proxied: Awaited<ReturnType<typeof proxiedDatabase>>;
  let p: TestPipeline;
  let worker: RunningWorker;
  let base: string;
  // PrivateRedis.restart() starts a new server: only call it when the old one is gone.
  let redisDown = false;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    env = await createTestEnv({ redisUrl: redis.url });
    proxied = await proxiedDatabase(env.databaseUrl);
    p = await startPipeline(env, { withWorker: false });
    worker = await startWorker({ ...pipelineSettings({ ...env, databaseUrl: proxied.url }), WORKER_PORT: 0 }, p.logger);
    base = `http://127.0.0.1:${worker.port}`;
  });
  afterAll(async () => {
    if (redisDown) await redis.restart();
    await proxied.proxy.restore();
    await worker.close();
    await p.close();
    await proxied.proxy.close();
    await env.teardown();
    await redis.stop();
  });

  test('startWorker returns the port it listens on; /healthz 200; /readyz 200; nothing else is served', async () => {
    expect(worker.port).toEqual(expect.any(Number));
    expect(worker.port).toBeGreaterThan(0);
    expect((await getJson(`${base}/healthz`)).body).toEqual({ status: 'ok' });
    const ready = await getJson(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } });
    const other = await getJson(`${base}/v1/hooks/${p.tenant.tenant}/tasks`);
    expect(other.status).toBe(404);
    expect((await getJson(`${base}/admin/queues`)).status).toBe(404);
  });

  test('its /metrics shows its folds: batch size and duration, end-to-end lag, queue depth', async () => {
    const before = await scrapeMetrics(base);
    expect(before.has('process_resident_memory_bytes')).toBe(true);
    const at = new Date(Date.now() - 60_000).toISOString();
    for (let i = 0; i < 3; i++) expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { taskId: `task-worker-ops-${i}`, timestamp: at })).status).toBe(202);
    const after = await eventually(async () => {
      const m = await scrapeMetrics(base);
      return m.sum('cxfold_end_to_end_lag_seconds_count') - before.sum('cxfold_end_to_end_lag_seconds_count') >= 3 ? m : null;
    });
    expect(after.sum('cxfold_fold_batch_size_count')).toBeGreaterThan(before.sum('cxfold_fold_batch_size_count'));
    expect(after.sum('cxfold_fold_batch_size_sum') - before.sum('cxfold_fold_batch_size_sum')).toBeGreaterThanOrEqual(3);
    expect(after.sum('cxfold_fold_batch_duration_seconds_count')).toBeGreaterThan(before.sum('cxfold_fold_batch_duration_seconds_count'));
    expect(after.sum('cxfold_queue_up', { queue: 'fold' })).toBe(1);
    expect(after.has('cxfold_queue_jobs', { queue: 'fold', state: 'waiting' })).toBe(true);
    // The receiver's counters live in the receiver's registry, not here.
    expect(after.has('cxfold_events_received_total', { outcome: 'accepted' })).toBe(false);
    expect(after.sum('cxfold_http_request_duration_seconds_count', { route: '/metrics' })).toBeGreaterThan(0);
  });

  test('/readyz 503 naming Postgres when it is unreachable, ready again when it is back', async () => {
    await proxied.proxy.refuse();
    try {
      const started = Date.now();
      const res = await getJson(`${base}/readyz`);
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.checks.postgres).not.toBe('ok');
      expect(res.body.checks.redis).toBe('ok');
      expect((await getJson(`${base}/healthz`)).status).toBe(200);
    } finally {
      await proxied.proxy.restore();
    }
    await eventually(async () => (await getJson(`${base}/readyz`)).status === 200);
  });

  test('/readyz 503 naming Redis when it is stopped; a scrape does not hang', async () => {
    await redis.kill();
    redisDown = true;
    const res = await eventually(async () => {
      const r = await getJson(`${base}/readyz`);
      return r.status === 503 ? r : null;
    });
    expect(res.body.checks).toMatchObject({ postgres: 'ok', migrations: 'ok' });
    expect(res.body.checks.redis).not.toBe('ok');
    const started = Date.now();
    const m = await scrapeMetrics(base);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(m.sum('cxfold_queue_up', { queue: 'fold' })).toBe(0);
    await redis.restart();
    redisDown = false;
    await eventually(async () => (await getJson(`${base}/readyz`)).status === 200);
  });
});
