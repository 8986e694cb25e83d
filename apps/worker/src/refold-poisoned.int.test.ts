import { foldSubjects, rebuildProjections } from '@cxfold/projector';
import { createTestEnv, storeAndFold, type TestEnv } from '@cxfold/testkit';

/**
 * A record is recomputed from the stored events that still pass the contract. When a folded
 * event stops passing it (a row stored by an older version, a stricter contract), it is
 * dead-lettered and whatever it alone produced goes too: a flow step, or the whole record
 * when no event of it is left. And a stored value the record's indexes cannot take must not
 * sink the record's write.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env.teardown();
});

const tenant = 'acme';
const t0 = Date.now() - 3_600_000;
const at = (ms: number) => new Date(t0 + ms).toISOString();
/** Makes a stored row fail the contract, as a stricter contract would. */
const spoil = (eventId: string) => env.db.sql`update raw_events set payload = jsonb_set(payload::jsonb, '{timestamp}', '"not a time"')::json where tenant = ${tenant} and event_id = ${eventId}`;
const deadLettered = (prefix: string) =>
  env.db.sql<{ event_id: string; error_code: string }[]>`select event_id, error_code from dead_letters where tenant = ${tenant} and event_id like ${prefix + '%'} order by event_id`;

it('a live fold removes the step of a folded event that has become poison', async () => {
  const x = 'fx-poisoned-step';
  const flow = (eventId: string, body: Record<string, unknown>) => ({ kind: 'flow' as const, eventId, body: { executionId: x, ...body } });
  const step = (eventId: string, seq: number, ms: number) =>
    flow(eventId, { type: 'step.executed', timestamp: at(ms + 500), seq, stepType: 'play_message', name: `Step ${seq}`, startedAt: at(ms), endedAt: at(ms + 400) });
  await storeAndFold(env, tenant, [flow('ps-start', { type: 'execution.started', timestamp: at(0), flowName: 'IVR' }), step('ps-1', 1, 1_000), step('ps-2', 2, 2_000)]);

  await spoil('ps-2');
  // The next event of the execution refolds it live (only new steps are normally written).
  await storeAndFold(env, tenant, [step('ps-3', 3, 3_000)]);

  const steps = await env.db.sql`select seq from flow_steps where tenant = ${tenant} and execution_id = ${x} order by seq`;
  expect(steps.map((s) => s.seq)).toEqual([1, 3]);
  const [record] = await env.db.sql`select step_count, event_count from flow_executions where tenant = ${tenant} and id = ${x}`;
  expect(record).toEqual({ step_count: 2, event_count: 3 });
  expect(await deadLettered('ps-')).toEqual([{ event_id: 'ps-2', error_code: 'POISON_EVENT' }]);
});

it('a record whose every event has become poison is removed with its legs, live and on a rebuild', async () => {
  const task = (eventId: string, taskId: string, eventType: string, ms: number, extra: Record<string, unknown> = {}) => ({
    kind: 'task' as const,
    eventId,
    body: { eventType, taskId, timestamp: at(ms), mediaType: 'sms', ...extra },
  });
  await storeAndFold(env, tenant, [
    task('gone-1', 'task-gone', 'CREATED', 0),
    task('gone-2', 'task-gone', 'QUEUED', 1_000, { queue: { id: 'q1' } }),
    task('kept-1', 'task-kept', 'CREATED', 0),
    task('kept-2', 'task-kept', 'QUEUED', 1_000, { queue: { id: 'q1' } }),
  ]);
  const records = () => env.db.sql`select id from interactions where tenant = ${tenant} and id like 'task-%' order by id`;
  const legs = (id: string) => env.db.sql`select number from segments where tenant = ${tenant} and interaction_id = ${id}`;
  expect(await records()).toEqual([{ id: 'task-gone' }, { id: 'task-kept' }]);
  expect(await legs('task-gone')).toHaveLength(1);

  await spoil('gone-1');
  await spoil('gone-2');
  await env.db.sql.begin((tx) => foldSubjects(tx, [{ tenant, kind: 'task', subjectId: 'task-gone' }, { tenant, kind: 'task', subjectId: 'task-kept' }], 1));
  expect(await records()).toEqual([{ id: 'task-kept' }]);
  expect(await legs('task-gone')).toEqual([]);
  expect((await legs('task-kept')).length).toBe(1);
  expect(await deadLettered('gone-')).toEqual([
    { event_id: 'gone-1', error_code: 'POISON_EVENT' },
    { event_id: 'gone-2', error_code: 'POISON_EVENT' },
  ]);

  // A record left behind while all its events were dead-lettered (say by an older version)
  // goes on a rebuild, which walks it because its raw events are still stored.
  await env.db.sql`insert into interactions (tenant, id, channel, direction, status, created_at, last_event_at, event_count, updated_at)
                   values (${tenant}, 'task-gone', 'sms', 'inbound', 'queued', now(), now(), 2, now())`;
  const summary = await rebuildProjections(env.db.sql, { tenant, kind: 'task', batchSize: 10, restart: true });
  expect(summary.failedCount).toBe(0);
  expect(await records()).toEqual([{ id: 'task-kept' }]);
});

it('a stored thread id too long for the record index is kept as a variable, and the record is written', async () => {
  // Extension variables take up to 4000 characters; the thread id's index entry cannot.
  const threadId = 't'.repeat(4_000);
  await storeAndFold(env, tenant, [
    { kind: 'task', eventId: 'long-thread-1', body: { eventType: 'CREATED', taskId: 'task-long-thread', timestamp: at(0), mediaType: 'chat', variables: { ChatThreadID: threadId } } },
  ]);
  const [record] = await env.db.sql`select chat_thread_id, extension_variables->>'ChatThreadID' as variable from interactions where tenant = ${tenant} and id = 'task-long-thread'`;
  expect(record).toEqual({ chat_thread_id: null, variable: threadId });
  expect(await deadLettered('long-thread-')).toEqual([]);
});

it('a stored row whose payload names another task than its subject is set aside, not folded into a record it holds no lock for', async () => {
  await env.db.sql`insert into raw_events (tenant, event_id, kind, event_type, subject_id, occurred_at, payload)
    values (${tenant}, 'moved-1', 'task', 'CREATED', 'task-stored-under', now(), ${JSON.stringify({ eventType: 'CREATED', taskId: 'task-named', timestamp: at(0), mediaType: 'sms' })}::jsonb)`;
  await env.db.sql.begin((tx) => foldSubjects(tx, [{ tenant, kind: 'task', subjectId: 'task-stored-under' }], 1));
  expect(await env.db.sql`select id from interactions where tenant = ${tenant} and id in ('task-named', 'task-stored-under')`).toEqual([]);
  const [dl] = await env.db.sql`select error_code, error from dead_letters where tenant = ${tenant} and event_id = 'moved-1'`;
  expect(dl).toEqual({ error_code: 'POISON_EVENT', error: expect.stringContaining('stored under subject "task-stored-under"') });
});

it('a stored event dated on a day the month does not have (accepted before the receiver checked it) still folds as it did', async () => {
  // The receiver now answers 422; a row stored earlier was folded on the rolled-over day, and a rebuild must not drop it.
  await storeAndFold(env, tenant, [{ kind: 'task', eventId: 'feb30-1', body: { eventType: 'CREATED', taskId: 'task-feb30', timestamp: '2026-02-30T10:00:00Z', mediaType: 'sms' } }]);
  await env.db.sql.begin((tx) => foldSubjects(tx, [{ tenant, kind: 'task', subjectId: 'task-feb30' }], 1, { steps: 'all' }));
  const [record] = await env.db.sql`select created_at from interactions where tenant = ${tenant} and id = 'task-feb30'`;
  expect(new Date(record!.created_at as string).toISOString()).toBe('2026-03-02T10:00:00.000Z');
  expect(await deadLettered('feb30-')).toEqual([]);
});
