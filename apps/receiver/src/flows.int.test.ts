import { Writable } from 'node:stream';
import { createLogger } from '@cxfold/log';
import { createTestEnv, startPipeline, sendSigned, eventually, type TestEnv, type TestPipeline } from '@cxfold/testkit';

let env: TestEnv;
let p: TestPipeline;
const logLines: string[] = [];

beforeAll(async () => {
  env = await createTestEnv();
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  // Debug level: the most talkative the pipeline gets, so the card check below means something.
  const logger = createLogger({ name: 'flows-test', level: 'debug', pretty: false, destination: sink });
  p = await startPipeline(env, { logger });
});
afterAll(async () => {
  await p.close();
  await env.teardown();
});

const t0 = Date.now() - 2 * 3_600_000;
const at = (ms: number) => new Date(t0 + ms).toISOString();

const started = (x: string, extra: object = {}) => ({
  type: 'execution.started',
  executionId: x,
  timestamp: at(0),
  flowId: 'flow-ivr',
  flowName: 'IVR Main Menu',
  flowVersionId: 'fv-7',
  version: '7',
  tag: 'Live',
  entryPoint: 'Main Number',
  from: '+15551230000',
  to: '+18005550100',
  channel: 'Phone',
  trigger: 'event',
  taskId: 'task-flow-1',
  variablesCategory: 'Billing',
  variablesSubCategory: 'Refund',
  data: { customer: { phone: '+15551230000' } },
  ...extra,
});
const step = (x: string, seq: number, extra: object = {}) => ({
  type: 'step.executed',
  executionId: x,
  timestamp: at(seq * 1000 + 500),
  seq,
  nodeId: `n${seq}`,
  stepType: 'play_message',
  name: `Step ${seq}`,
  startedAt: at(seq * 1000),
  endedAt: at(seq * 1000 + 420),
  result: 'next',
  ...extra,
});
const ended = (x: string, extra: object = {}) => ({ type: 'execution.ended', executionId: x, timestamp: at(10_000), endedAt: at(10_000), endReason: 'completed', actionData: 'createInteraction', ...extra });

async function execution(id: string) {
  const [row] = await env.db.sql`select * from flow_executions where tenant = ${p.tenant.tenant} and id = ${id}`;
  return row;
}

test('each flow event type, one at a time: execution with steps, durations and link to the task', async () => {
  const x = 'exec-single-1';
  expect((await sendSigned(p.baseUrl, p.tenant, 'flows/events', started(x))).status).toBe(202);
  expect((await sendSigned(p.baseUrl, p.tenant, 'flows/events', step(x, 1, { stepType: 'menu', result: 'billing' }))).status).toBe(202);
  const http = step(x, 2, { stepType: 'http_request', httpMethod: 'GET', url: 'https://crm.example/api', httpStatus: 503, error: { code: 'HTTP_503', message: 'upstream down' }, valuesBefore: { a: 1 }, valuesAfter: { a: 2 }, settings: { timeout: 5 } });
  const res = await sendSigned(p.baseUrl, p.tenant, 'flows/events', http, 'webhook');
  expect(res.body).toEqual({ id: expect.any(String), duplicate: false });
  expect((await sendSigned(p.baseUrl, p.tenant, 'flows/events', ended(x))).status).toBe(202);
  const row = await eventually(async () => {
    const r = await execution(x);
    return r?.status === 'completed' && r.step_count === 2 ? r : null;
  });
  expect(row).toMatchObject({
    interaction_id: 'task-flow-1',
    flow_name: 'IVR Main Menu',
    version: '7',
    tag: 'Live',
    from: '+15551230000',
    to: '+18005550100',
    entry_point: 'Main Number',
    channel: 'Phone',
    trigger: 'event',
    start_inferred: false,
    last_step_name: 'Step 2',
    last_step_type: 'http_request',
    current_step_name: null,
    error_count: 1,
    http_error_count: 1,
    variables_category: 'Billing',
    action_data: 'createInteraction',
    data: { customer: { phone: '+15551230000' } },
  });
  expect(Number(row.duration_ms)).toBe(10_000);
  const steps = await env.db.sql`select seq, type, name, result, http_status, error_code, duration_ms::int as duration_ms, values_after, settings from flow_steps where execution_id = ${x} order by seq`;
  expect(steps).toEqual([
    { seq: 1, type: 'menu', name: 'Step 1', result: 'billing', http_status: null, error_code: null, duration_ms: 420, values_after: null, settings: null },
    { seq: 2, type: 'http_request', name: 'Step 2', result: 'next', http_status: 503, error_code: 'HTTP_503', duration_ms: 420, values_after: { a: 2 }, settings: { timeout: 5 } },
  ]);
});

test('a batch answers per item; steps before the start and duplicates fold to the same record', async () => {
  const x = 'exec-batch-1';
  const batch = [step(x, 2), ended(x, { endReason: 'abandoned', actionData: 'end' }), step(x, 1), started(x, { taskId: undefined })];
  const res = await sendSigned(p.baseUrl, p.tenant, 'flows/events', batch, 'webhook', { webhookId: 'msg_batch_1' });
  expect(res.status).toBe(202);
  expect(res.body.results).toEqual([0, 1, 2, 3].map((i) => ({ id: `msg_batch_1#${i}`, duplicate: false })));
  const again = await sendSigned(p.baseUrl, p.tenant, 'flows/events', batch, 'webhook', { webhookId: 'msg_batch_1' });
  expect(again.body.results.every((r: { duplicate: boolean }) => r.duplicate)).toBe(true);
  const row = await eventually(async () => {
    const r = await execution(x);
    return r?.step_count === 2 && r.status === 'abandoned' && !r.start_inferred ? r : null;
  });
  expect(row).toMatchObject({ interaction_id: null, action_data: 'end', end_reason: 'abandoned' });
});

test('steps with no start yet: the execution shows, start inferred and flagged, current step for active', async () => {
  const x = 'exec-nostart-1';
  await sendSigned(p.baseUrl, p.tenant, 'flows/events', [step(x, 3, { stepType: 'collect_digits', name: 'Get account' }), step(x, 4, { stepType: 'queue_contact', name: 'To queue' })]);
  const row = await eventually(async () => {
    const r = await execution(x);
    return r?.step_count === 2 ? r : null;
  });
  expect(row).toMatchObject({ status: 'active', start_inferred: true, current_step_name: 'To queue', current_step_type: 'queue_contact', ended_at: null });
  expect(new Date(row.started_at).getTime()).toBe(t0 + 3000);
});

test('a batch with one invalid item is rejected whole, with the failing paths', async () => {
  const x = 'exec-bad-1';
  const before = await env.db.sql`select count(*)::int as n from raw_events`;
  const res = await sendSigned(p.baseUrl, p.tenant, 'flows/events', [started(x), step(x, 1), { ...step(x, 2), seq: -1, stepType: 7 }, { type: 'step.skipped', executionId: x, timestamp: at(1) }]);
  expect(res.status).toBe(422);
  expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/2/seq', '/2/stepType', '/3/type']);
  const after = await env.db.sql`select count(*)::int as n from raw_events`;
  expect(after[0]!.n).toBe(before[0]!.n);
  const tooMany = Array.from({ length: 501 }, (_, i) => step(x, i));
  expect((await sendSigned(p.baseUrl, p.tenant, 'flows/events', tooMany)).status).toBe(422);
});

test('card numbers are masked to the last four digits in every stored field, and never reach Postgres or the logs', async () => {
  const x = 'exec-card-1';
  const cards = ['4111 1111 1111 1111', '5500-0055-5555-5559', '378282246310005'];
  const digitsOf = (c: string) => c.replace(/\D/g, '');
  const batch = [
    started(x, { data: { note: `card ${cards[0]}` } }),
    step(x, 1, {
      stepType: 'collect_digits',
      name: 'Card entry',
      valuesBefore: { entered: null },
      valuesAfter: { entered: digitsOf(cards[2]!), asNumber: Number(digitsOf(cards[0]!)) },
      details: { transcript: [`I paid with ${cards[1]}`] },
      settings: { hint: cards[0] },
    }),
  ];
  const res = await sendSigned(p.baseUrl, p.tenant, 'flows/events', batch);
  expect(res.status).toBe(202);
  const task = { taskId: 'task-card-1', timestamp: at(0), mediaType: 'chat', text: `my card is ${cards[1]}`, customerName: 'Zed', variables: { user_note: `pay ${cards[0]}`, cv_3: digitsOf(cards[2]!) } };
  expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/created', task)).status).toBe(202);
  await eventually(async () => (await execution(x))?.step_count === 1);
  await eventually(async () => {
    const [r] = await env.db.sql`select 1 from interactions where id = 'task-card-1'`;
    return r;
  });
  const [masked] = await env.db.sql`select sum(mask_count)::int as n, bool_and(masked) as all_masked from raw_events where subject_id in (${x}, 'task-card-1')`;
  // started: 1; step: 4 (values, number, details, settings); task: 3 (text, ECC, call variable).
  expect(masked).toEqual({ n: 8, all_masked: true });
  // Dump every table as text: no full card number anywhere.
  for (const table of ['raw_events', 'interactions', 'segments', 'flow_executions', 'flow_steps', 'dead_letters']) {
    const rows = await env.db.sql.unsafe(`select t::text as line from ${table} t`);
    const text = rows.map((r) => r.line as string).join('\n');
    for (const c of cards) {
      expect(text).not.toContain(digitsOf(c));
      expect(text).not.toContain(c);
    }
  }
  const [step1] = await env.db.sql`select values_after, settings, raw from flow_steps where execution_id = ${x}`;
  expect(step1!.values_after).toEqual({ entered: '***********0005', asNumber: '************1111' });
  expect(step1!.settings).toEqual({ hint: '**** **** **** 1111' });
  const logs = logLines.join('');
  expect(logs.length).toBeGreaterThan(0);
  // Nor do the tenant's secrets, whatever was sent with them.
  for (const secret of [p.tenant.token, p.tenant.hubSecret, p.tenant.webhookSecret]) expect(logs).not.toContain(secret);
  for (const c of cards) {
    expect(logs).not.toContain(digitsOf(c));
    expect(logs).not.toContain(c);
  }
});
