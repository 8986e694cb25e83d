import { one, createTestEnv, startPipeline, postJson, authHeaders, type TestEnv, type TestPipeline } from '@cxfold/testkit';

let env: TestEnv;
let p: TestPipeline;

beforeAll(async () => {
  env = await createTestEnv();
  p = await startPipeline(env, { withWorker: false, overrides: { BODY_LIMIT_BYTES: String(8 * 1024) } });
});
afterAll(async () => {
  await p.close();
  await env.teardown();
});

const good = { taskId: 'task-err-1', timestamp: new Date().toISOString() };
const hook = (path: string, tenant = p.tenant.tenant) => `${p.baseUrl}/v1/hooks/${tenant}/${path}`;
const signed = (text: string) => authHeaders(p.tenant, 'hub', text);

async function rawCount(): Promise<number> {
  const { n } = await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events`);
  return n;
}

/** Every error is problem+json with type, title and status, and writes nothing. */
async function expectProblem(res: Promise<{ status: number; body: any; headers: Headers }>, status: number) {
  const before = await rawCount();
  const r = await res;
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/);
  expect(await rawCount()).toBe(before);
  return r.body;
}

test('400 malformed and truncated JSON, invalid UTF-8', async () => {
  for (const text of ['{"taskId": ', '{taskId: 1}', '', 'nul']) {
    await expectProblem(postJson(hook('tasks/created'), null, signed(text), text), 400);
  }
  const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
  const res = await fetch(hook('tasks/created'), { method: 'POST', body: bytes, headers: { 'content-type': 'application/json', ...signHubBytes(bytes) } });
  expect(res.status).toBe(400);
});

function signHubBytes(bytes: Buffer) {
  const { createHmac } = require('node:crypto') as typeof import('node:crypto');
  return { 'x-hub-signature': `sha256=${createHmac('sha256', p.tenant.hubSecret).update(bytes).digest('hex')}` };
}

test('413 body over the limit', async () => {
  const text = JSON.stringify({ ...good, customerName: 'x'.repeat(9 * 1024) });
  const body = await expectProblem(postJson(hook('tasks/created'), null, signed(text), text), 413);
  expect(body.title).toBe('Payload too large');
});

test('415 wrong or missing content type', async () => {
  const text = JSON.stringify(good);
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
    await expectProblem(
      fetch(hook('tasks/created'), { method: 'POST', body: text, headers: { 'content-type': type, ...signed(text) } }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.json() })),
      415,
    );
  }
});

test('422 lists every failing field path', async () => {
  const bad = { timestamp: 'yesterday', queue: { name: 'no id' }, ewt: 'soon', variables: { cv_11: 'x', cv_2: 'é'.repeat(21), user_notes: 'n'.repeat(211) } };
  const text = JSON.stringify(bad);
  const body = await expectProblem(postJson(hook('tasks/created'), null, signed(text), text), 422);
  expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
    ['/ewt', '/queue/id', '/taskId', '/timestamp', '/variables/cv_11', '/variables/cv_2', '/variables/user_notes'].sort(),
  );
  // A day the month does not have is refused, not rolled over into the next month.
  for (const timestamp of ['2025-02-30T10:00:00Z', '2024-04-31T00:00:00+02:00']) {
    const feb30 = JSON.stringify({ ...good, timestamp });
    const r = await expectProblem(postJson(hook('tasks/created'), null, signed(feb30), feb30), 422);
    expect(r.errors.map((e: { path: string }) => e.path)).toEqual(['/timestamp']);
  }
  const noType = JSON.stringify(good);
  const b2 = await expectProblem(postJson(hook('tasks'), null, signed(noType), noType), 422);
  expect(b2.errors).toEqual([{ path: '/eventType', message: expect.stringContaining('required') }]);
  const contradiction = JSON.stringify({ ...good, eventType: 'CLOSED' });
  await expectProblem(postJson(hook('tasks/created'), null, signed(contradiction), contradiction), 422);
});

test('404 unknown tenant, hostile slugs and unknown events', async () => {
  const text = JSON.stringify(good);
  await expectProblem(postJson(hook('tasks/created', 'nobody-here'), null, signed(text), text), 404);
  await expectProblem(postJson(`${p.baseUrl}/v1/hooks/..%2F..%2Fetc/tasks/created`, null, signed(text), text), 404);
  await expectProblem(postJson(`${p.baseUrl}/v1/hooks/ACME/tasks/created`, null, signed(text), text), 404);
  await expectProblem(postJson(hook('tasks/exploded'), null, signed(text), text), 404);
});

test('the published JSON Schemas are served and keep unknown fields allowed', async () => {
  const res = await fetch(`${p.baseUrl}/v1/schemas/taskEvent`);
  expect(res.status).toBe(200);
  const schema = (await res.json()) as { required: string[]; additionalProperties?: unknown };
  expect(schema.required).toEqual(expect.arrayContaining(['taskId', 'timestamp']));
  expect(schema.additionalProperties).not.toBe(false);
  const list = (await (await fetch(`${p.baseUrl}/v1/schemas`)).json()) as { schemas: { name: string }[] };
  expect(list.schemas.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['taskEvent', 'flowEvent.step.executed']));
});
