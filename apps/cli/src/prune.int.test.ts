import path from 'node:path';
import { createTenant, insertRawEvents, markReplayed, pruneCutoff, prunePass, recordDeadLetters, type NewTenantSecrets } from '@cxfold/db';
import { createTestEnv, startPipeline, sendSigned, storeAndFold, eventually, one, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import { runCli, inTwos } from '@cxfold/testkit';

const ROOT = path.resolve(__dirname, '../../..');
// Each CLI call is a Node start-up (1-3 s on a loaded two-core machine); tests make several.
jest.setTimeout(120_000);
const DAY = 86_400_000;

let env: TestEnv;
let acme: NewTenantSecrets;
let pipeline: TestPipeline | undefined;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return runCli(env, args);
}

async function json<T = any>(...args: string[]): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads CLI JSON
  const r = await cli(...args, '--json');
  if (r.code !== 0) throw new Error(`cxfold ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** `s` seconds into the day `daysAgo` days back. */
const ago = (daysAgo: number, s = 0) => new Date(Date.now() - daysAgo * DAY + s * 1000).toISOString();

type Ev = { kind: 'task' | 'flow'; body: Record<string, unknown>; eventId: string };

function task(id: string, daysAgo: number, closed: boolean): Ev[] {
  const evs: Ev[] = [
    { kind: 'task', eventId: `${id}-c`, body: { eventType: 'CREATED', taskId: id, timestamp: ago(daysAgo, 0), mediaType: 'chat' } },
    { kind: 'task', eventId: `${id}-q`, body: { eventType: 'QUEUED', taskId: id, timestamp: ago(daysAgo, 5), queue: { id: 'q1', name: 'Sales' } } },
  ];
  if (closed) {
    evs.push({ kind: 'task', eventId: `${id}-r`, body: { eventType: 'ROUTED', taskId: id, timestamp: ago(daysAgo, 20), agent: { id: 'a1', name: 'Ann' } } });
    evs.push({ kind: 'task', eventId: `${id}-x`, body: { eventType: 'CLOSED', taskId: id, timestamp: ago(daysAgo, 90), reason: 'agent' } });
  }
  return evs;
}

function flow(id: string, daysAgo: number, ended: boolean): Ev[] {
  const evs: Ev[] = [
    { kind: 'flow', eventId: `${id}-s`, body: { type: 'execution.started', executionId: id, timestamp: ago(daysAgo, 0), flowName: 'Main' } },
    { kind: 'flow', eventId: `${id}-1`, body: { type: 'step.executed', executionId: id, timestamp: ago(daysAgo, 1), seq: 1, stepType: 'menu', name: 'Menu' } },
  ];
  if (ended) evs.push({ kind: 'flow', eventId: `${id}-e`, body: { type: 'execution.ended', executionId: id, timestamp: ago(daysAgo, 2), endReason: 'completed' } });
  return evs;
}

/** Projection rows as they stand, updated_at included (an archived record is never rewritten). */
async function projections() {
  const [i, s, f, st] = await Promise.all([
    env.db.sql`select to_jsonb(x) - 'raw_pruned_at' as r from interactions x order by tenant, id`,
    env.db.sql`select to_jsonb(x) as r from segments x order by tenant, interaction_id, number`,
    env.db.sql`select to_jsonb(x) - 'raw_pruned_at' as r from flow_executions x order by tenant, id`,
    env.db.sql`select to_jsonb(x) as r from flow_steps x order by tenant, execution_id, seq`,
  ]);
  return [i, s, f, st].map((rows) => rows.map((x) => x.r));
}

async function rawCounts(): Promise<Record<string, number>> {
  const rows = await env.db.sql<{ k: string; n: number }[]>`select tenant || '/' || subject_id as k, count(*)::int as n from raw_events group by 1 order by 1`;
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

const archived = async () =>
  (
    await env.db.sql<{ k: string }[]>`
      select tenant || '/' || id as k from interactions where raw_pruned_at is not null
      union all select tenant || '/' || id from flow_executions where raw_pruned_at is not null order by 1`
  ).map((r) => r.k);

beforeAll(async () => {
  env = await createTestEnv();
  acme = await createTenant(env.db.db, 'acme');
  await createTenant(env.db.db, 'globex');
  await storeAndFold(env, 'acme', [
    ...task('task-old-closed', 40, true),
    ...task('task-old-open', 40, false),
    ...task('task-new-closed', 1, true),
    ...task('task-old-pending', 40, true),
    ...task('task-old-dl', 40, true),
    // Poison (a payload the contract refuses): dead-lettered by the fold.
    { kind: 'task', eventId: 'task-old-dl-poison', body: { eventType: 'QUEUED', taskId: 'task-old-dl', timestamp: ago(40, 10), ewt: 'soon' } },
    ...flow('exec-old-done', 40, true),
    ...flow('exec-old-active', 40, false),
  ]);
  await storeAndFold(env, 'globex', task('task-g-old', 45, true));
  // Stored but not folded yet (no worker runs): prune must leave this record for a later run.
  await insertRawEvents(env.db.sql, [
    {
      tenant: 'acme',
      eventId: 'task-old-pending-late',
      kind: 'task',
      eventType: 'CLOSED',
      subjectId: 'task-old-pending',
      occurredAtMs: Date.parse(ago(40, 95)),
      payload: { eventType: 'CLOSED', taskId: 'task-old-pending', timestamp: ago(40, 95), reason: 'agent' },
      maskCount: 0,
      requestId: null,
    },
  ]);
  expect(await one(env.db.sql`select error_code from dead_letters where event_id = 'task-old-dl-poison'`)).toEqual({ error_code: 'POISON_EVENT' });
}, 60_000);

afterAll(async () => {
  await pipeline?.close();
  await env?.teardown();
});

const PLAN = [
  { tenant: 'acme', kind: 'flow', records: 1, rawEvents: 3, pending: 0 },
  // task-old-dl waits: its dead letter is neither replayed nor purged.
  { tenant: 'acme', kind: 'task', records: 1, rawEvents: 4, pending: 2 },
  { tenant: 'globex', kind: 'task', records: 1, rawEvents: 4, pending: 0 },
];

test('--dry-run and a run without --yes only report, and change nothing', async () => {
  const before = { projections: await projections(), raw: await rawCounts() };
  const dry = await json('prune', '--older-than', '30', '--dry-run');
  expect(dry).toMatchObject({ dryRun: true, olderThanDays: 30, records: 3, rawEvents: 11, pending: 2, plan: PLAN });
  expect(Date.now() - Date.parse(dry.cutoff)).toBeGreaterThan(30 * DAY - 60_000);

  const noYes = await cli('prune', '--older-than', '30', '--tenant', 'acme');
  expect(noYes.code).toBe(2);
  expect(noYes.stdout).toMatch(/^TENANT\s+KIND\s+RECORDS\s+RAW EVENTS\s+PENDING\nacme\s+flow\s+1\s+3\s+0\nacme\s+task\s+1\s+4\s+2\n/);
  expect(noYes.stdout).toContain('would delete 7 raw events of 2 finished records');
  expect(noYes.stderr).toContain('run again with --yes');

  expect(await json('prune', '--older-than', '60', '--dry-run')).toMatchObject({ records: 0, rawEvents: 0, plan: [] });
  expect({ projections: await projections(), raw: await rawCounts() }).toEqual(before);
  expect(await archived()).toEqual([]);
});

test('--yes deletes only the raw events of finished old records, keeps the records and stamps raw_pruned_at', async () => {
  const beforeRows = await projections();
  const beforeRaw = await rawCounts();
  const acmeRun = await json('prune', '--older-than', '30', '--tenant', 'acme', '--yes');
  expect(acmeRun).toMatchObject({ records: 2, rawEvents: 7, skipped: 2, interrupted: false });
  expect(acmeRun.pruned).toEqual([
    { tenant: 'acme', kind: 'flow', records: 1, rawEvents: 3 },
    { tenant: 'acme', kind: 'task', records: 1, rawEvents: 4 },
  ]);
  expect(await archived()).toEqual(['acme/exec-old-done', 'acme/task-old-closed']);
  const { 'acme/exec-old-done': _f, 'acme/task-old-closed': _t, ...kept } = beforeRaw;
  expect(await rawCounts()).toEqual(kept);
  expect(await projections()).toEqual(beforeRows);
  // An event in a dead letter nobody has replayed or purged keeps its record, and itself.
  expect(await one(env.db.sql`select count(*)::int as n from dead_letters where event_id = 'task-old-dl-poison' and replayed_at is null`)).toEqual({ n: 1 });
  expect(await env.db.sql`select 1 from raw_events where event_id = 'task-old-dl-poison'`).toHaveLength(1);

  const all = await cli('prune', '--older-than', '30', '--yes');
  expect(all.code).toBe(0);
  expect(all.stdout).toContain('globex task: 1 records archived, 4 raw events deleted');
  expect(all.stdout).toContain('pruned 4 raw events of 1 records');
  expect(all.stdout).toContain('2 records skipped: events still waiting to be folded, or dead letters not replayed or purged yet');
  expect(await archived()).toEqual(['acme/exec-old-done', 'acme/task-old-closed', 'globex/task-g-old']);
  expect(await projections()).toEqual(beforeRows);
});

test('a late event for an archived record is dead-lettered RECORD_ARCHIVED and the record stays as it is; rebuild skips it', async () => {
  const record = () => one(env.db.sql`select to_jsonb(x) as r from interactions x where tenant = 'acme' and id = 'task-old-closed'`);
  const legs = () => env.db.sql`select to_jsonb(x) as r from segments x where tenant = 'acme' and interaction_id = 'task-old-closed' order by number`;
  const flowRow = () => one(env.db.sql`select to_jsonb(x) as r from flow_executions x where tenant = 'acme' and id = 'exec-old-done'`);
  const [before, beforeLegs, beforeFlow] = await Promise.all([record(), legs(), flowRow()]);

  // Through the running pipeline: HTTP → raw_events → Redis → worker.
  pipeline = await startPipeline(env, { tenantSlug: 'late-co' });
  const res = await sendSigned(pipeline.baseUrl, acme, 'tasks', { eventType: 'TRANSFERRED', taskId: 'task-old-closed', eventId: 'late-transfer', timestamp: ago(39), reason: 'rona' });
  expect(res.status).toBe(202);
  const dl = await eventually(async () => (await env.db.sql`select * from dead_letters where event_id = 'late-transfer'`)[0]);
  expect(dl).toMatchObject({ tenant: 'acme', kind: 'task', event_type: 'TRANSFERRED', error_code: 'RECORD_ARCHIVED' });
  expect(dl.error).toContain('task-old-closed was archived');
  expect(await one(env.db.sql`select folded_at, dead_lettered_at is not null as dl from raw_events where event_id = 'late-transfer'`)).toEqual({ folded_at: null, dl: true });
  // And through the fold the import and storeAndFold use.
  await storeAndFold(env, 'acme', [{ kind: 'flow', eventId: 'late-step', body: { type: 'step.executed', executionId: 'exec-old-done', timestamp: ago(39), seq: 2, stepType: 'menu' } }]);
  expect(await one(env.db.sql`select error_code from dead_letters where event_id = 'late-step'`)).toEqual({ error_code: 'RECORD_ARCHIVED' });

  expect(await record()).toEqual(before);
  expect(await legs()).toEqual(beforeLegs);
  expect(await flowRow()).toEqual(beforeFlow);

  // The worker's sweeper folds the pending event; a rebuild then leaves the archived records alone.
  await eventually(async () => (await env.db.sql`select 1 from raw_events where event_id = 'task-old-pending-late' and folded_at is not null`).length > 0);
  const rebuilt = await json('rebuild');
  expect(rebuilt).toMatchObject({ finished: true, archivedSkipped: 2 });
  expect(await record()).toEqual(before);
  expect(await flowRow()).toEqual(beforeFlow);

  // Now folded, the record left for later is pruned by the next run; the one with the dead letter still waits.
  expect(await json('prune', '--older-than', '30', '--yes')).toMatchObject({ records: 1, rawEvents: 5, skipped: 1, pruned: [{ tenant: 'acme', kind: 'task', records: 1, rawEvents: 5 }] });
  // Once the operator has dealt with the dead letter (here: purged it), its record is pruned too.
  const [poison] = await env.db.sql<{ id: string }[]>`select id from dead_letters where event_id = 'task-old-dl-poison'`;
  expect((await cli('dead-letters', 'purge', poison!.id, '--yes')).code).toBe(0);
  expect(await json('prune', '--older-than', '30', '--yes')).toMatchObject({ records: 1, rawEvents: 5, skipped: 0, pruned: [{ tenant: 'acme', kind: 'task', records: 1, rawEvents: 5 }] });
  expect(await archived()).toContain('acme/task-old-dl');
});

test('--help, and usage errors exit 2', async () => {
  const [help, none, zero, word, both, extra] = await inTwos([
    () => cli('prune', '--help'),
    () => cli('prune', '--yes'),
    () => cli('prune', '--older-than', '0', '--yes'),
    () => cli('prune', '--older-than', 'month'),
    () => cli('prune', '--older-than', '30', '--dry-run', '--yes'),
    () => cli('prune', '30'),
  ]);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('prune --older-than <days> [--tenant <slug>] [--dry-run | --yes] [--json]');
  expect(help.stdout).toContain('RECORD_ARCHIVED');
  for (const r of [none, zero, word, both, extra]) {
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('run with --help for usage');
  }
});


test('a dead letter replayed while a prune runs keeps its raw event and its record unarchived: the two take the record lock in turn', async () => {
  await createTenant(env.db.db, 'racer');
  await storeAndFold(env, 'racer', task('race-1', 40, true));
  // A late event of the finished record, dead-lettered (its fold failed on the last attempt, say).
  const late = { eventType: 'QUEUED', taskId: 'race-1', timestamp: ago(40, 30), queue: { id: 'q2', name: 'Support' } };
  const ids = await insertRawEvents(env.db.sql, [{ tenant: 'racer', eventId: 'race-1-late', kind: 'task', eventType: 'QUEUED', subjectId: 'race-1', occurredAtMs: Date.parse(late.timestamp), payload: late, maskCount: 0, requestId: null }]);
  const lateId = ids.get('racer\u0001race-1-late')!;
  await recordDeadLetters(env.db.sql, [{ rawEventId: lateId, error: 'canceling statement due to statement timeout', errorCode: '57014', attempts: 3 }]);
  const [dl] = await env.db.sql<{ id: string }[]>`select id from dead_letters where raw_event_id = ${lateId}`;

  // A row lock on the raw event holds the replay inside its transaction; the prune then starts.
  const holder = await env.db.sql.reserve();
  await holder`begin`;
  await holder`select 1 from raw_events where id = ${lateId} for update`;
  const lockWaiters = async () => (await env.db.sql`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`).length;
  const replay = markReplayed(env.db.db, [Number(dl!.id)]);
  await eventually(async () => (await lockWaiters()) === 1);
  const prune = prunePass(env.db.sql, 'task', { tenant: 'racer', cutoff: await pruneCutoff(env.db.sql, 30) }, null, 200);
  await eventually(async () => (await lockWaiters()) === 2);
  await holder`commit`;
  holder.release();

  expect((await replay).map((t) => t.rawEventId)).toEqual([lateId]);
  expect(await prune).toMatchObject({ archived: [], skipped: 1 });
  // The replayed event waits for its fold, and its record is not archived under it.
  expect(await env.db.sql`select folded_at, dead_lettered_at from raw_events where id = ${lateId}`).toEqual([{ folded_at: null, dead_lettered_at: null }]);
  expect(await env.db.sql`select raw_pruned_at from interactions where tenant = 'racer' and id = 'race-1'`).toEqual([{ raw_pruned_at: null }]);
});
