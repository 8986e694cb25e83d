import http from 'node:http';
import { createTestEnv, startPipeline, authHeaders, scrapeMetrics, one, type TestEnv, type TestPipeline } from '@cxfold/testkit';

/**
 * Deliveries in their usual form take the fast path (fast-hooks.ts); the same delivery sent
 * chunked (no Content-Length) goes through Express' router and body parser. Both must answer
 * alike, whatever the outcome.
 */
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

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw POST: with `chunked` the body goes without Content-Length, which the fast path leaves to the router. */
function post(path: string, text: string, headers: Record<string, string>, chunked: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, p.baseUrl);
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers, ...(chunked ? {} : { 'content-length': String(Buffer.byteLength(text)) }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (chunked) {
      // Two writes: Node sends Transfer-Encoding: chunked.
      req.write(text.slice(0, 5));
      req.end(text.slice(5));
    } else req.end(text);
  });
}

let n = 0;
const at = () => new Date(Date.now() - 60_000).toISOString();

/** Each case builds a fresh body per call, so the two paths never send the same event twice. */
const cases: { name: string; status: number; path: (tenant: string) => string; body: () => string; sign?: boolean }[] = [
  { name: 'accepted task event', status: 202, path: (t) => `/v1/hooks/${t}/tasks/created`, body: () => JSON.stringify({ taskId: `task-fast-${++n}`, timestamp: at() }) },
  { name: 'accepted task event, type in the body', status: 202, path: (t) => `/v1/hooks/${t}/tasks`, body: () => JSON.stringify({ taskId: `task-fast-${++n}`, timestamp: at(), eventType: 'CLOSED' }) },
  {
    name: 'accepted flow batch', status: 202,
    path: (t) => `/v1/hooks/${t}/flows/events`,
    body: () => {
      const x = `x-fast-${++n}`;
      const ended = (i: number) => ({ type: 'execution.ended', executionId: `${x}-${i}`, timestamp: at(), endedAt: at(), endReason: 'completed', actionData: 'createInteraction' });
      return JSON.stringify([ended(1), ended(2)]);
    },
  },
  { name: 'path in upper case', status: 202, path: (t) => `/V1/HOOKS/${t}/TASKS/CREATED`, body: () => JSON.stringify({ taskId: `task-fast-${++n}`, timestamp: at() }) },
  { name: 'invalid event (422)', status: 422, path: (t) => `/v1/hooks/${t}/tasks/queued`, body: () => JSON.stringify({ taskId: `task-fast-${++n}`, timestamp: at(), ewt: 'soon' }) },
  { name: 'malformed JSON (400)', status: 400, path: (t) => `/v1/hooks/${t}/tasks/created`, body: () => `{"taskId": "task-fast-${++n}", ` },
  { name: 'unknown event name (404)', status: 404, path: (t) => `/v1/hooks/${t}/tasks/exploded`, body: () => JSON.stringify({ taskId: `task-fast-${++n}`, timestamp: at() }) },
  { name: 'unknown tenant (404)', status: 404, path: () => `/v1/hooks/nobody-${++n}/tasks/created`, body: () => JSON.stringify({ taskId: `task-fast-${n}`, timestamp: at() }) },
  { name: 'bad signature (401)', status: 401, path: (t) => `/v1/hooks/${t}/tasks/created`, body: () => JSON.stringify({ taskId: `task-fast-${++n}`, timestamp: at() }), sign: false },
];

/** The answer without what differs by design between two deliveries (ids). */
function shape(a: Answer) {
  const body = a.body ? (JSON.parse(a.body) as Record<string, unknown>) : a.body;
  if (body && typeof body === 'object') {
    delete body.id;
    if (Array.isArray(body.results)) body.results = (body.results as Record<string, unknown>[]).map(({ id: _id, ...rest }) => rest);
    if (typeof body.detail === 'string') body.detail = body.detail.replace(/task-fast-\d+|nobody-\d+/g, '…');
  }
  return { status: a.status, contentType: a.headers['content-type'], hasRequestId: typeof a.headers['x-request-id'] === 'string', body };
}

test.each(cases)('$name: the fast path and the router answer alike', async (c) => {
  const send = (chunked: boolean) => {
    const text = c.body();
    const headers = c.sign === false ? { 'x-hub-signature': `sha256=${'0'.repeat(64)}` } : authHeaders(p.tenant, 'hub', text);
    return post(c.path(p.tenant.tenant), text, headers, chunked);
  };
  const fast = await send(false);
  const routed = await send(true);
  expect(fast.status).toBe(c.status);
  expect(shape(fast)).toEqual(shape(routed));
});

test('the fast path keeps a sane x-request-id, stores it with the event, and counts the request under its route', async () => {
  const text = JSON.stringify({ taskId: 'task-fast-rid', timestamp: at() });
  const before = await scrapeMetrics(p.baseUrl);
  const r = await post(`/v1/hooks/${p.tenant.tenant}/tasks/created`, text, { ...authHeaders(p.tenant, 'hub', text), 'x-request-id': 'req-fast-1' }, false);
  expect(r.status).toBe(202);
  expect(r.headers['x-request-id']).toBe('req-fast-1');
  const row = await one(env.db.sql<{ request_id: string }[]>`select request_id from raw_events where subject_id = 'task-fast-rid'`);
  expect(row.request_id).toBe('req-fast-1');
  const after = await scrapeMetrics(p.baseUrl);
  const labels = { method: 'POST', route: '/v1/hooks/:tenant/tasks/:event', status_class: '2xx' };
  expect(after.sum('cxfold_http_request_duration_seconds_count', labels) - before.sum('cxfold_http_request_duration_seconds_count', labels)).toBe(1);
});

test('a sender that gives up before its Content-Length is reached stores nothing, and the receiver keeps serving', async () => {
  const text = JSON.stringify({ taskId: 'task-fast-short', timestamp: at() });
  await new Promise<void>((resolve) => {
    const req = http.request(new URL(`/v1/hooks/${p.tenant.tenant}/tasks/created`, p.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text) + 10), ...authHeaders(p.tenant, 'hub', text) },
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(text);
    setTimeout(() => req.destroy(), 200);
  });
  expect(await env.db.sql`select 1 from raw_events where subject_id = 'task-fast-short'`).toHaveLength(0);
  const next = JSON.stringify({ taskId: 'task-fast-after', timestamp: at() });
  expect((await post(`/v1/hooks/${p.tenant.tenant}/tasks/created`, next, authHeaders(p.tenant, 'hub', next), false)).status).toBe(202);
});
