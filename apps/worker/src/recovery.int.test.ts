import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createTestEnv, startPipeline, startPrivateRedisPipeline, pipelineSettings, sendSigned, eventually, one, pgProxy, proxiedDatabase, type TestEnv, type TestPipeline, type PrivateRedis, type PrivateRedisPipeline } from '@cxfold/testkit';
import { foldSubjects } from '@cxfold/projector';
import { insertRawEvents } from '@cxfold/db';
import { startWorker } from './worker';
import { QUEUES } from '@cxfold/queue';

describe('dead letters', () => {
  let env: TestEnv;
  let p: TestPipeline;
  beforeAll(async () => {
    env = await createTestEnv();
    p = await startPipeline(env, { overrides: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '20' } });
  });
  afterAll(async () => {
    await p.close();
    await env.teardown();
  });

  test('a stored event that no longer fits the contract is dead-lettered, and its interaction still folds', async () => {
    const at = (s: number) => new Date(Date.now() - 600_000 + s * 1000).toISOString();
    expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { taskId: 'task-poison', timestamp: at(0), mediaType: 'sms' })).status).toBe(202);
    // A row written by an older version (or by hand): same subject, payload the contract refuses.
    const [poison] = await env.db.sql`
      insert into raw_events (tenant, event_id, kind, event_type, subject_id, occurred_at, payload)
      values (${p.tenant.tenant}, 'evt-poison', 'task', 'QUEUED', 'task-poison', now(), ${JSON.stringify({ taskId: 'task-poison', timestamp: at(1), ewt: 'soon' })}::jsonb)
      returning id`;
    const queue = new Queue(QUEUES.fold, { connection: env.redis, prefix: env.queuePrefix });
    // A job of the older one-event shape, as a previous version queued it: still folded.
    await queue.add('fold', { rawEventId: Number(poison!.id), tenant: p.tenant.tenant, kind: 'task', subjectId: 'task-poison', eventId: 'evt-poison' }, { jobId: `${p.tenant.tenant}~evt-poison`, attempts: 3 });
    const [dl] = await eventually(async () => {
      const rows = await env.db.sql`select * from dead_letters where event_id = 'evt-poison'`;
      return rows.length ? rows : null;
    });
    expect(dl).toMatchObject({ tenant: p.tenant.tenant, kind: 'task', event_type: 'QUEUED', error_code: 'POISON_EVENT' });
    expect(dl!.error).toContain('/ewt');
    const [raw] = await env.db.sql`select folded_at, dead_lettered_at from raw_events where event_id = 'evt-poison'`;
    expect(raw!.folded_at).toBeNull();
    expect(raw!.dead_lettered_at).not.toBeNull();
    const [row] = await env.db.sql`select status, event_count from interactions where id = 'task-poison'`;
    expect(row).toEqual({ status: 'new', event_count: 1 });
    await queue.close();
  });

  test('an event whose last attempt fails while another fold of its record has loaded it ends up folded, not folded and dead-lettered both', async () => {
    const tenant = p.tenant.tenant;
    const x = 'fx-race';
    const at = (s: number) => new Date(Date.now() - 600_000 + s * 1000).toISOString();
    const step = (seq: number) => ({ type: 'step.executed', executionId: x, timestamp: at(seq), seq, stepType: 'menu', name: `Step ${seq}` });
    const ids = await insertRawEvents(
      env.db.sql,
      [{ type: 'execution.started', executionId: x, timestamp: at(0) }, step(1), step(2)].map((body, i) => ({ tenant, eventId: `race-${i}`, kind: 'flow' as const, eventType: body.type, subjectId: x, occurredAtMs: Date.parse(body.timestamp), payload: body, maskCount: 0, requestId: null })),
    );
    await env.db.sql.begin((tx) => foldSubjects(tx, [{ tenant, kind: 'flow', subjectId: x }], 1));
    const late = await env.db.sql`insert into raw_events (tenant, event_id, kind, event_type, subject_id, occurred_at, payload)
      values (${tenant}, 'race-3', 'flow', 'step.executed', ${x}, now(), ${JSON.stringify(step(3))}::jsonb) returning id`;
    const lateId = Number(late[0]!.id);
    expect(ids.size).toBe(3);

    // Fold A (a sweep, another job) takes the record's lock, loads the late event, and stalls on a row lock.
    const blocker = await env.db.sql.reserve();
    await blocker`begin`;
    await blocker`select 1 from flow_executions where tenant = ${tenant} and id = ${x} for update`;
    const foldA = env.db.sql.begin((tx) => foldSubjects(tx, [{ tenant, kind: 'flow', subjectId: x }], 1));
    const waiting = (event: string) => env.db.sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and wait_event = ${event}`;
    await eventually(async () => (await waiting('transactionid')).length === 1);

    // The late event's own job, on its last attempt, fails twice (the batch, then the record alone): cancelled while waiting for A's lock.
    const queue = new Queue(QUEUES.fold, { connection: env.redis, prefix: env.queuePrefix });
    await queue.add('fold', { rawEventId: lateId, tenant, kind: 'flow', subjectId: x, eventId: 'race-3' }, { jobId: `${tenant}~race-3`, attempts: 1 });
    for (let i = 0; i < 2; i++) {
      const [w] = await eventually(async () => ((await waiting('advisory')).length ? waiting('advisory') : null));
      await env.db.sql`select pg_cancel_backend(${w!.pid})`;
      await eventually(async () => (await waiting('advisory')).every((r) => r.pid !== w!.pid));
    }
    // It now dead-letters the event: under the record's lock, it waits for A.
    await eventually(async () => (await waiting('advisory')).length === 1 || (await env.db.sql`select 1 from dead_letters where event_id = 'race-3'`).length === 1);
    await blocker`commit`;
    blocker.release();
    await foldA;
    await eventually(async () => (await queue.getJob(`${tenant}~race-3`)) === undefined || (await (await queue.getJob(`${tenant}~race-3`))!.getState()) !== 'active');

    const [raw] = await env.db.sql`select folded_at is not null as folded, dead_lettered_at is not null as dead from raw_events where id = ${lateId}`;
    expect(raw).toEqual({ folded: true, dead: false });
    expect(await env.db.sql`select 1 from dead_letters where event_id = 'race-3'`).toHaveLength(0);
    expect((await env.db.sql`select seq from flow_steps where tenant = ${tenant} and execution_id = ${x} order by seq`).map((r) => r.seq)).toEqual([1, 2, 3]);
    await queue.close();
  });

  test('a job whose payload breaks the job catalog fails without retrying forever', async () => {
    const queue = new Queue(QUEUES.fold, { connection: env.redis, prefix: env.queuePrefix });
    const job = await queue.add('fold', { rawEventId: 'not-a-number' } as never, { jobId: 'bogus-job', attempts: 5 });
    await eventually(async () => (await job.getState()) === 'failed');
    const failed = await queue.getJob('bogus-job');
    expect(failed!.attemptsMade).toBe(1);
    expect(failed!.failedReason).toMatch(/invalid fold job payload/);
    await queue.close();
  });
});

describe('losing Redis', () => {
  let setup: PrivateRedisPipeline;
  let env: TestEnv;
  let p: TestPipeline;
  let redis: PrivateRedis;
  beforeAll(async () => {
    setup = await startPrivateRedisPipeline({ SWEEP_GRACE_MS: '500', SWEEP_INTERVAL_MS: '200' });
    ({ env, p, redis } = setup);
  });
  afterAll(() => setup.close());

  test('FLUSHALL mid-run delays folding but loses nothing: the sweeper re-enqueues', async () => {
    const t0 = Date.now() - 3_600_000;
    const send = (i: number, type: string, s: number) =>
      sendSigned(p.baseUrl, p.tenant, `tasks/${type}`, { taskId: `task-flush-${i}`, timestamp: new Date(t0 + i * 1000 + s * 1000).toISOString(), mediaType: 'chat', queue: { id: 'q1' }, agent: { id: 'a1' }, reason: 'agent' });
    // Stop folding so jobs pile up in Redis, then wipe Redis under them.
    await p.worker!.fold.pause();
    const accepted: string[] = [];
    for (let i = 0; i < 60; i++) for (const [type, s] of [['created', 0], ['queued', 1], ['routed', 5], ['closed', 9]] as const) {
      const r = await send(i, type, s);
      expect(r.status).toBe(202);
      accepted.push(r.body.id);
    }
    const flusher = new Redis(redis.url);
    await flusher.flushall();
    flusher.disconnect();
    p.worker!.fold.resume();
    // More traffic after the flush, too.
    for (let i = 60; i < 80; i++) for (const [type, s] of [['created', 0], ['closed', 9]] as const) expect((await send(i, type, s)).status).toBe(202);

    await eventually(async () => {
      const [r] = await env.db.sql`select count(*)::int as n from raw_events where folded_at is null`;
      return r!.n === 0;
    }, 30_000);
    const [counts] = await env.db.sql`select count(*)::int as raw, count(distinct event_id)::int as ids from raw_events`;
    expect(counts).toEqual({ raw: 280, ids: 280 });
    const statuses = await env.db.sql`select status, count(*)::int as n from interactions group by status order by status`;
    expect(statuses).toEqual([{ status: 'closed', n: 80 }]);
    const ids = await env.db.sql`select event_id from raw_events where event_id = any(${env.db.sql.array(accepted)})`;
    expect(ids).toHaveLength(accepted.length);
  });

  test('Redis down: the receiver still accepts (Postgres holds the event) and folding catches up when Redis returns', async () => {
    await redis.kill();
    const t0 = Date.now() - 1_800_000;
    const r = await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { taskId: 'task-redis-down', timestamp: new Date(t0).toISOString(), mediaType: 'sms' });
    expect(r.status).toBe(202);
    await redis.restart();
    const row = await eventually(async () => {
      const [x] = await env.db.sql`select status from interactions where id = 'task-redis-down'`;
      return x;
    }, 30_000);
    expect(row).toEqual({ status: 'new' });
  });
});

describe('Postgres unreachable for the worker', () => {
  let env: TestEnv;
  let p: TestPipeline;
  let proxy: ReturnType<typeof pgProxy>;
  beforeAll(async () => {
    env = await createTestEnv();
    const proxied = await proxiedDatabase(env.databaseUrl);
    proxy = proxied.proxy;
    // Receiver on the real database, worker behind the proxy; attempts and backoff so short that
    // an outage longer than their sum would dead-letter everything if outages spent attempts.
    p = await startPipeline(env, { withWorker: false });
    worker = await startWorker(pipelineSettings({ ...env, databaseUrl: proxied.url }, { JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '20', SWEEP_GRACE_MS: '60000' }), p.logger, {});
  });
  let worker: Awaited<ReturnType<typeof startWorker>>;
  afterAll(async () => {
    await proxy.restore();
    await worker.close();
    await p.close();
    await proxy.close();
    await env.teardown();
  });

  test('folding waits out the outage without spending attempts, then resumes with nothing lost', async () => {
    await proxy.refuse();
    const t0 = Date.now() - 600_000;
    for (let i = 0; i < 10; i++) {
      const r = await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { taskId: `task-pgdown-${i}`, timestamp: new Date(t0 + i).toISOString() });
      expect(r.status).toBe(202);
    }
    await new Promise((r) => setTimeout(r, 3_000));
    const during = await one(env.db.sql<{ folded: number; dead: number }[]>`select count(folded_at)::int as folded, count(dead_lettered_at)::int as dead from raw_events`);
    expect(during).toEqual({ folded: 0, dead: 0 });
    await proxy.restore();
    await eventually(async () => (await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from interactions`)).n === 10, 30_000);
    const after = await one(env.db.sql<{ folded: number; dead: number }[]>`select count(folded_at)::int as folded, count(dead_lettered_at)::int as dead from raw_events`);
    expect(after).toEqual({ folded: 10, dead: 0 });
    const { n } = await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from dead_letters`);
    expect(n).toBe(0);
  });
});
