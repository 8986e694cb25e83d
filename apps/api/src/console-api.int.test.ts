import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { createApiKey } from '@cxfold/db';
import { createTestEnv, startPipeline, storeAndFold, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import { apiRouter } from './app';
import { plan, eventsFor, taskEventsIn, type Planned } from './fixtures.int-helpers';

/** What the console needs from the API beyond the lists: who am I, the overview's aggregates, and `/` itself. */
let env: TestEnv;
let p: TestPipeline;
let planned: Planned[];
const keys = { admin: '', sales: '', none: '' };
const NOW = Date.now();
const DAY = 86_400_000;

beforeAll(async () => {
  env = await createTestEnv();
  p = await startPipeline(env, { withApi: true, tenantSlug: 'acme', withWorker: false });
  keys.admin = (await createApiKey(env.db.db, 'acme', 'admin', [])).key;
  keys.sales = (await createApiKey(env.db.db, 'acme', 'supervisor', ['q-sales'])).key;
  keys.none = (await createApiKey(env.db.db, 'acme', 'supervisor', [])).key;
  planned = plan('s', 60, NOW, 6 * DAY);
  const failing = planned.slice(0, 12).flatMap((x, i) => [
    { kind: 'flow' as const, eventId: `fail-${x.id}`, body: { type: 'step.executed', executionId: `fx-${x.id}`, timestamp: new Date(x.createdAt - 14_000).toISOString(), seq: 2, stepType: 'http_request', name: 'CRM lookup', httpStatus: i % 3 === 0 ? 503 : 200 } },
    { kind: 'flow' as const, eventId: `err-${x.id}`, body: { type: 'step.executed', executionId: `fx-${x.id}`, timestamp: new Date(x.createdAt - 13_000).toISOString(), seq: 3, stepType: 'play_message', name: 'Goodbye', ...(i % 4 === 0 ? { error: { code: 'TTS', message: 'speech failed' } } : {}) } },
  ]);
  await storeAndFold(env, 'acme', [...planned.flatMap(eventsFor), ...failing]);
});
afterAll(async () => {
  await p.close();
  await env.teardown();
});

async function get(pathAndQuery: string, key: string = keys.admin) {
  const res = await fetch(`${p.baseUrl}${pathAndQuery}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

const localDate = (ms: number) => new Date(ms).toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
const inWeek = (x: Planned) => localDate(x.createdAt) >= localDate(NOW - 6 * DAY);
const touchesSales = (x: Planned) => x.status !== 'new' && x.queue.id === 'q-sales';

/** The failing-steps answer for the executions of the first 12 planned interactions that pass `keep`. */
function expectedFailing(keep: (x: Planned) => boolean) {
  const groups = new Map<string, { flowName: string; stepName: string; stepType: string; failures: number; runs: number }>();
  planned.slice(0, 12).forEach((x, i) => {
    if (!inWeek(x) || !keep(x)) return;
    const flowName = x.channel === 'voice' ? 'IVR Main Menu' : 'Live Chat Inbound Flow';
    for (const [stepName, stepType, failed] of [
      ['CRM lookup', 'http_request', i % 3 === 0],
      ['Goodbye', 'play_message', i % 4 === 0],
    ] as const) {
      const g = groups.get(`${flowName}/${stepName}`) ?? { flowName, stepName, stepType, failures: 0, runs: 0 };
      g.runs += 1;
      if (failed) g.failures += 1;
      groups.set(`${flowName}/${stepName}`, g);
    }
  });
  return [...groups.values()]
    .filter((g) => g.failures > 0)
    .sort((a, b) => b.failures - a.failures || a.flowName.localeCompare(b.flowName) || a.stepName.localeCompare(b.stepName));
}

describe('GET /v1/me', () => {
  test('tenant, role, operator, time zone; a supervisor gets their queues with names', async () => {
    expect((await get('/v1/me')).body).toEqual({ tenant: 'acme', role: 'admin', operator: false, timeZone: 'America/New_York', queues: [] });
    expect((await get('/v1/me', keys.sales)).body).toEqual({ tenant: 'acme', role: 'supervisor', operator: false, timeZone: 'America/New_York', queues: [{ id: 'q-sales', name: 'Sales' }] });
    const operator = (await createApiKey(env.db.db, 'acme', 'admin', [], 'ops', { operator: true })).key;
    expect((await get('/v1/me', operator)).body).toMatchObject({ role: 'admin', operator: true });
  });
  test('needs a key; takes no parameters', async () => {
    expect((await fetch(`${p.baseUrl}/v1/me`)).status).toBe(401);
    const bad = await get('/v1/me?x=1');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].param).toBe('x');
  });
});

describe('GET /v1/stats/*', () => {
  test('interactions per hour: local hours, per channel, summing to the list total', async () => {
    const r = await get('/v1/stats/interactions-per-hour?range=last7days');
    expect(r.status).toBe(200);
    const week = planned.filter(inWeek);
    expect(r.body.items.reduce((n: number, i: { count: number }) => n + i.count, 0)).toBe(week.length);
    for (const x of week.slice(0, 10)) {
      const hour = new Date(x.createdAt).toLocaleString('sv-SE', { timeZone: 'America/New_York' }).slice(0, 13).replace(' ', 'T') + ':00';
      expect(r.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ hour, channel: x.channel })]));
    }
    const byChannel = (items: { channel: string; count: number }[], c: string) => items.filter((i) => i.channel === c).reduce((n, i) => n + i.count, 0);
    expect(byChannel(r.body.items, 'voice')).toBe(week.filter((x) => x.channel === 'voice').length);
  });

  test('per hour: the hour the clocks go back is counted once per UTC offset, not merged', async () => {
    // 2025-11-02 in New York: 01:30 EDT (05:30Z), then 01:30 EST (06:30Z), then 02:30 EST.
    const created = (id: string, at: string) => ({ kind: 'task' as const, eventId: `dst-${id}`, body: { eventType: 'CREATED', taskId: `dst-${id}`, timestamp: at, mediaType: 'chat' } });
    await storeAndFold(env, 'acme', [created('a', '2025-11-02T05:30:00Z'), created('b', '2025-11-02T06:30:00Z'), created('c', '2025-11-02T06:40:00Z'), created('d', '2025-11-02T07:30:00Z')]);
    const r = await get('/v1/stats/interactions-per-hour?from=2025-11-02&to=2025-11-02');
    expect(r.body.items).toEqual([
      { hour: '2025-11-02T01:00', utcOffsetMinutes: -240, channel: 'chat', count: 1 },
      { hour: '2025-11-02T01:00', utcOffsetMinutes: -300, channel: 'chat', count: 2 },
      { hour: '2025-11-02T02:00', utcOffsetMinutes: -300, channel: 'chat', count: 1 },
    ]);
  });

  test('queue time: buckets sum to the queued interactions no longer waiting, percentiles in seconds', async () => {
    const r = await get('/v1/stats/queue-time?range=last7days');
    const queued = planned.filter((x) => inWeek(x) && x.status !== 'new');
    const waiting = queued.filter((x) => x.status === 'queued');
    expect(waiting.length).toBeGreaterThan(0);
    expect(r.body).toMatchObject({ queued: queued.length, waiting: waiting.length });
    expect(r.body.items.map((b: { fromSeconds: number }) => b.fromSeconds)).toEqual([0, 10, 30, 60, 120, 300, 600]);
    // Still in queue: no queue time yet, so not a 0–10 s wait.
    expect(r.body.items.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(queued.length - waiting.length);
    expect(typeof r.body.p50Seconds).toBe('number');
    expect(r.body.p90Seconds).toBeGreaterThanOrEqual(r.body.p50Seconds);
  });

  test('abandon rate: customers who left while queued, overall and per queue', async () => {
    const r = await get('/v1/stats/abandon-rate?range=last7days');
    const queued = planned.filter((x) => inWeek(x) && x.status !== 'new');
    const abandoned = queued.filter((x) => x.status === 'closed' && !x.agent);
    expect(abandoned.length).toBeGreaterThan(0);
    expect(r.body).toMatchObject({ queued: queued.length, abandoned: abandoned.length, rate: Math.round((abandoned.length / queued.length) * 10_000) / 10_000 });
    const sales = r.body.byQueue.find((q: { queueId: string }) => q.queueId === 'q-sales');
    expect(sales).toMatchObject({ queueName: 'Sales', queued: queued.filter((x) => x.queue.id === 'q-sales').length, abandoned: abandoned.filter((x) => x.queue.id === 'q-sales').length });
  });

  test('abandon rate per queue counts every queue an interaction entered, and the abandon in the queue it left from', async () => {
    const id = 'cx-abandon-after-transfer';
    const ev = taskEventsIn(id, '2026-11-12T15', 'voice');
    // Answered in Sales, transferred to Billing, and the caller hangs up waiting there.
    await storeAndFold(env, 'acme', [
      ev('ab-1', 'CREATED', '00:00'),
      ev('ab-2', 'QUEUED', '00:05', { queue: { id: 'q-sales', name: 'Sales' } }),
      ev('ab-3', 'ROUTED', '00:30', { agent: { id: 'a-ann', name: 'Ann Smith' } }),
      ev('ab-4', 'TRANSFERRED', '02:00', { agent: { id: 'a-ann' }, reason: 'agent_transfer' }),
      ev('ab-5', 'QUEUED', '02:05', { queue: { id: 'q-billing', name: 'Billing' } }),
      ev('ab-6', 'CLOSED', '04:00', { reason: 'customer' }),
    ]);
    const day = 'from=2026-11-12&to=2026-11-13';
    const admin = (await get(`/v1/stats/abandon-rate?${day}`)).body;
    expect(admin).toMatchObject({ queued: 1, abandoned: 1, rate: 1 });
    expect(admin.byQueue.map((q: { queueId: string; queued: number; abandoned: number }) => [q.queueId, q.queued, q.abandoned])).toEqual([
      ['q-billing', 1, 1],
      ['q-sales', 1, 0],
    ]);
    // The Sales supervisor sees the interaction (it touched Sales) and only the Sales row.
    const sales = (await get(`/v1/stats/abandon-rate?${day}`, keys.sales)).body;
    expect(sales).toMatchObject({ queued: 1, abandoned: 1 });
    expect(sales.byQueue.map((q: { queueId: string; queued: number; abandoned: number }) => [q.queueId, q.queued, q.abandoned])).toEqual([['q-sales', 1, 0]]);
  });

  test('failing steps: errors and HTTP ≥ 400, per flow and step, most failures first, with run counts', async () => {
    const r = await get('/v1/stats/failing-steps?range=last7days&limit=5');
    expect(r.body.items).toEqual(expectedFailing(() => true));
  });

  test('a supervisor counts only interactions that touched their queues', async () => {
    const mine = planned.filter((x) => inWeek(x) && touchesSales(x));
    const hourly = await get('/v1/stats/interactions-per-hour?range=last7days', keys.sales);
    expect(hourly.body.items.reduce((n: number, i: { count: number }) => n + i.count, 0)).toBe(mine.length);
    const abandon = await get('/v1/stats/abandon-rate?range=last7days', keys.sales);
    expect(abandon.body.queued).toBe(mine.length);
    expect(abandon.body.byQueue.map((q: { queueId: string }) => q.queueId)).toEqual(['q-sales']);
    const steps = await get('/v1/stats/failing-steps?range=last7days', keys.sales);
    expect(steps.body.items).toEqual(expectedFailing(touchesSales));
    // No queues, nothing at all.
    const none = await get('/v1/stats/queue-time?range=last7days', keys.none);
    expect(none.body.queued).toBe(0);
  });

  test('bad parameters are 400 problem+json naming them', async () => {
    for (const [q, param] of [
      ['range=forever', 'range'],
      ['from=yesterday-ish', 'from'],
      ['queue=x', 'queue'],
    ] as const) {
      const r = await get(`/v1/stats/abandon-rate?${q}`);
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors[0].param).toBe(param);
    }
    expect((await get('/v1/stats/failing-steps?limit=51')).status).toBe(400);
  });

  test('the new routes are in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${p.baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const path of ['/v1/me', '/v1/stats/interactions-per-hour', '/v1/stats/queue-time', '/v1/stats/abandon-rate', '/v1/stats/failing-steps']) expect(doc.paths[path]).toBeDefined();
  });
});

describe('the console at /', () => {
  let dir: string;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cxfold-console-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app-1.js"></script>');
    writeFileSync(path.join(dir, 'assets/app-1.js'), 'console.log(1)');
    const app = express().use(apiRouter(env.db.db, { consoleDir: dir }));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test('index.html, revalidated, with a CSP that runs only its own scripts and talks only to this origin', async () => {
    const r = await fetch(`${base}/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('/assets/app-1.js');
    expect(r.headers.get('cache-control')).toBe('no-cache');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  test('hashed assets are cached for good; unknown assets are 404', async () => {
    const a = await fetch(`${base}/assets/app-1.js`);
    expect(a.status).toBe(200);
    expect(a.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}/assets/nope.js`)).status).toBe(404);
  });

  test('API paths are untouched: /v1 still needs a key, /openapi.json and /docs keep their own headers', async () => {
    expect((await fetch(`${base}/v1/interactions`)).status).toBe(401);
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
    const docs = await fetch(`${base}/docs`);
    expect(docs.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  test('without a build, / says how to build it (503)', async () => {
    rmSync(path.join(dir, 'index.html'));
    const r = await fetch(`${base}/`);
    expect(r.status).toBe(503);
    expect(await r.text()).toContain('npm run build:console');
  });
});
