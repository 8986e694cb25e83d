import { authHeaders, createTestEnv, postJson, startPipeline, sendSigned, type TestEnv, type TestPipeline } from '@cxfold/testkit';

/**
 * The group commit sends the payloads of one insert as one text, a JSON document per line,
 * which Postgres splits back (raw-event-writer.ts). Every payload must come back exactly as
 * it went in, on its own row, whatever its text holds and however many share an insert.
 */
let env: TestEnv;
let p: TestPipeline;

beforeAll(async () => {
  env = await createTestEnv();
  p = await startPipeline(env, { withWorker: false });
});
afterAll(async () => {
  await p.close();
  await env.teardown();
});

const at = (s: number) => new Date(Date.now() - 3_600_000 + s * 1000).toISOString();

/** Text a line-based framing or an array literal could trip over. */
const awkward = [
  'line one\nline two\r\nline three',
  'quotes " and \\" and \\\\ backslashes \\',
  '{"looks":"like json"},{"and":"a separator"}',
  'tab\there, NUL-free control \u0001\u001f',
  'unicode: Zürich, 東京, emoji 🎧, separators \u2028 \u2029',
  '',
  'NULL',
  '{}',
];

const step = (x: string, seq: number, note: string) => ({
  type: 'step.executed',
  executionId: x,
  timestamp: at(seq),
  seq,
  nodeId: `n${seq}`,
  stepType: 'play_message',
  name: note.slice(0, 40) || `step ${seq}`,
  startedAt: at(seq),
  endedAt: at(seq),
  result: 'next',
  values: { note, nested: { note, list: [note, seq] } },
});

test('payloads of one flow batch come back exactly, each on its own row, in its own order', async () => {
  const x = 'exec-payloads-1';
  const batch = awkward.map((note, i) => step(x, i + 1, note));
  const res = await sendSigned(p.baseUrl, p.tenant, 'flows/events', batch);
  expect(res.status).toBe(202);
  const rows = await env.db.sql<{ payload: string }[]>`
    select payload::text as payload from raw_events where tenant = ${p.tenant.tenant} and subject_id = ${x} order by (payload->>'seq')::int`;
  expect(rows.map((r) => JSON.parse(r.payload) as unknown)).toEqual(batch);
});

test('concurrent deliveries joined in one group commit each keep their own payload', async () => {
  const sends = awkward.map((note, i) => {
    const x = `exec-payloads-concurrent-${i}`;
    return { x, event: step(x, 1, note) };
  });
  const answers = await Promise.all(sends.map(({ event }) => sendSigned(p.baseUrl, p.tenant, 'flows/events', event)));
  expect(answers.map((a) => a.status)).toEqual(sends.map(() => 202));
  for (const { x, event } of sends) {
    const rows = await env.db.sql<{ payload: string }[]>`select payload::text as payload from raw_events where tenant = ${p.tenant.tenant} and subject_id = ${x}`;
    expect(rows.map((r) => JSON.parse(r.payload) as unknown)).toEqual([event]);
  }
});

test('an integer beyond 2^53 is stored as a string of its exact digits, and a card number sent as one is masked', async () => {
  const taskId = 'task-exact-integers';
  // Written by hand: JSON.stringify could not write these numbers. (Digits chosen with no Luhn-valid
  // 13-19 digit window, which card masking would hide, as it does in a string.)
  const text = `{"eventType":"CREATED","taskId":"${taskId}","timestamp":"${at(1)}","mediaType":"chat",` +
    '"variables":{"orderRef":70404301035722134,"card":4520023123456789011,"small":42},"extra":[-94901645766528046, 0.25]}';
  const res = await postJson(`${p.baseUrl}/v1/hooks/${p.tenant.tenant}/tasks`, undefined, authHeaders(p.tenant, 'hub', text), text);
  expect(res.status).toBe(202);
  const [row] = await env.db.sql<{ order_ref: string; order_type: string; card: string; small: string; extra: string }[]>`
    select payload->'variables'->>'orderRef' as order_ref, json_typeof(payload->'variables'->'orderRef') as order_type,
           payload->'variables'->>'card' as card, payload->'variables'->>'small' as small, (payload->'extra')::text as extra
    from raw_events where tenant = ${p.tenant.tenant} and subject_id = ${taskId}`;
  expect(row).toEqual({
    order_ref: '70404301035722134',
    order_type: 'string',
    card: expect.stringMatching(/9011$/) as unknown as string,
    small: '42',
    extra: '["-94901645766528046",0.25]',
  });
  expect(row!.card).not.toContain('452002312345');

  // A field that wants a string refuses a long number as it refuses a short one; nothing stored.
  const asId = `{"eventType":"CREATED","taskId":12345678901234567891,"timestamp":"${at(2)}"}`;
  const refused = await postJson(`${p.baseUrl}/v1/hooks/${p.tenant.tenant}/tasks`, undefined, authHeaders(p.tenant, 'hub', asId), asId);
  expect(refused.status).toBe(422);
  expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['/taskId']);
  const [stored] = await env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events where tenant = ${p.tenant.tenant} and subject_id = '12345678901234567891'`;
  expect(stored?.n).toBe(0);
});
