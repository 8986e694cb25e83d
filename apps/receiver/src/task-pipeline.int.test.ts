import { one, createTestEnv, startPipeline, sendSigned, postJson, eventually, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import { signHub } from '@cxfold/ingest';
import { luhnValid } from '@cxfold/contracts';

let env: TestEnv;
let p: TestPipeline;

beforeAll(async () => {
  env = await createTestEnv();
  p = await startPipeline(env);
});
afterAll(async () => {
  await p.close();
  await env.teardown();
});

const t0 = Date.now() - 60 * 60 * 1000;
const at = (s: number) => new Date(t0 + s * 1000).toISOString();

async function interaction(id: string) {
  const [row] = await env.db.sql`select * from interactions where tenant = ${p.tenant.tenant} and id = ${id}`;
  return row;
}
async function segments(id: string) {
  return env.db.sql`select number, type, start_type, end_type, queue_id, agent_id, duration_ms::int as duration_ms, cancelled
                    from segments where tenant = ${p.tenant.tenant} and interaction_id = ${id} order by number`;
}

test('HEAD and GET on the hook paths answer 200 (Webex Connect probes URLs before saving them)', async () => {
  for (const path of ['tasks', 'tasks/created', 'tasks/CLOSED', 'flows/events']) {
    for (const method of ['HEAD', 'GET']) {
      const res = await fetch(`${p.baseUrl}/v1/hooks/${p.tenant.tenant}/${path}`, { method });
      expect(res.status).toBe(200);
    }
  }
});

test('every task event type, by path (any case) and by body eventType, folds into one interaction with its legs', async () => {
  const taskId = 'task-rona-1';
  const base = { taskId, mediaType: 'chat', origin: '+15550001111', destination: 'app-chat-1', customerName: 'Ada', variables: { cv_1: 'gold', user_DR_MediaResourceID: 'conv-9', ChatThreadID: 'thr-1' } };
  const sends = [
    ['tasks/created', { ...base, timestamp: at(0), text: 'Hello, my order is late' }],
    ['tasks/QUEUED', { ...base, timestamp: at(2), queue: { id: 'q-support', name: 'Support' }, ewt: -1 }],
    ['tasks', { ...base, eventType: 'queued', timestamp: at(5), queue: { id: 'q-support', name: 'Support' }, ewt: 90 }],
    ['tasks/Routed', { ...base, timestamp: at(30), agent: { id: 'ag-1', name: 'Bea' }, queue: { id: 'q-support', name: 'Support' } }],
    ['tasks/transferred', { ...base, timestamp: at(45), agent: { id: 'ag-1', name: 'Bea' }, reason: 'rona' }],
    ['tasks', { ...base, eventType: 'CREATED', timestamp: at(46) }],
    ['tasks/queued', { ...base, timestamp: at(47), queue: { id: 'q-support', name: 'Support' }, ewt: 30 }],
    ['tasks/routed', { ...base, timestamp: at(60), agent: { id: 'ag-2', name: 'Cy' }, queue: { id: 'q-support', name: 'Support' } }],
    ['tasks/closed', { ...base, timestamp: at(300), agent: { id: 'ag-2', name: 'Cy' }, reason: 'agent', dispositionCode: 'RESOLVED' }],
  ] as const;
  // Deliberately out of order: CLOSED before the second ROUTED, the first QUEUED last.
  for (const i of [0, 8, 1, 3, 4, 5, 7, 6, 2]) {
    const [path, body] = sends[i]!;
    const res = await sendSigned(p.baseUrl, p.tenant, path, body, i % 2 ? 'hub' : 'webhook');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), duplicate: false });
  }
  const row = await eventually(async () => {
    const r = await interaction(taskId);
    return r && r.event_count === 9 ? r : null;
  });
  expect(row).toMatchObject({
    status: 'closed',
    channel: 'chat',
    origin: '+15550001111',
    destination: 'app-chat-1',
    customer_name: 'Ada',
    transfer_count: 1,
    disposition_code: 'RESOLVED',
    close_reason: 'agent',
    last_agent_id: 'ag-2',
    last_queue_id: 'q-support',
    ewt_first: 90,
    ewt_last: 30,
    conversation_id: 'conv-9',
    chat_thread_id: 'thr-1',
    text_preview: 'Hello, my order is late',
    call_variables: { cv_1: 'gold' },
    ecc_variables: { user_DR_MediaResourceID: 'conv-9' },
    extension_variables: { ChatThreadID: 'thr-1' },
  });
  expect(Number(row.total_ms)).toBe(300_000);
  expect(Number(row.self_service_ms)).toBe(2_000);
  // ag-1's 15 s of ringing (RONA) count as waiting.
  expect(Number(row.queue_ms)).toBe(28_000 + 15_000 + 15_000);
  expect(Number(row.handle_ms)).toBe(240_000);
  expect(await segments(taskId)).toEqual([
    { number: 0, type: 'queue', start_type: 'queued', end_type: 'routed', queue_id: 'q-support', agent_id: null, duration_ms: 28_000, cancelled: false },
    { number: 1, type: 'agent', start_type: 'routed', end_type: 'transferred:rona', queue_id: 'q-support', agent_id: 'ag-1', duration_ms: 15_000, cancelled: false },
    { number: 2, type: 'queue', start_type: 'transferred:rona', end_type: 'routed', queue_id: 'q-support', agent_id: null, duration_ms: 15_000, cancelled: false },
    { number: 3, type: 'agent', start_type: 'routed', end_type: 'closed', queue_id: 'q-support', agent_id: 'ag-2', duration_ms: 240_000, cancelled: false },
  ]);
  const { unfolded } = await one(env.db.sql<{ unfolded: number }[]>`select count(*)::int as unfolded from raw_events where tenant = ${p.tenant.tenant} and folded_at is null`);
  expect(unfolded).toBe(0);
});

test('a chat abandoned in queue folds as abandoned, with a cancelled queue leg', async () => {
  const taskId = 'task-abandon-1';
  await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { taskId, timestamp: at(0), mediaType: 'chat' });
  await sendSigned(p.baseUrl, p.tenant, 'tasks/queued', { taskId, timestamp: at(1), queue: { id: 'q-sales', name: 'Sales' }, ewt: -1 });
  await sendSigned(p.baseUrl, p.tenant, 'tasks/closed', { taskId, timestamp: at(95), reason: 'customer' });
  const row = await eventually(async () => {
    const r = await interaction(taskId);
    return r?.status === 'closed' ? r : null;
  });
  expect(row).toMatchObject({ abandoned: true, close_reason: 'customer' });
  expect(await segments(taskId)).toEqual([
    { number: 0, type: 'queue', start_type: 'queued', end_type: 'abandoned', queue_id: 'q-sales', agent_id: null, duration_ms: 94_000, cancelled: true },
  ]);
});

test('duplicates: the same webhook-id, eventId or body twice → 202 duplicate, one raw row, one fold', async () => {
  const taskId = 'task-dup-1';
  const created = { taskId, timestamp: at(0), mediaType: 'sms' };
  const first = await sendSigned(p.baseUrl, p.tenant, 'tasks/created', created, 'webhook', { webhookId: 'msg_dup_1' });
  const again = await sendSigned(p.baseUrl, p.tenant, 'tasks/created', created, 'webhook', { webhookId: 'msg_dup_1' });
  expect(first.body).toEqual({ id: 'msg_dup_1', duplicate: false });
  expect(again.body).toEqual({ id: 'msg_dup_1', duplicate: true });

  const queued = { taskId, eventId: 'evt-q-1', timestamp: at(3), queue: { id: 'q1' } };
  expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/queued', queued)).body).toEqual({ id: 'evt-q-1', duplicate: false });
  expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/queued', { ...queued, ewt: 5 })).body).toEqual({ id: 'evt-q-1', duplicate: true });

  const closed = { taskId, timestamp: at(9), reason: 'system' };
  const c1 = await sendSigned(p.baseUrl, p.tenant, 'tasks/closed', closed, 'token');
  const c2 = await sendSigned(p.baseUrl, p.tenant, 'tasks/closed', closed, 'token');
  expect(c1.body.duplicate).toBe(false);
  expect(c2.body).toEqual({ id: c1.body.id, duplicate: true });
  // Concurrent duplicates land in one group-commit batch: still exactly one new.
  const burst = await Promise.all(Array.from({ length: 8 }, () => sendSigned(p.baseUrl, p.tenant, 'tasks/closed', { ...closed, eventId: 'evt-burst' })));
  expect(burst.filter((r) => r.body.duplicate === false)).toHaveLength(1);

  const { n } = await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events where tenant = ${p.tenant.tenant} and subject_id = ${taskId}`);
  expect(n).toBe(4);
  const row = await eventually(async () => {
    const r = await interaction(taskId);
    return r?.status === 'closed' ? r : null;
  });
  // evt-burst repeats c1's content under another id: a redelivery, counted once.
  expect(row).toMatchObject({ status: 'closed', close_reason: 'system', event_count: 3 });
  expect(await segments(taskId)).toEqual([
    { number: 0, type: 'queue', start_type: 'queued', end_type: 'failed', queue_id: 'q1', agent_id: null, duration_ms: 6_000, cancelled: false },
  ]);
});

test('one body posted to /tasks/created and then to /tasks/queued is two events, not a duplicate', async () => {
  const taskId = 'task-same-body-1';
  const body = { taskId, timestamp: at(0), mediaType: 'chat', queue: { id: 'q-same' } };
  const created = await sendSigned(p.baseUrl, p.tenant, 'tasks/created', body, 'token');
  const queued = await sendSigned(p.baseUrl, p.tenant, 'tasks/queued', body, 'token');
  expect(created.body.duplicate).toBe(false);
  expect(queued.body).toEqual({ id: expect.stringMatching(/^h-/), duplicate: false });
  expect(queued.body.id).not.toBe(created.body.id);
  // The same again under each path is a duplicate of its own first delivery.
  expect((await sendSigned(p.baseUrl, p.tenant, 'tasks/queued', body, 'token')).body).toEqual({ id: queued.body.id, duplicate: true });
  const types = await env.db.sql`select event_type from raw_events where tenant = ${p.tenant.tenant} and subject_id = ${taskId} order by event_type`;
  expect(types.map((r) => r.event_type)).toEqual(['CREATED', 'QUEUED']);
  const row = await eventually(async () => {
    const r = await interaction(taskId);
    return r?.status === 'queued' ? r : null;
  });
  expect(row).toMatchObject({ event_count: 2 });
});

test('an x-hub-signature covers neither the webhook-id header nor the URL, so neither names the event there', async () => {
  const body = { taskId: 'task-hub-id-1', timestamp: at(0), mediaType: 'chat' };
  const text = JSON.stringify(body);
  const url = `${p.baseUrl}/v1/hooks/${p.tenant.tenant}/tasks/created`;
  const first = await postJson(url, null, { ...signHub(p.tenant.hubSecret, text), 'webhook-id': 'msg_hub_1' }, text);
  // A replay of the signed body under a fresh header id is the same event.
  const replay = await postJson(url, null, { ...signHub(p.tenant.hubSecret, text), 'webhook-id': 'msg_hub_2' }, text);
  expect(first.body).toEqual({ id: expect.stringMatching(/^h-/), duplicate: false });
  expect(replay.body).toEqual({ id: first.body.id, duplicate: true });
  // Where the header is signed (Standard Webhooks), it still names the event.
  const signed = await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { ...body, taskId: 'task-hub-id-2' }, 'webhook', { webhookId: 'msg_hub_1' });
  expect(signed.body).toEqual({ id: 'msg_hub_1', duplicate: false });
  // Nor does it cover the URL: the captured body posted to another type's URL is the same event, not a CLOSED.
  const closedUrl = `${p.baseUrl}/v1/hooks/${p.tenant.tenant}/tasks/closed`;
  expect((await postJson(closedUrl, null, signHub(p.tenant.hubSecret, text), text)).body).toEqual({ id: first.body.id, duplicate: true });
  expect(await env.db.sql`select event_type from raw_events where subject_id = 'task-hub-id-1'`).toEqual([{ event_type: 'CREATED' }]);
});

/** A numeric id of `length` digits ending in `last4` that passes the Luhn check, as card numbers do. */
function luhnValidId(prefix: string, last4: string, length = 16): string {
  for (let d = 0; d < 10; d++) {
    const candidate = `${prefix}${d}`.padEnd(length - 4, '0') + last4;
    if (luhnValid(candidate)) return candidate;
  }
  throw new Error('no Luhn-valid id');
}

test('card masking leaves identifiers whole: two Luhn-valid numeric task ids with the same last four stay two interactions', async () => {
  const ids = [luhnValidId('41', '1234'), luhnValidId('52', '1234')];
  for (const taskId of ids) {
    const res = await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { taskId, timestamp: at(0), mediaType: 'chat', queue: { id: taskId }, text: `card ${taskId}` });
    expect(res.status).toBe(202);
  }
  for (const taskId of ids) {
    const row = await eventually(() => interaction(taskId));
    expect(row).toMatchObject({ id: taskId, event_count: 1, text_preview: 'card ************1234' });
    const [raw] = await env.db.sql`select subject_id, payload, mask_count from raw_events where tenant = ${p.tenant.tenant} and subject_id = ${taskId}`;
    // The id fields are kept; the same digits in free text are still masked.
    expect(raw).toMatchObject({ subject_id: taskId, mask_count: 1, payload: expect.objectContaining({ taskId, queue: { id: taskId }, text: 'card ************1234' }) });
  }
});
