import path from 'node:path';
import { createTenant } from '@cxfold/db';
import { FoldQueue } from '@cxfold/queue';
import { createTestEnv, startPipeline, sendSigned, eventually, one, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import { runCli, inTwos } from '@cxfold/testkit';

const ROOT = path.resolve(__dirname, '../../..');
const OTHER = 'globex';

let env: TestEnv;
let p: TestPipeline;
let queue: FoldQueue;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as an operator runs it (`npm run cxfold` is `tsx apps/cli/src/main.ts`): a child
 * process with only the base environment. `node --import tsx` is the same loader as the tsx
 * binary without its extra process (and npx's), which keeps each run well under a second.
 */
function cli(...args: string[]): Promise<Run> {
  return cliWith({}, ...args);
}

function cliWith(overrides: Record<string, string>, ...args: string[]): Promise<Run> {
  return runCli(env, ['dead-letters', ...args], overrides, 30_000);
}

async function json<T = any>(...args: string[]): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads CLI JSON
  const r = await cli(...args, '--json');
  if (r.code !== 0) throw new Error(`cxfold dead-letters ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const t0 = Date.now() - 3_600_000;
const at = (s: number) => new Date(t0 + s * 1000).toISOString();

/** A raw event the contract refuses (written by hand, or by an older version), then its fold job. */
async function poison(tenant: string, eventId: string, kind: 'task' | 'flow', eventType: string, subjectId: string, payload: object): Promise<number> {
  const row = await one(env.db.sql<{ id: string }[]>`
    insert into raw_events (tenant, event_id, kind, event_type, subject_id, occurred_at, payload)
    values (${tenant}, ${eventId}, ${kind}, ${eventType}, ${subjectId}, now(), ${JSON.stringify(payload)}::jsonb)
    returning id`);
  await queue.addEvents([{ rawEventId: Number(row.id), tenant, kind, subjectId, eventId }]);
  return Number(row.id);
}

const deadLetter = (eventId: string) => one(env.db.sql`select * from dead_letters where event_id = ${eventId}`);
const rawEvent = (eventId: string) => one(env.db.sql`select * from raw_events where event_id = ${eventId}`);

const ids = (rows: { eventId: string }[]) => rows.map((r) => r.eventId).sort();

beforeAll(async () => {
  env = await createTestEnv();
  p = await startPipeline(env, { overrides: { JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '20' } });
  await createTenant(env.db.db, OTHER, { timeZone: 'UTC' });
  queue = new FoldQueue(env.redis, env.queuePrefix, { attempts: 2, backoffMs: 20 });
  const acme = p.tenant.tenant;
  // The task is known (CREATED folds); its QUEUED is poison: `ewt` must be a number.
  expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { taskId: 'task-dl-1', timestamp: at(0), mediaType: 'sms' })).status).toBe(202);
  await eventually(async () => (await env.db.sql`select 1 from interactions where id = 'task-dl-1'`).length > 0);
  await poison(acme, 'evt-queued-poison', 'task', 'QUEUED', 'task-dl-1', { taskId: 'task-dl-1', timestamp: at(2), ewt: 'soon' });
  await poison(acme, 'evt-step-poison', 'flow', 'step.executed', 'exec-dl-1', { type: 'step.executed', executionId: 'exec-dl-1', timestamp: at(3), seq: 'one', stepType: 'menu' });
  await poison(OTHER, 'evt-other-poison', 'task', 'QUEUED', 'task-dl-2', { taskId: 'task-dl-2', timestamp: at(4), ewt: 'later' });
  await eventually(async () => {
    const [r] = await env.db.sql`select count(*)::int as n from dead_letters`;
    return r!.n === 3;
  });
}, 60_000);

afterAll(async () => {
  await queue?.close();
  await p?.close();
  await env?.teardown();
});

test('list: every filter returns exactly the matching dead letters', async () => {
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const [all, acme, other, queued, flows, byError, since, untilDay, limited] = await inTwos([
    () => json('list'),
    () => json('list', '--tenant', p.tenant.tenant),
    () => json('list', '--tenant', OTHER),
    () => json('list', '--type', 'queued'),
    () => json('list', '--kind', 'flow'),
    () => json('list', '--error', '/SEQ'),
    () => json('list', '--since', new Date(Date.now() - 600_000).toISOString()),
    () => json('list', '--until', yesterday),
    () => json('list', '--limit', '1'),
  ]);
  expect(ids(all)).toEqual(['evt-other-poison', 'evt-queued-poison', 'evt-step-poison']);
  expect(all.find((r: { eventId: string }) => r.eventId === 'evt-step-poison')).toMatchObject({
    tenant: p.tenant.tenant,
    kind: 'flow',
    eventType: 'step.executed',
    errorCode: 'POISON_EVENT',
    attempts: expect.any(Number),
    replayedAt: null,
  });
  expect(ids(acme)).toEqual(['evt-queued-poison', 'evt-step-poison']);
  expect(ids(other)).toEqual(['evt-other-poison']);
  expect(ids(queued)).toEqual(['evt-other-poison', 'evt-queued-poison']);
  expect(ids(flows)).toEqual(['evt-step-poison']);
  expect(ids(byError)).toEqual(['evt-step-poison']);
  expect(ids(since)).toHaveLength(3);
  expect(untilDay).toEqual([]);
  expect(limited).toHaveLength(1);

  const table = await cli('list', '--tenant', p.tenant.tenant);
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/^ID\s+TENANT\s+KIND\s+TYPE\s+EVENT ID\s+ATTEMPTS\s+CREATED\s+REPLAYED\s+ERROR/);
  expect(table.stdout).toContain('evt-step-poison');
  expect(table.stdout).not.toContain('evt-other-poison');
});

test('show prints the dead letter and the raw payload; an unknown id exits 1', async () => {
  const dl = await deadLetter('evt-queued-poison');
  const [text, asJson, missing] = await inTwos([() => cli('show', String(dl.id)), () => json('show', String(dl.id)), () => cli('show', '987654')]); // eslint-disable-line @typescript-eslint/no-explicit-any -- mixed results
  expect(text.code).toBe(0);
  expect(text.stdout).toContain('evt-queued-poison');
  expect(text.stdout).toContain('"ewt": "soon"');
  expect(asJson.rawEvent.payload).toEqual({ taskId: 'task-dl-1', timestamp: at(2), ewt: 'soon' });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('no dead letter with id 987654');
});

test('replay of a fixed event folds it into its record', async () => {
  const dl = await deadLetter('evt-queued-poison');
  expect(await one(env.db.sql`select status, event_count from interactions where id = 'task-dl-1'`)).toEqual({ status: 'new', event_count: 1 });
  await env.db.sql`update raw_events set payload = ${JSON.stringify({ taskId: 'task-dl-1', timestamp: at(2), ewt: 30, queue: { id: 'q-billing' } })}::jsonb where id = ${dl.raw_event_id}`;
  const r = await cli('replay', String(dl.id));
  expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('replayed 1 dead letter') });
  const row = await eventually(async () => {
    const [x] = await env.db.sql`select status, event_count, last_queue_id from interactions where id = 'task-dl-1'`;
    return x?.event_count === 2 ? x : null;
  });
  expect(row).toEqual({ status: 'queued', event_count: 2, last_queue_id: 'q-billing' });
  const raw = await rawEvent('evt-queued-poison');
  expect(raw.dead_lettered_at).toBeNull();
  expect(raw.folded_at).not.toBeNull();
  expect((await deadLetter('evt-queued-poison')).replayed_at).not.toBeNull();
  // Once replayed, replaying it again does nothing.
  expect(await cli('replay', String(dl.id))).toMatchObject({ code: 0, stdout: expect.stringContaining('already replayed') });
});

test('replay of a still-poison event dead-letters it again', async () => {
  const before = await deadLetter('evt-step-poison');
  const dry = await json('replay', '--kind', 'flow', '--dry-run');
  expect(dry.wouldReplay).toBe(1);
  expect((await deadLetter('evt-step-poison')).replayed_at).toBeNull();
  // Redis unreachable: the command fails before it changes anything.
  const down = await cliWith({ REDIS_URL: 'redis://127.0.0.1:1' }, 'replay', '--kind', 'flow');
  expect(down.code).toBe(1);
  expect(down.stderr).toContain('cannot reach Redis');
  expect(await deadLetter('evt-step-poison')).toMatchObject({ replayed_at: null, created_at: before.created_at });

  const r = await cli('replay', '--kind', 'flow');
  expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('replayed 1 dead letter') });
  const again = await eventually(async () => {
    const dl = await deadLetter('evt-step-poison');
    return dl.replayed_at === null && dl.created_at > before.created_at ? dl : null;
  });
  expect(again).toMatchObject({ id: before.id, error_code: 'POISON_EVENT', replayed_at: null });
  expect(again.attempts).toBeGreaterThanOrEqual(1);
  expect(again.error).toContain('/seq');
  const raw = await rawEvent('evt-step-poison');
  expect(raw.dead_lettered_at).not.toBeNull();
  expect(raw.folded_at).toBeNull();
});

test('replay of a dead letter whose original job failed in BullMQ folds the event', async () => {
  // A job of the older one-event shape that failed stays in BullMQ's failed set; the replay queues a job of its own.
  const acme = p.tenant.tenant;
  const raw = await one(env.db.sql<{ id: string }[]>`
    insert into raw_events (tenant, event_id, kind, event_type, subject_id, occurred_at, received_at, payload, dead_lettered_at)
    values (${acme}, 'evt-job-failed', 'task', 'CREATED', 'task-dl-3', now(), now() - interval '1 hour',
            ${JSON.stringify({ taskId: 'task-dl-3', timestamp: at(5), mediaType: 'chat' })}::jsonb, now())
    returning id`);
  const dl = await one(env.db.sql<{ id: string }[]>`
    insert into dead_letters (raw_event_id, tenant, event_id, kind, event_type, error, error_code, attempts)
    values (${raw.id}, ${acme}, 'evt-job-failed', 'task', 'CREATED', 'connection terminated', 'JOB_FAILED', 0)
    returning id`);
  const failed = await queue.queue.add('fold', { rawEventId: 'not-a-number' } as never, { jobId: 'acme~evt-job-failed', attempts: 1 });
  await eventually(async () => (await failed.getState()) === 'failed');

  expect(await cli('replay', dl.id)).toMatchObject({ code: 0, stdout: expect.stringContaining('replayed 1 dead letter') });
  await eventually(async () => (await env.db.sql`select 1 from interactions where id = 'task-dl-3'`).length > 0);
  const folded = await rawEvent('evt-job-failed');
  expect(folded.dead_lettered_at).toBeNull();
  expect(folded.folded_at).not.toBeNull();
});

test('purge needs --yes, and deletes only the matching dead letters, never the raw events', async () => {
  const count = async () => (await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from dead_letters`)).n;
  const total = await count();
  const refused = await cli('purge', '--tenant', OTHER);
  expect(refused.code).toBe(2);
  expect(refused.stdout).toContain('evt-other-poison');
  expect(refused.stderr).toContain('--yes');
  expect(await count()).toBe(total);

  const r = await cli('purge', '--tenant', OTHER, '--yes');
  expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('purged 1 dead letter') });
  expect(await count()).toBe(total - 1);
  expect(await env.db.sql`select 1 from dead_letters where tenant = ${OTHER}`).toHaveLength(0);
  const raw = await rawEvent('evt-other-poison');
  expect(raw.dead_lettered_at).not.toBeNull();
  expect(raw.folded_at).toBeNull();
});

test('usage errors exit 2; --help exits 0', async () => {
  const [unknownFlag, bareReplay, help, subHelp] = (await inTwos([
    () => cli('list', '--bogus'),
    () => cli('replay'),
    () => cli('--help'),
    () => cli('purge', '--help'),
  ])) as [Run, Run, Run, Run];
  for (const r of [unknownFlag, bareReplay]) {
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--help');
  }
  expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('dead-letters replay') });
  expect(subHelp).toMatchObject({ code: 0, stdout: expect.stringContaining('dead-letters purge') });
});
