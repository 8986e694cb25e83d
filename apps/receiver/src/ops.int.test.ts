import { createApiKey, type NewApiKey } from '@cxfold/db';
import { createLogger } from '@cxfold/log';
import {
  createTestEnv,
  startPipeline,
  startPrivateRedis,
  proxiedDatabase,
  sendSigned,
  postJson,
  getJson,
  scrapeMetrics,
  eventually,
  type TestEnv,
  type TestPipeline,
  type PrivateRedis,
} from '@cxfold/testkit';

const ts = () => new Date(Date.now() - 60_000).toISOString();
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('receiver in the npm start layout (API mounted, worker sharing the registry)', () => {
  let env: TestEnv;
  let p: TestPipeline;
  let operator: NewApiKey;
  let admin: NewApiKey;
  let supervisor: NewApiKey;
  const logLines: string[] = [];

  beforeAll(async () => {
    env = await createTestEnv();
    // Debug level into memory: the worker's per-batch fold line is what part of this file checks.
    const logger = createLogger({ name: 'test', level: 'debug', pretty: false, destination: { write: (line: string) => void logLines.push(line) } });
    p = await startPipeline(env, { withApi: true, logger });
    operator = await createApiKey(env.db.db, p.tenant.tenant, 'admin', [], 'ops', { operator: true });
    admin = await createApiKey(env.db.db, p.tenant.tenant, 'admin', []);
    supervisor = await createApiKey(env.db.db, p.tenant.tenant, 'supervisor', ['q1']);
  });
  afterAll(async () => {
    await p.close();
    await env.teardown();
  });

  test('/healthz: 200 {status: ok}', async () => {
    const res = await getJson(`${p.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('/readyz: 200 with Postgres, Redis and migrations ok', async () => {
    const res = await getJson(`${p.baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } });
  });

  test('/metrics parses, and the counters move with events by tenant, type and outcome', async () => {
    const tenant = p.tenant.tenant;
    const before = await scrapeMetrics(p.baseUrl);
    expect(before.types.get('cxfold_events_received_total')).toBe('counter');
    expect(before.has('process_cpu_user_seconds_total')).toBe(true);
    const count = (m: typeof before, labels: Record<string, string>) => m.sum('cxfold_events_received_total', labels);

    const created = { taskId: 'task-metrics-1', eventId: 'evt-metrics-1', timestamp: ts(), mediaType: 'voice' };
    expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/created', created)).status).toBe(202);
    expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/created', created)).body).toEqual({ id: 'evt-metrics-1', duplicate: true });
    expect((await postJson(`${p.baseUrl}/v1/hooks/${tenant}/tasks/queued`, { taskId: 'x', timestamp: ts() }, { authorization: 'Bearer cxf_wrong' })).status).toBe(401);
    expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/queued', { timestamp: ts() })).status).toBe(422);
    const flows = [
      { type: 'execution.started', executionId: 'ex-metrics-1', timestamp: ts(), flowId: 'f1' },
      { type: 'step.executed', executionId: 'ex-metrics-1', timestamp: ts(), seq: 1, stepType: 'menu' },
    ];
    const flowRes = await sendSigned(p.baseUrl, p.tenant, 'flows/events', flows);
    expect(flowRes.status).toBe(202);
    expect((await sendSigned(p.baseUrl, { ...p.tenant, tenant: 'no-such-tenant' }, 'tasks/created', created)).status).toBe(404);

    const after = await scrapeMetrics(p.baseUrl);
    const delta = (labels: Record<string, string>) => count(after, labels) - count(before, labels);
    expect(delta({ tenant, type: 'CREATED', outcome: 'accepted' })).toBe(1);
    expect(delta({ tenant, type: 'CREATED', outcome: 'duplicate' })).toBe(1);
    expect(delta({ tenant, type: 'QUEUED', outcome: 'unauthorized' })).toBe(1);
    expect(delta({ tenant, type: 'QUEUED', outcome: 'invalid' })).toBe(1);
    expect(delta({ tenant, type: 'execution.started', outcome: 'accepted' })).toBe(1);
    expect(delta({ tenant, type: 'step.executed', outcome: 'accepted' })).toBe(1);
    // A slug that is not a tenant never becomes a label value.
    expect(delta({ tenant: '(unknown)', type: 'CREATED', outcome: 'unknown_tenant' })).toBe(1);
    expect(after.has('cxfold_events_received_total', { tenant: 'no-such-tenant' })).toBe(false);

    // Latency by route pattern and status class, never by concrete path.
    const hist = (m: typeof before, status: string) =>
      m.sum('cxfold_http_request_duration_seconds_count', { method: 'POST', route: '/v1/hooks/:tenant/tasks/:event', status_class: status });
    expect(hist(after, '2xx') - hist(before, '2xx')).toBe(2);
    expect(hist(after, '4xx') - hist(before, '4xx')).toBe(3);
    expect(after.samples.some((s) => s.labels.route?.includes(tenant))).toBe(false);

    // Group commits: one per stored delivery here (sent one at a time), the duplicate's included.
    const commits = (m: typeof before, name: string, labels?: Record<string, string>) => m.sum(name, labels);
    expect(commits(after, 'cxfold_group_commit_duration_seconds_count', { outcome: 'ok' }) - commits(before, 'cxfold_group_commit_duration_seconds_count', { outcome: 'ok' })).toBe(3);
    expect(commits(after, 'cxfold_group_commit_events_sum') - commits(before, 'cxfold_group_commit_events_sum')).toBe(4);
    expect(commits(after, 'cxfold_group_commit_duration_seconds_sum') - commits(before, 'cxfold_group_commit_duration_seconds_sum')).toBeGreaterThan(0);

    // The worker shares the registry here: fold batches and end-to-end lag show up once folded.
    const folded = await eventually(async () => {
      const m = await scrapeMetrics(p.baseUrl);
      const grew = m.sum('cxfold_fold_batch_size_count') > before.sum('cxfold_fold_batch_size_count') && m.sum('cxfold_end_to_end_lag_seconds_count') >= before.sum('cxfold_end_to_end_lag_seconds_count') + 3;
      return grew ? m : null;
    });
    expect(folded.sum('cxfold_fold_batch_duration_seconds_count')).toBeGreaterThan(before.sum('cxfold_fold_batch_duration_seconds_count'));
    expect(folded.sum('cxfold_end_to_end_lag_seconds_sum')).toBeGreaterThan(0);
    expect(folded.sum('cxfold_queue_up', { queue: 'fold' })).toBe(1);
    for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(folded.has('cxfold_queue_jobs', { queue: 'fold', state })).toBe(true);
    expect(folded.has('cxfold_dead_letters_total', { source: 'fold' })).toBe(true);
    expect(folded.has('cxfold_sweeper_reenqueued_total')).toBe(true);
  });

  test("the HTTP request id reaches the worker's fold log line", async () => {
    const requestId = 'req-trace-0001';
    const res = await postJson(`${p.baseUrl}/v1/hooks/${p.tenant.tenant}/tasks/created`, { taskId: 'task-trace-1', timestamp: ts() }, { authorization: `Bearer ${p.tenant.token}`, 'x-request-id': requestId });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    const line = await eventually(async () => {
      const found = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'batch folded' && (l.requestIds as string[] | undefined)?.includes(requestId));
      return found ?? null;
    });
    expect(line).toMatchObject({ component: 'fold-worker', level: 20 });
  });

  describe('bull-board at /admin/queues', () => {
    const board = (headers: Record<string, string> = {}) => getJson(`${p.baseUrl}/admin/queues`, headers);

    test('401 problem+json without credentials, with an unknown key, or with another Basic user', async () => {
      const none = await board();
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(none.headers.get('www-authenticate')).toMatch(/Basic realm="cxfold admin"/);
      expect(none.body).toMatchObject({ status: 401, title: 'Unauthorized' });
      expect((await board({ authorization: 'Bearer cxk_not_a_key' })).status).toBe(401);
      expect((await board({ authorization: basic('admin', 'cxk_not_a_key') })).status).toBe(401);
      expect((await board({ authorization: basic('root', operator.key) })).status).toBe(401);
      // The tenant's webhook token is not an API key.
      expect((await board({ authorization: `Bearer ${p.tenant.token}` })).status).toBe(401);
    });

    test("403 for a supervisor's key and for a tenant admin's that is no operator's: the board is every tenant's", async () => {
      for (const key of [supervisor.key, admin.key]) {
        for (const authorization of [`Bearer ${key}`, basic('admin', key)]) {
          const res = await board({ authorization });
          expect(res.status).toBe(403);
          expect(res.body).toMatchObject({ status: 403, title: 'Forbidden', detail: expect.stringContaining('--operator') });
        }
        expect((await getJson(`${p.baseUrl}/admin/queues/api/queues`, { authorization: `Bearer ${key}` })).status).toBe(403);
      }
      // Nor can it act on the queue: pausing it would stop every tenant's folding.
      const pause = await fetch(`${p.baseUrl}/admin/queues/api/queues/fold/pause`, { method: 'PUT', headers: { authorization: `Bearer ${admin.key}` } });
      expect(pause.status).toBe(403);
      const seen = await getJson(`${p.baseUrl}/admin/queues/api/queues`, { authorization: `Bearer ${operator.key}` });
      expect(seen.body.queues.map((q: { name: string; isPaused: boolean }) => [q.name, q.isPaused])).toEqual([['fold', false]]);
    });

    test('200 HTML for an operator key, bearer or basic; its API lists the fold queue', async () => {
      for (const authorization of [`Bearer ${operator.key}`, basic('admin', operator.key)]) {
        const res = await board({ authorization });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(String(res.body)).toContain('<title>cxfold queues</title>');
      }
      const api = await getJson(`${p.baseUrl}/admin/queues/api/queues`, { authorization: basic('admin', operator.key) });
      expect(api.status).toBe(200);
      expect(api.body.queues.map((q: { name: string }) => q.name)).toEqual(['fold']);
      const css = /href="(static\/css\/[^"]+\.css)"/.exec(String((await board({ authorization: `Bearer ${operator.key}` })).body))?.[1];
      expect(css).toBeDefined();
      expect((await getJson(`${p.baseUrl}/admin/queues/${css}`, { authorization: `Bearer ${operator.key}` })).status).toBe(200);
    });
  });

  test('/readyz: 503 naming the migrations when one is missing, 200 again once it is back', async () => {
    const [last] = await env.db.sql<{ id: number; hash: string; created_at: string }[]>`select id, hash, created_at from drizzle.__drizzle_migrations order by id desc limit 1`;
    await env.db.sql`delete from drizzle.__drizzle_migrations where id = ${last!.id}`;
    try {
      const res = await getJson(`${p.baseUrl}/readyz`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 503, title: 'Not ready', checks: { postgres: 'ok', redis: 'ok', migrations: expect.stringMatching(/^\d+ of \d+ migrations applied/) } });
      expect(res.body.detail).toMatch(/^migrations: /);
    } finally {
      await env.db.sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${last!.id}, ${last!.hash}, ${last!.created_at})`;
    }
    expect((await getJson(`${p.baseUrl}/readyz`)).status).toBe(200);
  });
});

describe('readiness when Postgres is unreachable', () => {
  let env: TestEnv;
  let p: TestPipeline;
  let proxied: Awaited<ReturnType<typeof proxiedDatabase>>;
  beforeAll(async () => {
    env = await createTestEnv();
    proxied = await proxiedDatabase(env.databaseUrl);
    p = await startPipeline({ ...env, databaseUrl: proxied.url }, { withWorker: false });
  });
  afterAll(async () => {
    await proxied.proxy.restore();
    await p.close();
    await proxied.proxy.close();
    await env.teardown();
  });

  test('503 with the reason within the check deadline; /healthz stays 200; ready again when it is back', async () => {
    expect((await getJson(`${p.baseUrl}/readyz`)).status).toBe(200);
    await proxied.proxy.refuse();
    const started = Date.now();
    const res = await getJson(`${p.baseUrl}/readyz`);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(res.status).toBe(503);
    expect(res.body.checks.redis).toBe('ok');
    expect(res.body.checks.postgres).not.toBe('ok');
    expect(res.body.checks.postgres.length).toBeGreaterThan(3);
    expect(res.body.detail).toContain('postgres: ');
    expect((await getJson(`${p.baseUrl}/healthz`)).status).toBe(200);
    // A scrape does not need Postgres.
    expect((await scrapeMetrics(p.baseUrl)).types.get('cxfold_events_received_total')).toBe('counter');
    await proxied.proxy.restore();
    await eventually(async () => (await getJson(`${p.baseUrl}/readyz`)).status === 200);
  });
});

describe('readiness and metrics when Redis is stopped', () => {
  let redis: PrivateRedis;
  let env: TestEnv;
  let p: TestPipeline;
  // PrivateRedis.restart() starts a new server: only call it when the old one is gone.
  let redisDown = false;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    env = await createTestEnv({ redisUrl: redis.url });
    p = await startPipeline(env, { withWorker: false });
  });
  afterAll(async () => {
    if (redisDown) await redis.restart();
    await p.close();
    await env.teardown();
    await redis.stop();
  });

  test('503 naming Redis; /metrics still answers at once, with cxfold_queue_up 0', async () => {
    expect((await getJson(`${p.baseUrl}/readyz`)).status).toBe(200);
    await redis.kill();
    redisDown = true;
    const res = await eventually(async () => {
      const r = await getJson(`${p.baseUrl}/readyz`);
      return r.status === 503 ? r : null;
    });
    expect(res.body.checks).toMatchObject({ postgres: 'ok', migrations: 'ok' });
    expect(res.body.checks.redis).not.toBe('ok');
    expect(res.body.detail).toContain('redis: ');
    const started = Date.now();
    const m = await scrapeMetrics(p.baseUrl);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(m.sum('cxfold_queue_up', { queue: 'fold' })).toBe(0);
    expect(m.has('cxfold_queue_jobs')).toBe(false);
    expect((await getJson(`${p.baseUrl}/healthz`)).status).toBe(200);
  });
});
