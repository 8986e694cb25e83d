import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createApiKey } from '@cxfold/db';
import { createTestEnv, startPipeline, storeAndFold, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import { plan, eventsFor } from './fixtures.int-helpers';

/**
 * The SQL examples of docs/sql.md are what analysts copy into their BI tools: each must answer
 * what the API's statistic of the same name answers, on the same folded rows.
 */
let env: TestEnv;
let p: TestPipeline;
let key = '';
const NOW = Date.now();
const DAY = 86_400_000;

/** The statements of the doc's sql block, each with its leading comment. */
function docExamples(): string[] {
  const doc = readFileSync(path.resolve(__dirname, '../../../docs/sql.md'), 'utf8');
  const block = /```sql\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  return block
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
const example = (words: string) => {
  const found = docExamples().filter((s) => s.startsWith('--') && s.split('\n')[0]!.includes(words));
  expect(found).toHaveLength(1);
  return found[0]!;
};

beforeAll(async () => {
  env = await createTestEnv();
  p = await startPipeline(env, { withApi: true, tenantSlug: 'acme', withWorker: false });
  key = (await createApiKey(env.db.db, 'acme', 'admin', [])).key;
  const planned = plan('sx', 48, NOW, 5 * DAY);
  const iso = (ms: number) => new Date(ms).toISOString();
  const task = (id: string, eventType: string, atMs: number, extra: Record<string, unknown> = {}) => ({
    kind: 'task' as const,
    eventId: `${id}-${eventType}`,
    body: { eventType, taskId: id, timestamp: iso(atMs), mediaType: 'voice', ...extra },
  });
  const at = NOW - 3 * 3_600_000;
  // One queue, named on one interaction's QUEUED only: abandoned while its leg had no name.
  const unnamed = [
    task('sx-unnamed', 'CREATED', at),
    task('sx-unnamed', 'QUEUED', at + 1_000, { queue: { id: 'q-overflow' } }),
    task('sx-unnamed', 'CLOSED', at + 60_000, { reason: 'customer' }),
    task('sx-named', 'CREATED', at),
    task('sx-named', 'QUEUED', at + 1_000, { queue: { id: 'q-overflow', name: 'Overflow' } }),
    task('sx-named', 'ROUTED', at + 9_000, { agent: { id: 'a-ann', name: 'Ann Smith' } }),
  ];
  // Failed steps of every kind: an HTTP status, an error code, an error message alone.
  const failing = planned.slice(0, 16).flatMap((x, i) => [
    { kind: 'flow' as const, eventId: `http-${x.id}`, body: { type: 'step.executed', executionId: `fx-${x.id}`, timestamp: iso(x.createdAt - 14_000), seq: 2, stepType: 'http_request', name: 'CRM lookup', httpStatus: i % 3 === 0 ? 503 : 200 } },
    { kind: 'flow' as const, eventId: `code-${x.id}`, body: { type: 'step.executed', executionId: `fx-${x.id}`, timestamp: iso(x.createdAt - 13_000), seq: 3, stepType: 'play_message', name: 'Goodbye', ...(i % 4 === 0 ? { error: { code: 'TTS', message: 'speech failed' } } : {}) } },
    { kind: 'flow' as const, eventId: `msg-${x.id}`, body: { type: 'step.executed', executionId: `fx-${x.id}`, timestamp: iso(x.createdAt - 12_000), seq: 4, stepType: 'script', name: 'Parse payload', ...(i % 2 === 0 ? { error: { message: 'JSON parse error' } } : {}) } },
  ]);
  // Just outside the 7 local days (8 to 11 days ago), every kind again: an example whose date
  // range is wrong or missing counts them.
  const older = plan('sx-old', 12, NOW - 8 * DAY, 3 * DAY);
  const olderFailing = older.flatMap((x) => [
    { kind: 'flow' as const, eventId: `old-http-${x.id}`, body: { type: 'step.executed', executionId: `fx-${x.id}`, timestamp: iso(x.createdAt - 14_000), seq: 2, stepType: 'http_request', name: 'CRM lookup', httpStatus: 500 } },
    { kind: 'flow' as const, eventId: `old-msg-${x.id}`, body: { type: 'step.executed', executionId: `fx-${x.id}`, timestamp: iso(x.createdAt - 12_000), seq: 4, stepType: 'script', name: 'Parse payload', error: { message: 'JSON parse error' } } },
  ]);
  const oldAbandon = [
    task('sx-old-abandon', 'CREATED', NOW - 9 * DAY),
    task('sx-old-abandon', 'QUEUED', NOW - 9 * DAY + 1_000, { queue: { id: 'q-overflow', name: 'Overflow' } }),
    task('sx-old-abandon', 'CLOSED', NOW - 9 * DAY + 60_000, { reason: 'customer' }),
  ];
  await storeAndFold(env, 'acme', [...planned.flatMap(eventsFor), ...unnamed, ...failing, ...older.flatMap(eventsFor), ...olderFailing, ...oldAbandon]);
});
afterAll(async () => {
  await p.close();
  await env.teardown();
});

async function api(pathAndQuery: string) {
  const res = await fetch(`${p.baseUrl}${pathAndQuery}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}

test('abandon rate per queue: the example gives the API’s rows, one per queue however its QUEUED events named it', async () => {
  const rows = await env.db.sql.unsafe<{ queue_id: string; queue_name: string | null; queued: string; abandoned: string }[]>(example('abandon rate per queue'));
  const byQueue = (await api('/v1/stats/abandon-rate?range=last7days')).byQueue as { queueId: string; queueName: string; queued: number; abandoned: number }[];
  expect(byQueue.find((q) => q.queueId === 'q-overflow')).toMatchObject({ queueName: 'Overflow', queued: 2, abandoned: 1 });
  expect(byQueue.length).toBeGreaterThan(2);
  expect(rows.map((r) => ({ queueId: r.queue_id, queueName: r.queue_name ?? r.queue_id, queued: Number(r.queued), abandoned: Number(r.abandoned) }))).toEqual(
    byQueue.map((q) => ({ queueId: q.queueId, queueName: q.queueName, queued: q.queued, abandoned: q.abandoned })),
  );
});

test('failing flow steps: the example counts what the API counts, an error message alone included', async () => {
  const rows = await env.db.sql.unsafe<{ flow_name: string; step_name: string; step_type: string; failures: string }[]>(example('flow steps that failed most'));
  const items = (await api('/v1/stats/failing-steps?range=last7days&limit=10')).items as { flowName: string; stepName: string; stepType: string; failures: number }[];
  expect(items.some((i) => i.stepName === 'Parse payload')).toBe(true);
  expect(rows.map((r) => ({ flowName: r.flow_name, stepName: r.step_name, stepType: r.step_type, failures: Number(r.failures) }))).toEqual(
    items.map((i) => ({ flowName: i.flowName, stepName: i.stepName, stepType: i.stepType, failures: i.failures })),
  );
});

test('the views give seconds to the millisecond, and the columns docs/sql.md lists', async () => {
  const rows = await env.db.sql<{ total: string; duration: string | null; ms: number; inferred: boolean }[]>`
    select i.total_seconds::text as total, s.duration_seconds::text as duration, r.total_ms as ms, i.created_inferred as inferred
    from v_interactions i join interactions r on r.tenant = i.tenant and r.id = i.interaction_id
    left join v_segments s on s.tenant = i.tenant and s.interaction_id = i.interaction_id and s.segment_number = 0
    where i.tenant = 'acme' and i.total_seconds is not null`;
  expect(rows.length).toBeGreaterThan(5);
  for (const r of rows) {
    expect(r.total).toMatch(/^\d+\.\d{3}$/);
    expect(Number(r.total)).toBe(r.ms / 1000);
    if (r.duration !== null) expect(r.duration).toMatch(/^\d+\.\d{3}$/);
  }
  const [flow] = await env.db.sql<{ node: string | null; seconds: string | null }[]>`
    select current_step_node_id as node, duration_seconds::text as seconds from v_flow_executions where tenant = 'acme' and duration_seconds is not null limit 1`;
  expect(flow?.seconds).toMatch(/^\d+\.\d{3}$/);
});
