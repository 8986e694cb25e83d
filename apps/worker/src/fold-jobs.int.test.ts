import { insertRawEvents } from '@cxfold/db';
import { FoldQueue, type FoldEvent } from '@cxfold/queue';
import { Sweeper } from '@cxfold/projector';
import { createLogger } from '@cxfold/log';
import { createTestEnv, startPipeline, pipelineSettings, sendSigned, eventually, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import { startWorker } from './worker';

/**
 * One fold job per receiver group commit: what the receiver queues, how the worker folds a job
 * of many events (one of them poison), and how the sweeper queues lost events again.
 */
describe('fold jobs of many events', () => {
  let env: TestEnv;
  let p: TestPipeline;
  let queue: FoldQueue;
  beforeAll(async () => {
    env = await createTestEnv();
    // No worker yet: the jobs stay in Redis to be looked at.
    p = await startPipeline(env, { withWorker: false });
    queue = new FoldQueue(env.redis, env.queuePrefix, { attempts: 3, backoffMs: 20 });
  });
  afterAll(async () => {
    await queue.close();
    await p.close();
    await env.teardown();
  });

  const at = (s: number) => new Date(Date.now() - 600_000 + s * 1000).toISOString();
  const queuedEvents = async () => {
    const jobs = await queue.queue.getJobs(['waiting', 'delayed', 'active']);
    return { jobs: jobs.length, events: jobs.flatMap((j) => j.data.events) };
  };

  test('requests answered together are queued as one job holding all their events, and a worker folds every one', async () => {
    const sent = await Promise.all(Array.from({ length: 40 }, (_, i) => sendSigned(p.baseUrl, p.tenant, 'tasks/created', { taskId: `task-job-${i}`, timestamp: at(i), mediaType: 'chat' })));
    expect(sent.every((r) => r.status === 202)).toBe(true);
    const queued = await queuedEvents();
    // 40 concurrent requests end in fewer group commits than requests; every event is in exactly one job.
    expect(queued.jobs).toBeLessThan(40);
    expect(queued.events.map((e) => e.subjectId).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `task-job-${i}`).sort());
    expect(queued.events.every((e) => e.tenant === p.tenant.tenant && e.kind === 'task' && typeof e.requestId === 'string')).toBe(true);

    const worker = await startWorker(pipelineSettings(env), p.logger);
    try {
      await eventually(async () => (await env.db.sql`select 1 from interactions where id like 'task-job-%'`).length === 40);
      const [left] = await env.db.sql`select count(*)::int as n from raw_events where folded_at is null and subject_id like 'task-job-%'`;
      expect(left!.n).toBe(0);
    } finally {
      await worker.close();
    }
  });

  test('a job with a poison event among good ones folds the good ones, dead-letters the poison, and completes', async () => {
    const rows = [
      { eventId: 'mix-1', type: 'CREATED', body: { taskId: 'task-mix', timestamp: at(0), mediaType: 'sms' } },
      // The contract refuses a non-numeric ewt: a row written by an older version, or by hand.
      { eventId: 'mix-2', type: 'QUEUED', body: { taskId: 'task-mix', timestamp: at(1), ewt: 'soon' } },
      { eventId: 'mix-3', type: 'CREATED', body: { taskId: 'task-mix-other', timestamp: at(2), mediaType: 'chat' } },
    ];
    const ids = await insertRawEvents(
      env.db.sql,
      rows.map((r) => ({ tenant: p.tenant.tenant, eventId: r.eventId, kind: 'task' as const, eventType: r.type, subjectId: r.body.taskId, occurredAtMs: Date.parse(r.body.timestamp), payload: { ...r.body, eventType: r.type }, maskCount: 0, requestId: null })),
    );
    const events = rows.map((r): FoldEvent => ({ rawEventId: ids.get(`${p.tenant.tenant}\u0001${r.eventId}`)!, tenant: p.tenant.tenant, kind: 'task', subjectId: r.body.taskId, eventId: r.eventId }));
    await queue.addEvents(events, 'mixed-job');

    const worker = await startWorker(pipelineSettings(env), p.logger);
    try {
      const job = await queue.queue.getJob('mixed-job');
      await eventually(async () => (await env.db.sql`select 1 from raw_events where event_id = 'mix-2' and dead_lettered_at is not null`).length === 1);
      await eventually(async () => (job ? (await job.getState()) !== 'active' && (await job.getState()) !== 'waiting' : true));
      const raw = await env.db.sql`select event_id, folded_at is not null as folded, dead_lettered_at is not null as dead from raw_events where event_id like 'mix-%' order by event_id`;
      expect(raw).toEqual([
        { event_id: 'mix-1', folded: true, dead: false },
        { event_id: 'mix-2', folded: false, dead: true },
        { event_id: 'mix-3', folded: true, dead: false },
      ]);
      const [dl] = await env.db.sql`select error_code from dead_letters where event_id = 'mix-2'`;
      expect(dl).toEqual({ error_code: 'POISON_EVENT' });
      const records = await env.db.sql`select id, event_count from interactions where id in ('task-mix', 'task-mix-other') order by id`;
      expect(records).toEqual([
        { id: 'task-mix', event_count: 1 },
        { id: 'task-mix-other', event_count: 1 },
      ]);
      // Completed jobs leave Redis at once: the job is gone, not failed.
      expect(await queue.queue.getJob('mixed-job')).toBeUndefined();
    } finally {
      await worker.close();
    }
  });

  test('a folded event that fails the contract on a later refold is dead-lettered, not dropped unseen', async () => {
    const created = { taskId: 'task-stricter', timestamp: at(0), mediaType: 'sms' };
    const worker = await startWorker(pipelineSettings(env), p.logger);
    try {
      expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { ...created, eventId: 'strict-1' })).status).toBe(202);
      await eventually(async () => (await env.db.sql`select 1 from raw_events where event_id = 'strict-1' and folded_at is not null`).length === 1);
      // The stored row no longer fits the contract (an older version's row, or a stricter contract now).
      await env.db.sql`update raw_events set payload = jsonb_set(payload::jsonb, '{ewt}', '"soon"')::json where event_id = 'strict-1'`;
      // Any new event for the record refolds it from everything stored.
      expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/queued', { ...created, eventId: 'strict-2', timestamp: at(5), queue: { id: 'q1' } })).status).toBe(202);
      await eventually(async () => (await env.db.sql`select 1 from raw_events where event_id = 'strict-2' and folded_at is not null`).length === 1);
      const raw = await env.db.sql`select event_id, folded_at is not null as folded, dead_lettered_at is not null as dead from raw_events where event_id like 'strict-%' order by event_id`;
      expect(raw).toEqual([
        { event_id: 'strict-1', folded: false, dead: true },
        { event_id: 'strict-2', folded: true, dead: false },
      ]);
      const [dl] = await env.db.sql`select error_code, error from dead_letters where event_id = 'strict-1'`;
      expect(dl).toMatchObject({ error_code: 'POISON_EVENT', error: expect.stringContaining('ewt') });
      const [rec] = await env.db.sql`select event_count, status from interactions where id = 'task-stricter'`;
      expect(rec).toEqual({ event_count: 1, status: 'queued' });
    } finally {
      await worker.close();
    }
  });

  test('the sweeper queues unfolded events past the grace as one named job, at most once per window', async () => {
    const ids = await insertRawEvents(
      env.db.sql,
      [0, 1, 2].map((i) => ({ tenant: p.tenant.tenant, eventId: `lost-${i}`, kind: 'task' as const, eventType: 'CREATED', subjectId: `task-lost-${i}`, occurredAtMs: Date.parse(at(i)), payload: { taskId: `task-lost-${i}`, timestamp: at(i), mediaType: 'sms', eventType: 'CREATED' }, maskCount: 0, requestId: null })),
    );
    const lost = [0, 1, 2].map((i) => ids.get(`${p.tenant.tenant}\u0001lost-${i}`)!);
    // Jobs lost with Redis: nothing queued for these events.
    await queue.queue.obliterate({ force: true });
    const sweeper = new Sweeper({ sql: env.db.sql, queue, logger: createLogger({ name: 'test', level: 'silent', pretty: false }), intervalMs: 1_000, graceMs: 0, batch: 100 });

    const now = Date.now();
    expect(await sweeper.sweepOnce(now)).toBe(3);
    expect(await sweeper.sweepOnce(now)).toBe(3); // a second sweeper, or the next pass, in the same window
    let queued = await queuedEvents();
    expect(queued.jobs).toBe(1);
    expect(queued.events.map((e) => e.rawEventId).sort()).toEqual([...lost].sort());
    expect(queued.events.map((e) => e.eventId).sort()).toEqual(['lost-0', 'lost-1', 'lost-2']);

    expect(await sweeper.sweepOnce(now + 1_000)).toBe(3); // the next window queues them again
    queued = await queuedEvents();
    expect(queued.jobs).toBe(2);

    const worker = await startWorker(pipelineSettings(env), p.logger);
    try {
      await eventually(async () => (await env.db.sql`select 1 from interactions where id like 'task-lost-%'`).length === 3);
      await eventually(async () => (await queuedEvents()).jobs === 0);
      // Folded events are never swept again.
      expect(await sweeper.sweepOnce(now + 2_000)).toBe(0);
    } finally {
      await worker.close();
    }
  });
});
