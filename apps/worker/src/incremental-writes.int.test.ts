import { foldSubjects } from '@cxfold/projector';
import { createTestEnv, storeAndFold, type TestEnv } from '@cxfold/testkit';

/**
 * A live fold recomputes a record whole but writes only what changed: the steps whose seq a
 * new event carries, and records/legs only when a column differs. A rebuild rewrites
 * everything and removes steps no longer produced. Row versions (xmin) show what was written.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env.teardown();
});

const tenant = 'acme';
const x = 'fx-incremental';
const t0 = Date.now() - 3_600_000;
const at = (ms: number) => new Date(t0 + ms).toISOString();
const flow = (eventId: string, body: Record<string, unknown>) => ({ kind: 'flow' as const, eventId, body: { executionId: x, ...body } });
const started = flow('e-start', { type: 'execution.started', timestamp: at(0), flowId: 'f', flowName: 'IVR', entryPoint: 'Main' });
const step = (eventId: string, seq: number, ms: number, name = `Step ${seq}`) =>
  flow(eventId, { type: 'step.executed', timestamp: at(ms + 500), seq, stepType: 'play_message', name, startedAt: at(ms), endedAt: at(ms + 400) });

const steps = () => env.db.sql<{ seq: number; name: string; xmin: string }[]>`select seq, name, xmin::text from flow_steps where tenant = ${tenant} and execution_id = ${x} order by seq`;
const record = () => env.db.sql<{ step_count: number; updated_at: Date; xmin: string }[]>`select step_count, updated_at, xmin::text from flow_executions where tenant = ${tenant} and id = ${x}`;
const fold = (steps: 'changed' | 'all') => env.db.sql.begin((tx) => foldSubjects(tx, [{ tenant, kind: 'flow', subjectId: x }], 1, { steps }));

it('writes only the steps its new events carry, replaces a step when an earlier delivery of its seq arrives, and a rebuild rewrites all', async () => {
  await storeAndFold(env, tenant, [started, step('e-1', 1, 1_000), step('e-2', 2, 2_000)]);
  const first = await steps();
  expect(first.map((s) => s.seq)).toEqual([1, 2]);

  await storeAndFold(env, tenant, [step('e-3', 3, 3_000)]);
  const second = await steps();
  expect(second.map((s) => s.seq)).toEqual([1, 2, 3]);
  // Steps 1 and 2 were not rewritten: same row versions.
  expect(second.slice(0, 2)).toEqual(first);
  expect((await record())[0]!.step_count).toBe(3);

  // Seq 2 again under another event id, earlier in event order: the fold now takes it.
  await storeAndFold(env, tenant, [step('e-2-again', 2, 1_500, 'Step 2 (earlier delivery)')]);
  const third = await steps();
  expect(third.map((s) => [s.seq, s.name])).toEqual([
    [1, 'Step 1'],
    [2, 'Step 2 (earlier delivery)'],
    [3, 'Step 3'],
  ]);
  expect(third[0]).toEqual(second[0]);
  expect(third[2]).toEqual(second[2]);

  // Nothing new: the record is recomputed but neither it nor its steps are rewritten.
  const before = (await record())[0]!;
  await fold('changed');
  expect((await record())[0]).toEqual(before);
  expect(await steps()).toEqual(third);

  // A rebuild rewrites every step and removes one the fold no longer produces.
  await env.db.sql`insert into flow_steps (tenant, execution_id, seq, type, started_at, raw) values (${tenant}, ${x}, 99, 'stray', now(), '{}')`;
  await fold('all');
  const rebuilt = await steps();
  expect(rebuilt.map((s) => [s.seq, s.name])).toEqual(third.map((s) => [s.seq, s.name]));
});

it('rewrites an interaction and its legs only when something changed', async () => {
  const task = (eventId: string, eventType: string, ms: number, extra: Record<string, unknown> = {}) => ({
    kind: 'task' as const,
    eventId,
    body: { eventType, taskId: 'task-incremental', timestamp: at(ms), mediaType: 'voice', origin: '+15550001111', ...extra },
  });
  await storeAndFold(env, tenant, [task('t-1', 'CREATED', 0), task('t-2', 'QUEUED', 1_000, { queueId: 'q1', queueName: 'Sales' })]);
  const rows = () =>
    Promise.all([
      env.db.sql<{ status: string; xmin: string }[]>`select status, xmin::text from interactions where tenant = ${tenant} and id = 'task-incremental'`,
      env.db.sql<{ number: number; xmin: string }[]>`select number, xmin::text from segments where tenant = ${tenant} and interaction_id = 'task-incremental' order by number`,
    ]);
  const [i1, s1] = await rows();
  await env.db.sql.begin((tx) => foldSubjects(tx, [{ tenant, kind: 'task', subjectId: 'task-incremental' }], 1));
  expect(await rows()).toEqual([i1, s1]);

  await storeAndFold(env, tenant, [task('t-3', 'ROUTED', 5_000, { agentId: 'a1', agentName: 'Ann', queueId: 'q1', queueName: 'Sales' })]);
  const [i2, s2] = await rows();
  expect(i2[0]!.xmin).not.toBe(i1[0]!.xmin);
  expect(s2.length).toBeGreaterThan(s1.length);
});

it("a job whose raw event an earlier fold already took in completes without reloading its record", async () => {
  const { FoldBatcher } = await import('@cxfold/projector');
  const { insertRawEvents } = await import('@cxfold/db');
  const { createLogger } = await import('@cxfold/log');
  const xid = 'fx-backlog';
  const events = [
    { eventId: 'b-start', body: { type: 'execution.started', executionId: xid, timestamp: at(0), flowName: 'IVR' } },
    { eventId: 'b-1', body: { type: 'step.executed', executionId: xid, timestamp: at(1_500), seq: 1, stepType: 'menu', startedAt: at(1_000), endedAt: at(1_400) } },
    { eventId: 'b-2', body: { type: 'step.executed', executionId: xid, timestamp: at(2_500), seq: 2, stepType: 'menu', startedAt: at(2_000), endedAt: at(2_400) } },
  ];
  // A backlog: every event stored before any fold.
  const ids = await insertRawEvents(
    env.db.sql,
    events.map((e) => ({ tenant, eventId: e.eventId, kind: 'flow' as const, eventType: String(e.body.type), subjectId: xid, occurredAtMs: Date.parse(String(e.body.timestamp)), payload: e.body, maskCount: 0, requestId: null })),
  );
  const job = (eventId: string) => ({ rawEventId: ids.get(`${tenant}\u0001${eventId}`)!, tenant, kind: 'flow' as const, subjectId: xid, eventId });
  const batcher = new FoldBatcher(env.db.sql, createLogger({ name: 'test', level: 'silent', pretty: false }), { batchSize: 10, waitMs: 0, maxInFlight: 2 });

  // The first job's fold loads all three stored events and writes the whole record.
  expect(await batcher.submit(job('b-start'), 1)).toEqual({ kind: 'folded' });
  expect((await env.db.sql`select step_count from flow_executions where tenant = ${tenant} and id = ${xid}`)[0]!.step_count).toBe(2);
  // Tamper with the record: a job that refolded it would put step_count back to 2.
  await env.db.sql`update flow_executions set step_count = 99 where tenant = ${tenant} and id = ${xid}`;
  expect(await Promise.all([batcher.submit(job('b-1'), 1), batcher.submit(job('b-2'), 1)])).toEqual([{ kind: 'folded', earlier: true }, { kind: 'folded', earlier: true }]);
  expect((await env.db.sql`select step_count from flow_executions where tenant = ${tenant} and id = ${xid}`)[0]!.step_count).toBe(99);
  await batcher.drained();
});
