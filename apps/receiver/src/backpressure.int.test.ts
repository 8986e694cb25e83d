import { Redis } from 'ioredis';
import { createTestEnv, startPipeline, startPrivateRedisPipeline, sendSigned, one, eventually, type TestEnv, type TestPipeline, type PrivateRedisPipeline } from '@cxfold/testkit';
import { checkRedisPolicy, enforceRedisPolicy, UnsafeRedisError } from '@cxfold/queue';
import { startPrivateRedis, pgProxy, proxiedDatabase } from '@cxfold/testkit';

const at = () => new Date(Date.now() - 60_000).toISOString();
let n = 0;
const body = () => ({ taskId: `task-bp-${++n}`, timestamp: at() });

describe('per-tenant rate limit', () => {
  let env: TestEnv;
  let p: TestPipeline;
  beforeAll(async () => {
    env = await createTestEnv();
    p = await startPipeline(env, { withWorker: false, overrides: { RATE_LIMIT_PER_SECOND: '5', TENANT_CACHE_MS: '0' } });
  });
  afterAll(async () => {
    await p.close();
    await env.teardown();
  });

  test('over the limit: 429 with Retry-After and nothing stored; a tenant override raises it', async () => {
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 12 }, () => sendSigned(p.baseUrl, p.tenant, 'tasks/created', body())));
    // The window is one second; on a slow machine the burst may straddle two windows.
    const windows = Math.ceil((Date.now() - started) / 1000) + 1;
    const limited = results.filter((r) => r.status === 429);
    const accepted = results.filter((r) => r.status === 202);
    expect(accepted.length + limited.length).toBe(12);
    expect(accepted.length).toBeGreaterThanOrEqual(5);
    expect(accepted.length).toBeLessThanOrEqual(5 * windows);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.body).toMatchObject({ status: 429, title: 'Too many requests' });
    const { rows } = await one(env.db.sql<{ rows: number }[]>`select count(*)::int as rows from raw_events`);
    expect(rows).toBe(accepted.length);

    await env.db.sql`update tenants set rate_limit_per_second = 50 where slug = ${p.tenant.tenant}`;
    await new Promise((r) => setTimeout(r, 1100));
    const more = await Promise.all(Array.from({ length: 20 }, () => sendSigned(p.baseUrl, p.tenant, 'tasks/created', body())));
    expect(more.every((r) => r.status === 202)).toBe(true);
  });
});

describe('fold backlog limits', () => {
  let env: TestEnv;
  let p: TestPipeline;
  beforeAll(async () => {
    env = await createTestEnv();
    // No worker: every accepted event waits in the queue.
    p = await startPipeline(env, { withWorker: false, overrides: { BACKLOG_SOFT_LIMIT: '3', BACKLOG_HARD_LIMIT: '6', BACKLOG_POLL_MS: '50' } });
  });
  afterAll(async () => {
    await p.close();
    await env.teardown();
  });

  test('past the soft limit it keeps accepting; past the hard limit it answers 503 + Retry-After and stores nothing', async () => {
    for (let i = 0; i < 5; i++) expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/created', body())).status).toBe(202);
    await p.receiver.backlog.poll();
    expect(p.receiver.backlog.level).toBe('high');
    expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/created', body())).status).toBe(202);
    await new Promise((r) => setTimeout(r, 100));
    await p.receiver.backlog.poll();
    expect(p.receiver.backlog.level).toBe('full');
    const refused = await sendSigned(p.baseUrl, p.tenant, 'tasks/created', body());
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    const { rows } = await one(env.db.sql<{ rows: number }[]>`select count(*)::int as rows from raw_events`);
    expect(rows).toBe(6);
  });
});

describe('Postgres unreachable or silent', () => {
  let env: TestEnv;
  let p: TestPipeline;
  let proxy: ReturnType<typeof pgProxy>;
  beforeAll(async () => {
    env = await createTestEnv();
    const proxied = await proxiedDatabase(env.databaseUrl);
    proxy = proxied.proxy;
    p = await startPipeline({ ...env, databaseUrl: proxied.url }, { withWorker: false, overrides: { TENANT_CACHE_MS: '60000', STORE_TIMEOUT_MS: '1000', PG_POOL_SIZE: '20' } });
  });
  afterAll(async () => {
    await proxy.restore();
    await p.close();
    await proxy.close();
    await env.teardown();
  });

  test('the receiver answers 503 with Retry-After (never 202) and accepts again when Postgres is back', async () => {
    expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/created', body())).status).toBe(202);
    proxy.cut();
    const down = await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { ...body(), eventId: 'evt-during-outage' });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('30');
    expect(down.body.detail).toMatch(/nothing was stored/);
    await proxy.restore();
    const again = await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { ...body(), eventId: 'evt-during-outage' });
    expect(again.status).toBe(202);
    // The insert queued during the outage may have committed once Postgres came back: then the
    // retry is a duplicate. Either way the event is stored exactly once.
    expect(again.body).toEqual({ id: 'evt-during-outage', duplicate: expect.any(Boolean) });
    const { rows } = await one(env.db.sql<{ rows: number }[]>`select count(*)::int as rows from raw_events where event_id = 'evt-during-outage'`);
    expect(rows).toBe(1);
  });

  test('an insert stuck on a silent connection fails at the store deadline and the writer moves on to working connections', async () => {
    expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/created', body())).status).toBe(202);
    // Every connection open now stays open and silent for good; new connections work.
    proxy.freeze();
    const statuses: number[] = [];
    const deadline = Date.now() + 20_000;
    // Each stuck insert costs one deadline and one pooled connection; then inserts reach new ones.
    while (Date.now() < deadline) {
      const r = await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { ...body(), eventId: `evt-frozen-${statuses.length}` });
      statuses.push(r.status);
      expect([202, 503]).toContain(r.status);
      if (statuses.slice(-3).join() === '202,202,202') break;
    }
    expect(statuses).toContain(503);
    expect(statuses.slice(-3)).toEqual([202, 202, 202]);
    // Every event answered 202 is stored exactly once.
    const accepted = statuses.flatMap((st, i) => (st === 202 ? [`evt-frozen-${i}`] : []));
    const { n } = await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events where event_id = any(${accepted})`);
    expect(n).toBe(accepted.length);
  });
});

describe('Redis connected but not answering (process stopped)', () => {
  let s: PrivateRedisPipeline;
  beforeAll(async () => {
    s = await startPrivateRedisPipeline({ RATE_LIMIT_PER_SECOND: '100', SWEEP_GRACE_MS: '500', SWEEP_INTERVAL_MS: '200' });
  });
  afterAll(() => s.close());

  test('acks keep coming (the rate limit falls back to the local count) and every event folds once Redis answers again', async () => {
    s.redis.pause();
    try {
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 5 }, () => sendSigned(s.p.baseUrl, s.p.tenant, 'tasks/created', body())));
      expect(results.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
      // Not held until some Redis timeout: the limiter waits a quarter second, then counts locally.
      expect(Date.now() - started).toBeLessThan(4_000);
      // Still limited while Redis is stuck: the local limiter enforces the tenant's 100/s.
      const burst = await Promise.all(Array.from({ length: 150 }, () => sendSigned(s.p.baseUrl, s.p.tenant, 'tasks/created', body())));
      expect(burst.filter((r) => r.status === 429).length).toBeGreaterThan(0);
      const stored = await one(s.env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events`);
      expect(stored.n).toBe(5 + burst.filter((r) => r.status === 202).length);
    } finally {
      s.redis.resume();
    }
    const total = await one(s.env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events`);
    await eventually(async () => (await one(s.env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events where folded_at is not null`)).n === total.n, 30_000);
  });
});

describe('a full backlog, then Redis stops answering', () => {
  let s: PrivateRedisPipeline;
  beforeAll(async () => {
    s = await startPrivateRedisPipeline({ BACKLOG_SOFT_LIMIT: '1', BACKLOG_HARD_LIMIT: '3', BACKLOG_POLL_MS: '100', SWEEP_GRACE_MS: '500', SWEEP_INTERVAL_MS: '200' });
    await s.p.worker!.fold.pause();
  });
  afterAll(() => s.close());

  test('the unknown depth refuses nothing: 202s while Redis hangs or is gone, 503 again once it answers full', async () => {
    // The monitor polls every 100 ms, so it may see the hard limit (3 waiting) before the
    // fourth send: that one is then refused, and the backlog is full either way.
    const first: number[] = [];
    for (let i = 0; i < 4; i++) first.push((await sendSigned(s.p.baseUrl, s.p.tenant, 'tasks/created', body())).status);
    expect(first.slice(0, 3)).toEqual([202, 202, 202]);
    expect([202, 503]).toContain(first[3]);
    const acceptedFirst = first.filter((st) => st === 202).length;
    await eventually(async () => s.p.receiver.backlog.level === 'full');
    expect((await sendSigned(s.p.baseUrl, s.p.tenant, 'tasks/created', body())).status).toBe(503);
    const statuses: number[] = [];
    // Hanging (process stopped): no answer for three poll intervals.
    s.redis.pause();
    try {
      await eventually(async () => s.p.receiver.backlog.level === 'ok');
      for (let i = 0; i < 3; i++) statuses.push((await sendSigned(s.p.baseUrl, s.p.tenant, 'tasks/created', body())).status);
    } finally {
      s.redis.resume();
    }
    await eventually(async () => s.p.receiver.backlog.level === 'full');
    expect((await sendSigned(s.p.baseUrl, s.p.tenant, 'tasks/created', body())).status).toBe(503);
    // Gone (connection refused): every poll fails.
    await s.redis.kill();
    try {
      await eventually(async () => s.p.receiver.backlog.level === 'ok');
      for (let i = 0; i < 3; i++) statuses.push((await sendSigned(s.p.baseUrl, s.p.tenant, 'tasks/created', body())).status);
    } finally {
      await s.redis.restart();
      s.p.worker!.fold.resume();
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 202]);
    const stored = await one(s.env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events`);
    expect(stored.n).toBe(acceptedFirst + 6);
    // The restarted Redis lost every job: the sweeper enqueues them again and all fold.
    await eventually(async () => (await one(s.env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events where folded_at is not null`)).n === stored.n, 30_000);
  });
});

describe('Redis maxmemory-policy', () => {
  test('noeviction passes; anything else warns, and refuses in production', async () => {
    const redis = await startPrivateRedis();
    const client = new Redis(redis.url);
    try {
      expect(await checkRedisPolicy(client)).toEqual({ ok: true, policy: 'noeviction' });
      await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const warnings: string[] = [];
      await enforceRedisPolicy(client, false, (m) => warnings.push(m));
      expect(warnings[0]).toMatch(/allkeys-lru/);
      await expect(enforceRedisPolicy(client, true, () => undefined)).rejects.toBeInstanceOf(UnsafeRedisError);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });
});
