import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { createTenant, createApiKey } from '@cxfold/db';
import { createTestEnv, startPipeline, storeAndFold, sendSigned, eventually, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import { plan, eventsFor, taskEventsIn, QUEUES, type Planned } from './fixtures.int-helpers';

let env: TestEnv;
let p: TestPipeline;
let planned: Planned[];
const keys: Record<'admin' | 'sales' | 'other', string> = { admin: '', sales: '', other: '' };
const NOW = Date.now();
const DAY = 86_400_000;

beforeAll(async () => {
  env = await createTestEnv();
  p = await startPipeline(env, { withApi: true, tenantSlug: 'acme' });
  await createTenant(env.db.db, 'globex', { timeZone: 'Asia/Kolkata' });
  keys.admin = (await createApiKey(env.db.db, 'acme', 'admin', [])).key;
  keys.sales = (await createApiKey(env.db.db, 'acme', 'supervisor', ['q-sales'])).key;
  keys.other = (await createApiKey(env.db.db, 'globex', 'admin', [])).key;
  planned = plan('t', 90, NOW, 6 * DAY);
  await storeAndFold(env, 'acme', planned.flatMap(eventsFor));
  await storeAndFold(env, 'globex', plan('g', 5, NOW, DAY).flatMap(eventsFor));
});
afterAll(async () => {
  await p.close();
  await env.teardown();
});

async function get(pathAndQuery: string, key: string = keys.admin) {
  const res = await fetch(`${p.baseUrl}${pathAndQuery}`, { headers: { authorization: `Bearer ${key}` } });
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
  return { status: res.status, body: body as any, headers: res.headers };
}

/** Every page of a list, following nextCursor. */
async function all(pathAndQuery: string, key: string = keys.admin, limit = 500): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = pathAndQuery.includes('?') ? '&' : '?';
    const r = await get(`${pathAndQuery}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, key);
    expect({ status: r.status, body: r.status === 200 ? null : r.body }).toEqual({ status: 200, body: null });
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return items;
}

const localDate = (ms: number, tz = 'America/New_York') => new Date(ms).toLocaleDateString('en-CA', { timeZone: tz });
const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();
const expectIds = (pl: Planned[]) => pl.map((x) => x.id).sort();

describe('GET /v1/interactions', () => {
  const week = 'range=last7days';
  test('every filter returns exactly the matching interactions, with the total', async () => {
    const cases: [string, (x: Planned) => boolean][] = [
      ['', () => true],
      ['agent=aNN', (x) => x.agent?.id === 'a-ann'],
      ['agent=jones', (x) => x.agent?.name === 'Bob Jones'],
      ['queue=q-sales&queue=q-billing', (x) => x.status !== 'new' && (x.queue.id === 'q-sales' || x.queue.id === 'q-billing')],
      ['channel=chat,SMS', (x) => x.channel === 'chat' || x.channel === 'sms'],
      ['did=%2B18005550101', (x) => x.did === '+18005550101'],
      ['disposition=RESOLVED', (x) => x.disposition === 'RESOLVED'],
      ['status=queued&status=new', (x) => x.status === 'queued' || x.status === 'new'],
      ['status=closed&channel=voice&queue=q-support', (x) => x.status === 'closed' && x.channel === 'voice' && x.queue.id === 'q-support'],
    ];
    for (const [q, match] of cases) {
      const expected = planned.filter((x) => localDate(x.createdAt) >= localDate(NOW - 6 * DAY) && match(x));
      const items = await all(`/v1/interactions?${week}${q ? `&${q}` : ''}`);
      expect({ q, ids: ids(items) }).toEqual({ q, ids: expectIds(expected) });
      const first = await get(`/v1/interactions?${week}${q ? `&${q}` : ''}&limit=1`);
      expect(first.body.total).toBe(expected.length);
    }
  });

  test('queue and agent filters match any leg, not only the last one (an agent who let it ring out is not one)', async () => {
    const id = 'cx-filter-any-leg';
    const ev = taskEventsIn(id, '2026-11-10T18', 'voice');
    // Answered in one queue by one agent, transferred, answered in another by another.
    await storeAndFold(env, 'acme', [
      ev('fa-1', 'CREATED', '00:00'),
      ev('fa-2', 'QUEUED', '00:05', { queue: { id: 'q-sales', name: 'Sales' } }),
      ev('fa-3', 'ROUTED', '00:20', { agent: { id: 'ag-leg-first', name: 'Ada Firstleg' } }),
      ev('fa-4', 'TRANSFERRED', '01:00', { agent: { id: 'ag-leg-first' }, reason: 'agent_transfer' }),
      ev('fa-5', 'QUEUED', '01:05', { queue: { id: 'q-billing', name: 'Billing' } }),
      // Offered to Rita first, who let it ring out: she never handled it.
      ev('fa-5r', 'ROUTED', '01:10', { agent: { id: 'ag-leg-rona', name: 'Rita Ringout' } }),
      ev('fa-5t', 'TRANSFERRED', '01:25', { agent: { id: 'ag-leg-rona' }, reason: 'rona' }),
      ev('fa-5q', 'QUEUED', '01:26', { queue: { id: 'q-billing', name: 'Billing' } }),
      ev('fa-6', 'ROUTED', '01:30', { agent: { id: 'ag-leg-second', name: 'Bo Secondleg' } }),
      ev('fa-7', 'CLOSED', '03:00', { reason: 'agent' }),
    ]);
    for (const q of ['agent=ringout', 'agent=ag-leg-rona']) expect((await get(`/v1/interactions?from=2026-11-10&to=2026-11-11&${q}`)).body.total).toBe(0);
    expect((await get('/v1/agents/ag-leg-rona/history')).body.items).toEqual([]);
    expect((await get('/v1/agents/ag-leg-second/history')).body.items.map((h: { id: string }) => h.id)).toEqual([id]);
    const day = 'from=2026-11-10&to=2026-11-11';
    // (A day of its own, long before the generated weeks: the queues are the fixtures' own.)
    for (const q of ['queue=q-sales', 'queue=q-billing', 'agent=firstleg', 'agent=ag-leg-second']) {
      const r = await get(`/v1/interactions?${day}&${q}`);
      expect({ q, ids: r.body.items.map((i: { id: string }) => i.id), total: r.body.total }).toEqual({ q, ids: [id], total: 1 });
    }
    expect((await get(`/v1/interactions?${day}&queue=q-support`)).body.total).toBe(0);
    // A Sales supervisor filtering on Sales sees what they see unfiltered.
    expect((await get(`/v1/interactions?${day}&queue=q-sales`, keys.sales)).body.total).toBe((await get(`/v1/interactions?${day}`, keys.sales)).body.total);
  });

  test('today and yesterday are days in the tenant time zone', async () => {
    const today = planned.filter((x) => localDate(x.createdAt) === localDate(NOW));
    const yesterday = planned.filter((x) => localDate(x.createdAt) === localDate(NOW - DAY));
    expect(ids(await all('/v1/interactions?range=today'))).toEqual(expectIds(today));
    expect(ids(await all('/v1/interactions?range=yesterday'))).toEqual(expectIds(yesterday));
    expect(ids(await all('/v1/interactions'))).toEqual(expectIds(today));
  });

  test('rows carry the seed 001 columns; timestamps are UTC ISO with ms; durations in seconds', async () => {
    const closed = planned.find((x) => x.status === 'closed' && x.agent)!;
    const items = await all(`/v1/interactions?range=last7days&status=closed`);
    const row = items.find((i) => i.id === closed.id);
    expect(row).toEqual({
      id: closed.id,
      created: new Date(closed.createdAt).toISOString(),
      closed: new Date(closed.closedAt!).toISOString(),
      channel: closed.channel,
      queue: closed.queue,
      agent: closed.agent,
      client: closed.origin,
      origin: closed.origin,
      did: closed.did,
      disposition: closed.disposition,
      duration: (closed.closedAt! - closed.createdAt) / 1000,
      acw: null,
      status: 'closed',
    });
  });

  test('sorting by any column with cursor pages: same order as one big page, no gaps, no repeats', async () => {
    for (const sort of ['created', 'closed', 'agent', 'client', 'duration', 'queue', 'status']) {
      for (const order of ['asc', 'desc']) {
        const big = await all(`/v1/interactions?range=last7days&sort=${sort}&order=${order}`, keys.admin, 500);
        const small = await all(`/v1/interactions?range=last7days&sort=${sort}&order=${order}`, keys.admin, 7);
        expect(small.map((i) => i.id)).toEqual(big.map((i) => i.id));
        expect(new Set(small.map((i) => i.id)).size).toBe(small.length);
      }
    }
  });

  test('pagination while new interactions are inserted: every existing row exactly once', async () => {
    const before = await all('/v1/interactions?range=last7days&sort=created&order=desc');
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const r = await get(`/v1/interactions?range=last7days&sort=created&order=desc&limit=9${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.body.items.map((i: { id: string }) => i.id));
      cursor = r.body.nextCursor;
      // Inserts on both sides of the cursor: newer (already passed) and older (still ahead).
      const fresh = plan(`ins${round++}`, 2, NOW - DAY, DAY);
      await storeAndFold(env, 'acme', fresh.flatMap(eventsFor));
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before.map((i) => i.id)) expect(seen).toContain(id);
    // Leave the generated day as the other tests expect it.
    for (const [table, col, pattern] of [['interactions', 'id', 'ins%'], ['segments', 'interaction_id', 'ins%'], ['flow_executions', 'id', 'fx-ins%'], ['flow_steps', 'execution_id', 'fx-ins%']] as const) {
      await env.db.sql.unsafe(`delete from ${table} where ${col} like $1`, [pattern]);
    }
  });

  test('bad parameters answer 400 naming the parameter; no stack traces', async () => {
    for (const [q, param] of [
      ['status=gone', 'status'],
      ['limit=0', 'limit'],
      ['sort=price', 'sort'],
      ['from=yesterday-ish', 'from'],
      ['cursor=bm9wZQ', 'cursor'],
      ['colour=red', 'colour'],
      ['range=fortnight', 'range'],
    ]) {
      const r = await get(`/v1/interactions?${q}`);
      expect({ q, status: r.status }).toEqual({ q, status: 400 });
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
      expect(r.body.errors.map((e: { param: string }) => e.param)).toContain(param);
      expect(JSON.stringify(r.body)).not.toMatch(/\.ts:\d+|at async|select /);
    }
  });

  /** A 400 problem naming exactly these parameters. */
  async function expectBadParams(res: { status: number; body: any; headers: Headers }, params: string[]) {
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.body.errors.map((e: { param: string }) => e.param).sort()).toEqual([...params].sort());
  }
  const cursorOf = (c: object) => Buffer.from(JSON.stringify(c)).toString('base64url');

  test('values the database cannot take are 400s naming the parameter, not 500s', async () => {
    await expectBadParams(await get('/v1/interactions?agent=a%00b'), ['agent']);
    await expectBadParams(await get('/v1/interactions?queue=q-sales&queue=x%00'), ['queue']);
    await expectBadParams(await get('/v1/interactions/t-1%00'), ['id']);
    await expectBadParams(await get('/v1/contacts/%2B1%00/history'), ['address']);
    await expectBadParams(await get('/v1/interactions?from=2026-02-30'), ['from']);
    await expectBadParams(await get('/v1/interactions?from=0099-01-01'), ['from']);
    await expectBadParams(await get('/v1/interactions?from=2026-01-01T25:00'), ['from']);
    // "Everything up to the end of time" is a fair question: clamped, answered.
    const all = await get('/v1/interactions?from=2000-01-01&to=9999-12-31&limit=1');
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThanOrEqual(90);
    const post = (body: unknown) =>
      fetch(`${p.baseUrl}/v1/saved-searches`, { method: 'POST', headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as any,
        headers: r.headers,
      }));
    await expectBadParams(await post({ list: 'interactions', name: 'a\u0000b', query: {} }), ['body.name']);
    await expectBadParams(await post({ list: 'interactions', name: 'ok', query: { agent: 'x\u0000' } }), ['body.query.agent']);
  });

  test('each unknown parameter is its own error, in the query and in a body', async () => {
    await expectBadParams(await get('/v1/interactions?colour=red&size=9'), ['colour', 'size']);
    const res = await fetch(`${p.baseUrl}/v1/saved-searches`, { method: 'POST', headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ list: 'interactions', name: 'x', query: {}, colour: 'red' }) });
    await expectBadParams({ status: res.status, body: await res.json(), headers: res.headers }, ['body.colour']);
    // Routes without query parameters refuse one too, rather than ignoring it.
    await expectBadParams(await get('/v1/filter-options/queues?bogus=1'), ['bogus']);
    for (const method of ['PATCH', 'DELETE', 'POST']) {
      const path = method === 'POST' ? '/v1/saved-searches?bogus=1' : '/v1/saved-searches/1?bogus=1';
      const r = await fetch(`${p.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' }, body: method === 'DELETE' ? null : JSON.stringify({ name: 'y', ...(method === 'POST' ? { list: 'interactions', query: {} } : {}) }) });
      await expectBadParams({ status: r.status, body: await r.json(), headers: r.headers }, ['bogus']);
    }
  });

  test('a saved search query is flat (parameter → value or values): a deeply nested one is a 400, not a stack overflow', async () => {
    const post = async (body: string) => {
      const r = await fetch(`${p.baseUrl}/v1/saved-searches`, { method: 'POST', headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' }, body });
      return { status: r.status, body: await r.json(), headers: r.headers };
    };
    const deep = 3_000;
    const nested = await post(`{"list":"interactions","name":"deep","query":{"a":${'['.repeat(deep)}${']'.repeat(deep)}}}`);
    await expectBadParams(nested, ['body.query.a']);
    await expectBadParams(await post(JSON.stringify({ list: 'interactions', name: 'obj', query: { a: { b: 'c' } } })), ['body.query.a']);
    // A NUL in a key is named by its path too.
    await expectBadParams(await post(JSON.stringify({ list: 'interactions', name: 'nul', query: { 'a\u0000b': ['x'] } })), ['body.query.a\u0000b']);
    expect((await get('/v1/saved-searches')).body.items).toEqual([]);
  });

  test('a cursor the API writes for a long non-Latin sort value is one it takes back', async () => {
    const name = '山'.repeat(200);
    const at = new Date(NOW - 2 * DAY).toISOString();
    await storeAndFold(env, 'acme', [0, 1].map((i) => ({ kind: 'task' as const, eventId: `long-name-${i}`, body: { eventType: 'CREATED', taskId: `${'t'.repeat(190)}-${i}`, timestamp: at, mediaType: 'chat', customerName: name } })));
    const first = await get(`/v1/interactions?range=last7days&sort=client&order=desc&limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.items[0].client).toBe(name);
    expect(first.body.nextCursor.length).toBeGreaterThan(1_000);
    const second = await get(`/v1/interactions?range=last7days&sort=client&order=desc&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].client).toBe(name);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    await env.db.sql`delete from interactions where tenant = 'acme' and id like 'tttt%'`;
  });

  test('a cursor continues only the list, sort and order that issued it; forged values are 400s', async () => {
    const first = await get('/v1/interactions?range=last7days&sort=created&limit=5');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const c = first.body.nextCursor as string;
    expect((await get(`/v1/interactions?range=last7days&sort=created&limit=5&cursor=${c}`)).status).toBe(200);
    for (const other of ['sort=duration', 'sort=agent', 'sort=created&order=asc']) {
      const r = await get(`/v1/interactions?range=last7days&${other}&limit=5&cursor=${c}`);
      await expectBadParams(r, ['cursor']);
      expect(r.body.detail).toMatch(/another list, sort or order/);
    }
    await expectBadParams(await get(`/v1/flow-executions?range=last7days&cursor=${c}`), ['cursor']);
    // A cursor naming the right scroll but carrying a value that is no timestamp, or no number.
    await expectBadParams(await get(`/v1/interactions?cursor=${cursorOf({ k: 'interactions:created:desc', v: 'soon', id: 'x' })}`), ['cursor']);
    await expectBadParams(await get(`/v1/interactions?sort=duration&cursor=${cursorOf({ k: 'interactions:duration:desc', v: 'long', id: 'x' })}`), ['cursor']);
    // One that passes our checks but not the database's calendar: the backstop answers 400.
    const backstop = await get(`/v1/interactions?cursor=${cursorOf({ k: 'interactions:created:desc', v: '2026-02-30T00:00:00Z', id: 'x' })}`);
    expect(backstop.status).toBe(400);
    expect(backstop.body.detail).toMatch(/cannot be used: .*date\/time field value out of range/);
  });
});

describe('date ranges across time zones', () => {
  // 2026-03-07 23:59:59.999 and 2026-03-08 00:00:00.000 in New York (EST, UTC-5) and Kolkata (UTC+5:30).
  const edge = { ny: [Date.UTC(2026, 2, 8, 4, 59, 59, 999), Date.UTC(2026, 2, 8, 5, 0, 0, 0)], kol: [Date.UTC(2026, 2, 7, 18, 29, 59, 999), Date.UTC(2026, 2, 7, 18, 30, 0, 0)] };
  beforeAll(async () => {
    const mk = (id: string, at: number): Planned => ({ id, createdAt: at, channel: 'chat', queue: QUEUES[0]!, agent: null, status: 'new', did: '+1', origin: '+2', disposition: null, closedAt: null });
    await storeAndFold(env, 'acme', [...eventsFor(mk('ny-late', edge.ny[0]!)), ...eventsFor(mk('ny-early', edge.ny[1]!))]);
    await storeAndFold(env, 'globex', [...eventsFor(mk('kol-late', edge.kol[0]!)), ...eventsFor(mk('kol-early', edge.kol[1]!))]);
  });
  test('a day is midnight to midnight in the tenant zone', async () => {
    expect(ids(await all('/v1/interactions?from=2026-03-07&to=2026-03-07'))).toEqual(['ny-late']);
    expect(ids(await all('/v1/interactions?from=2026-03-08&to=2026-03-08'))).toEqual(['ny-early']);
    expect(ids(await all('/v1/interactions?from=2026-03-07&to=2026-03-07', keys.other))).toEqual(['kol-late']);
    expect(ids(await all('/v1/interactions?from=2026-03-08&to=2026-03-08', keys.other))).toEqual(['kol-early']);
    const r = await get('/v1/interactions?from=2026-03-07&to=2026-03-07', keys.other);
    expect(r.body.range).toEqual({ from: '2026-03-06T18:30:00.000Z', to: '2026-03-07T18:30:00.000Z', timeZone: 'Asia/Kolkata' });
    // A local date-time without zone is tenant time; an instant with zone is taken as is.
    expect(ids(await all('/v1/interactions?from=2026-03-07T23:59:59.999&to=2026-03-08T00:00:00.001'))).toEqual(['ny-early', 'ny-late']);
  });
});

describe('access: admin, supervisor, other tenant', () => {
  const salesIds = () => planned.filter((x) => x.status !== 'new' && x.queue.id === 'q-sales').map((x) => x.id);
  test('a supervisor sees only interactions that touched their queues, in lists, counts, details, history, options and flows', async () => {
    const mine = await all('/v1/interactions?range=last7days', keys.sales);
    const expected = planned.filter((x) => localDate(x.createdAt) >= localDate(NOW - 6 * DAY) && salesIds().includes(x.id));
    expect(ids(mine)).toEqual(expectIds(expected));
    const notMine = planned.find((x) => x.queue.id === 'q-support' && x.status === 'closed')!;
    expect((await get(`/v1/interactions/${notMine.id}`, keys.sales)).status).toBe(404);
    expect((await get(`/v1/interactions/${notMine.id}`, keys.admin)).status).toBe(200);
    const own = planned.find((x) => x.queue.id === 'q-sales' && x.status === 'closed')!;
    expect((await get(`/v1/interactions/${own.id}`, keys.sales)).status).toBe(200);
    const options = await get('/v1/filter-options/queues', keys.sales);
    expect(options.body.options).toEqual([{ value: 'q-sales', label: 'Sales' }]);
    const adminOptions = await get('/v1/filter-options/queues', keys.admin);
    expect(adminOptions.body.options.map((o: { value: string }) => o.value)).toEqual(['q-billing', 'q-sales', 'q-support']);
    const flows = await all('/v1/flow-executions?range=last7days', keys.sales);
    expect(flows.every((f) => salesIds().includes(f.interactionId))).toBe(true);
    expect(flows.length).toBeGreaterThan(0);
    const contact = notMine.origin;
    const hist = await get(`/v1/contacts/${encodeURIComponent(contact)}/history`, keys.sales);
    expect(hist.body.items.every((h: { id: string }) => salesIds().includes(h.id))).toBe(true);
    expect((await get(`/v1/flow-executions/fx-${notMine.id}`, keys.sales)).status).toBe(404);
  });

  test('another tenant’s key: 404 on every detail, nothing in lists', async () => {
    const x = planned.find((y) => y.status === 'closed')!;
    for (const path of [`/v1/interactions/${x.id}`, `/v1/flow-executions/fx-${x.id}`]) {
      const r = await get(path, keys.other);
      expect(r.status).toBe(404);
      expect(JSON.stringify(r.body)).not.toContain(x.id);
    }
    const lists = await all('/v1/interactions?range=last7days', keys.other);
    expect(lists.every((i) => i.id.startsWith('g-') || i.id.startsWith('kol-'))).toBe(true);
    expect((await get(`/v1/contacts/${encodeURIComponent(x.origin)}/history`, keys.other)).body.items.filter((h: { id: string }) => h.id.startsWith('t-'))).toEqual([]);
    // globex has its own a-ann: only globex interactions come back.
    const agentItems = (await get(`/v1/agents/a-ann/history`, keys.other)).body.items as { id: string }[];
    expect(agentItems.length).toBeGreaterThan(0);
    expect(agentItems.filter((h) => !h.id.startsWith('g-'))).toEqual([]);
  });

  test('the matrix: admin / in-scope supervisor / out-of-scope supervisor / other tenant × every endpoint', async () => {
    const own = planned.find((y) => y.queue.id === 'q-sales' && y.status === 'closed' && y.agent)!;
    const foreign = planned.find((y) => y.queue.id === 'q-support' && y.status === 'closed' && y.agent)!;
    const supportSup = (await createApiKey(env.db.db, 'acme', 'supervisor', ['q-support'])).key;
    type Who = 'admin' | 'sales' | 'support' | 'other';
    const key: Record<Who, string> = { admin: keys.admin, sales: keys.sales, support: supportSup, other: keys.other };
    // For the record `own` (queue q-sales): who may see it, per endpoint.
    const detailPaths = [`/v1/interactions/${own.id}`, `/v1/interactions/${own.id}?include=events`, `/v1/flow-executions/fx-${own.id}`];
    const sees: Record<Who, boolean> = { admin: true, sales: true, support: false, other: false };
    for (const who of Object.keys(key) as Who[]) {
      for (const path of detailPaths) expect({ who, path, status: (await get(path, key[who])).status }).toEqual({ who, path, status: sees[who] ? 200 : 404 });
      const has = (items: { id?: string; interactionId?: string }[]) => items.some((i) => i.id === own.id || i.interactionId === own.id);
      const lists: [string, (b: any) => boolean][] = [
        ['/v1/interactions?range=last7days&limit=500', (b) => has(b.items)],
        ['/v1/flow-executions?range=last7days&limit=500', (b) => has(b.items)],
        [`/v1/contacts/${encodeURIComponent(own.origin)}/history`, (b) => has(b.items)],
        [`/v1/agents/${own.agent!.id}/history`, (b) => has(b.items)],
      ];
      for (const [path, found] of lists) {
        const r = await get(path, key[who]);
        expect({ who, path, status: r.status, found: found(r.body) }).toEqual({ who, path, status: 200, found: sees[who] });
      }
      const csv = await get('/v1/interactions/export?format=csv&range=last7days&truncate=true', key[who]);
      expect({ who, csv: (csv.body as Buffer).toString('utf8').includes(own.id) }).toEqual({ who, csv: sees[who] });
      const flowCsv = await get('/v1/flow-executions/export?format=csv&range=last7days&truncate=true', key[who]);
      expect({ who, flowCsv: (flowCsv.body as Buffer).toString('utf8').includes(own.id) }).toEqual({ who, flowCsv: sees[who] });
      const queues = (await get('/v1/filter-options/queues', key[who])).body.options.map((o: { value: string }) => o.value);
      expect({ who, sales: queues.includes('q-sales') }).toEqual({ who, sales: who === 'admin' || who === 'sales' || who === 'other' });
      const sessions = await get('/v1/workflow-sessions', key[who]);
      expect(sessions.status).toBe(200);
    }
    // The supervisor of q-support sees `foreign`, the one of q-sales does not.
    expect((await get(`/v1/interactions/${foreign.id}`, supportSup)).status).toBe(200);
    expect((await get(`/v1/interactions/${foreign.id}`, keys.sales)).status).toBe(404);
    const totals = await Promise.all([keys.admin, keys.sales, supportSup].map(async (k) => (await get('/v1/interactions?range=last7days&limit=1', k)).body.total as number));
    expect(totals[1]! + totals[2]!).toBeLessThanOrEqual(totals[0]!);
    expect(totals[1]).toBeGreaterThan(0);
  });

  test('no key or a wrong key: 401', async () => {
    expect((await fetch(`${p.baseUrl}/v1/interactions`)).status).toBe(401);
    expect((await get('/v1/interactions', 'cxk_wrong')).status).toBe(401);
  });
});

describe('detail, history, flows, sessions', () => {
  test('history of a client and of an agent lists their interactions with content', async () => {
    const client = planned[3]!.origin;
    const hist = await get(`/v1/contacts/${encodeURIComponent(client)}/history`);
    expect(ids(hist.body.items)).toEqual(expectIds(planned.filter((x) => x.origin === client)));
    expect(hist.body.items[0].content).toBe(`hello from ${client}`);
    const agentHist = await get('/v1/agents/a-bob/history');
    expect(ids(agentHist.body.items)).toEqual(expectIds(planned.filter((x) => x.agent?.id === 'a-bob')));
  });

  test('flow executions: filters, detail with steps and step search, workflow sessions', async () => {
    const voice = await all('/v1/flow-executions?range=last7days&flowName=IVR%20Main%20Menu');
    const expected = planned.filter((x) => x.channel === 'voice' && localDate(x.createdAt - 20_000) >= localDate(NOW - 6 * DAY));
    expect(voice.map((f) => f.interactionId).sort()).toEqual(expectIds(expected));
    const x = planned[0]!;
    const byPhone = await all(`/v1/flow-executions?range=last7days&phone=${encodeURIComponent(x.origin)}&phoneIn=from`);
    expect(byPhone.map((f) => f.interactionId).sort()).toEqual(expectIds(planned.filter((y) => y.origin === x.origin && localDate(y.createdAt - 20_000) >= localDate(NOW - 6 * DAY))));
    const longOnes = await all('/v1/flow-executions?range=last7days&duration=19&durationOp=gte');
    expect(longOnes.length).toBe(voice.length + (await all('/v1/flow-executions?range=last7days&flowName=Live%20Chat%20Inbound%20Flow')).length);
    expect(await all('/v1/flow-executions?range=last7days&duration=19&durationOp=lt')).toEqual([]);
    const d = await get(`/v1/flow-executions/fx-${x.id}?stepName=main`);
    expect(d.body).toMatchObject({ id: `fx-${x.id}`, interactionId: x.id, status: 'completed', details: { from: x.origin, to: x.did, lastStepExecuted: 'Main menu', tag: 'Live' } });
    expect(d.body.steps.map((s: { seq: number; name: string }) => [s.seq, s.name])).toEqual([[1, 'Main menu']]);
    expect(d.body.raw).toHaveLength(3);
    expect((await get(`/v1/flow-executions/fx-${x.id}?stepName=nothing`)).body.steps).toEqual([]);
    await storeAndFold(env, 'acme', [{ kind: 'flow', eventId: 'live-1', body: { type: 'step.executed', executionId: 'live-x', timestamp: new Date(NOW - 65_000).toISOString(), seq: 4, stepType: 'queue_contact', name: 'Queue it' } }]);
    const sessions = await get('/v1/workflow-sessions');
    const live = sessions.body.items.find((s: { sessionId: string }) => s.sessionId === 'live-x');
    expect(live.currentWorkflowItem).toEqual({ id: null, name: 'Queue it', type: 'queue_contact' });
    expect(live.timeInWorkflow).toBeGreaterThanOrEqual(65);
    // A cut list says it is one: `total` counts every active session, the items the longest-running.
    await storeAndFold(env, 'acme', [{ kind: 'flow', eventId: 'live-2', body: { type: 'execution.started', executionId: 'live-y', timestamp: new Date(NOW - 30_000).toISOString(), flowName: 'Later' } }]);
    const active = (await get('/v1/workflow-sessions')).body;
    expect(active.total).toBe(active.items.length);
    const one = (await get('/v1/workflow-sessions?limit=1')).body;
    expect(one).toMatchObject({ total: active.total, items: [{ sessionId: active.items[0].sessionId }] });
    expect(active.items.map((s: { sessionId: string }) => s.sessionId)).toEqual(expect.arrayContaining(['live-x', 'live-y']));
  });

  test('the CxEngage detail of an abandon folded over HTTP has the seed 004 timings', async () => {
    const at = (t: string) => `2026-11-10T19:${t}Z`;
    const id = 'cx-abandon-1';
    await sendSigned(p.baseUrl, p.tenant, 'tasks/created', { taskId: id, timestamp: at('20:33.394'), mediaType: 'voice', origin: '+15065552222', destination: '+15065551111' });
    await sendSigned(p.baseUrl, p.tenant, 'tasks/queued', { taskId: id, timestamp: at('20:33.567'), queue: { id: 'q-support', name: 'Support' }, ewt: -1 });
    await sendSigned(p.baseUrl, p.tenant, 'tasks/closed', { taskId: id, timestamp: at('22:07.560'), reason: 'customer' });
    const d = await eventually(async () => {
      const r = await get(`/v1/interactions/${id}?include=events`);
      return r.status === 200 && r.body.endTimestamp ? r.body : null;
    });
    expect(d).toMatchObject({
      interactionId: id,
      tenantId: 'acme',
      startTimestamp: '2026-11-10T19:20:33.394Z',
      endTimestamp: '2026-11-10T19:22:07.560Z',
      interactionTime: 94.166,
      ivrTime: 0.173,
      customerAbandonTime: 94.166,
      customerHolds: 0,
      direction: 'inbound',
      channelType: 'voice',
      contactPoint: '+15065551111',
      customer: '+15065552222',
    });
    expect(d.queues).toEqual([expect.objectContaining({ queueId: 'q-support', queueName: 'Support', queueEntryType: 'ivr', queueExitType: 'abandon', queueAbandoned: true, queueTime: 93.993, queueAbandonTime: 93.993 })]);
    expect(d.segments).toEqual([expect.objectContaining({ segmentNumber: 0, segmentStartType: 'interaction', segmentEndType: 'customer-disconnect', segmentCancelled: true, segmentCancelTime: 94.166 })]);
    expect(d.events.map((e: { type: string }) => e.type)).toEqual(['CREATED', 'QUEUED', 'CLOSED']);
  });

  test('include=events lists the stored events in fold order: a transfer before the re-created task of its second', async () => {
    const id = 'cx-transfer-order';
    const at = (t: string) => `2026-11-10T15:${t}Z`;
    const ev = (eventId: string, eventType: string, t: string, extra: Record<string, unknown> = {}) => ({ kind: 'task' as const, eventId, body: { eventType, taskId: id, timestamp: at(t), ...extra } });
    await storeAndFold(env, 'acme', [
      ev('to-1', 'CREATED', '00:00', { mediaType: 'chat' }),
      ev('to-2', 'QUEUED', '00:01', { queue: { id: 'q1', name: 'Sales' } }),
      ev('to-3', 'ROUTED', '00:05', { agent: { id: 'a1', name: 'Ann' } }),
      // The transfer and the re-created task's CREATED and QUEUED, stamped to the same second.
      ev('to-4', 'TRANSFERRED', '01:00', { agent: { id: 'a1' }, reason: 'agent_transfer' }),
      ev('to-5', 'CREATED', '01:00', { mediaType: 'chat' }),
      ev('to-6', 'QUEUED', '01:00', { queue: { id: 'q2', name: 'Support' } }),
    ]);
    const d = (await get(`/v1/interactions/${id}?include=events`)).body;
    expect(d.queues.map((q: { queueEntryType: string }) => q.queueEntryType)).toEqual(['ivr', 'transfer']);
    // Ann created segment 1 by her transfer; nobody has accepted it yet.
    expect(d.segments.map((s: { segmentAgentId: string | null; segmentToAgentId: string | null }) => [s.segmentAgentId, s.segmentToAgentId])).toEqual([
      [null, null],
      ['a1', null],
    ]);
    expect(d.events.map((e: { eventId: string; type: string }) => `${e.eventId} ${e.type}`)).toEqual(['to-1 CREATED', 'to-2 QUEUED', 'to-3 ROUTED', 'to-4 TRANSFERRED', 'to-5 CREATED', 'to-6 QUEUED']);
  });

  test('include=events: a task whose first second holds its creation, queueing, routing and transfer lists them as that chain', async () => {
    const id = 'cx-first-second-chain';
    const ev = (eventId: string, eventType: string, extra: Record<string, unknown> = {}) => ({
      kind: 'task' as const,
      eventId,
      body: { eventType, taskId: id, timestamp: '2026-11-10T16:00:00Z', mediaType: 'chat', ...extra },
    });
    // Ids in no helpful order: the queue each ROUTED names says which QUEUED came first.
    await storeAndFold(env, 'acme', [
      ev('fs-9', 'CREATED'),
      ev('fs-8', 'QUEUED', { queue: { id: 'q1', name: 'Sales' } }),
      ev('fs-7', 'ROUTED', { agent: { id: 'a1', name: 'Ann' }, queue: { id: 'q1' } }),
      ev('fs-6', 'TRANSFERRED', { agent: { id: 'a1' }, reason: 'agent_transfer' }),
      ev('fs-1', 'QUEUED', { queue: { id: 'q2', name: 'Support' } }),
    ]);
    const d = (await get(`/v1/interactions/${id}?include=events`)).body;
    expect(d.events.map((e: { eventId: string; type: string }) => `${e.eventId} ${e.type}`)).toEqual(['fs-9 CREATED', 'fs-8 QUEUED', 'fs-7 ROUTED', 'fs-6 TRANSFERRED', 'fs-1 QUEUED']);
    expect(d.queues.map((q: { queueEntryType: string; queueId: string }) => [q.queueEntryType, q.queueId])).toEqual([
      ['ivr', 'q1'],
      ['transfer', 'q2'],
    ]);
  });

  test('include=events lists dead-lettered events last, marked, out of the fold order', async () => {
    const id = 'cx-dead-lettered-listed';
    const ev = taskEventsIn(id, '2026-11-10T17', 'chat');
    await storeAndFold(env, 'acme', [
      ev('dl-1', 'CREATED', '00:00'),
      ev('dl-2', 'QUEUED', '00:01', { queue: { id: 'q1' } }),
      ev('dl-3', 'ROUTED', '00:03', { agent: { id: 'a9' } }),
      ev('dl-4', 'ROUTED', '01:00', { agent: { id: 'a1' } }),
      ev('dl-5', 'TRANSFERRED', '01:00', { reason: 'rona' }),
    ]);
    await env.db.sql`update raw_events set dead_lettered_at = now() where tenant = 'acme' and event_id = 'dl-3'`;
    const d = (await get(`/v1/interactions/${id}?include=events`)).body;
    expect(d.events.map((e: { eventId: string; deadLettered: boolean }) => [e.eventId, e.deadLettered])).toEqual([
      ['dl-1', false],
      ['dl-2', false],
      ['dl-4', false],
      ['dl-5', false],
      ['dl-3', true],
    ]);
  });
});

describe('exports', () => {
  test('CSV of the filtered list, with the file name in the tenant’s dates', async () => {
    const r = await get('/v1/interactions/export?format=csv&range=last7days&channel=voice');
    expect(r.status).toBe(200);
    const today = localDate(NOW);
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="cc-interactions-${localDate(NOW - 6 * DAY)}-to-${today}.csv"`);
    const lines = (r.body as Buffer).toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    const expected = planned.filter((x) => x.channel === 'voice' && localDate(x.createdAt) >= localDate(NOW - 6 * DAY));
    expect(lines).toHaveLength(expected.length + 1);
    expect(lines[0]).toContain('Created');
    for (const x of expected) expect(lines.some((l) => l.includes(x.id))).toBe(true);
    // An instant bound whose date on the tenant's clock is in year 999: still a file name, not a 500.
    const edge = await get('/v1/interactions/export?format=csv&from=1000-01-01T00:00:00Z&to=1000-01-02T00:00:00Z');
    expect(edge.status).toBe(200);
    expect(edge.headers.get('content-disposition')).toBe('attachment; filename="cc-interactions-1000-01-01-to-1000-01-01.csv"');
  });

  test('the Flow Version filter takes 20 and v20 for the same version', async () => {
    const started = (id: string, version: string | number) => ({
      kind: 'flow' as const,
      eventId: `${id}-s`,
      body: { type: 'execution.started', executionId: id, timestamp: '2026-11-10T21:00:00Z', flowId: 'f-versions', flowName: 'Versions Flow', version },
    });
    await storeAndFold(env, 'acme', [started('fx-v-number', 20), started('fx-v-text', 'v20'), started('fx-v-other', 'v21')]);
    for (const version of ['20', 'v20', 'V20']) {
      const r = await get(`/v1/flow-executions?from=2026-11-10&to=2026-11-11&flowName=Versions+Flow&version=${version}`);
      expect({ version, ids: r.body.items.map((i: { id: string }) => i.id).sort() }).toEqual({ version, ids: ['fx-v-number', 'fx-v-text'] });
    }
    // The multi-select offers that version once, as Webex Connect names it.
    const options = (await get('/v1/filter-options/versions')).body.options as { value: string; label: string }[];
    expect(options.filter((o) => ['20', 'v20', '21', 'v21'].includes(o.value))).toEqual([
      { value: '20', label: 'v20' },
      { value: '21', label: 'v21' },
    ]);
  });

  test('flow CSV: Interaction ID as the list shows it (empty when unlinked), the execution id in its own column', async () => {
    await storeAndFold(env, 'acme', [
      { kind: 'flow', eventId: 'unlinked-s', body: { type: 'execution.started', executionId: 'fx-unlinked', timestamp: '2026-11-10T20:00:00Z', flowId: 'f-health', flowName: 'Queue Health Check', version: '1' } },
    ]);
    const r = await get('/v1/flow-executions/export?format=csv&from=2026-11-10&to=2026-11-11&flowName=Queue+Health+Check');
    expect(r.status).toBe(200);
    const [header, row, ...rest] = (r.body as Buffer).toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rest).toEqual([]);
    const cells = (line: string) => line!.split(',');
    expect(cells(header!)[0]).toBe('Interaction ID');
    expect(cells(header!).at(-1)).toBe('Execution ID');
    expect(cells(row!)[0]).toBe('');
    expect(cells(row!).at(-1)).toBe('fx-unlinked');
  });

  test('xlsx opens with exceljs; PDF has pages; over the cap answers 422 with the count unless truncate=true', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const x = await get('/v1/flow-executions/export?format=xlsx&range=last7days');
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((x.body as Buffer).buffer.slice((x.body as Buffer).byteOffset, (x.body as Buffer).byteOffset + (x.body as Buffer).byteLength) as ArrayBuffer);
    expect(wb.worksheets).toHaveLength(1);
    const pdf = await get('/v1/interactions/export?format=pdf&range=last7days');
    expect(pdf.status).toBe(200);
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    // 1,001 interactions in one day pass the PDF cap of 1,000.
    const many = plan('cap', 1001, Date.UTC(2026, 0, 15, 23), 12 * 3_600_000);
    await storeAndFold(env, 'acme', many.flatMap((m) => eventsFor(m).filter((e) => e.kind === 'task')));
    const over = await get('/v1/interactions/export?format=pdf&from=2026-01-15&to=2026-01-15');
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ count: 1001, cap: 1000 });
    const cut = await get('/v1/interactions/export?format=csv&from=2026-01-15&to=2026-01-15&truncate=true');
    expect(cut.status).toBe(200);
    expect((cut.body as Buffer).toString('utf8').trim().split('\r\n')).toHaveLength(1002);
  });
});

describe('saved searches, OpenAPI, CLI', () => {
  test('create, list, rename, delete per API key', async () => {
    const post = await fetch(`${p.baseUrl}/v1/saved-searches`, { method: 'POST', headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ list: 'interactions', name: 'Voice today', query: { channel: ['voice'], range: 'today' } }) });
    expect(post.status).toBe(201);
    const created = (await post.json()) as { id: number };
    expect((await get('/v1/saved-searches?list=interactions')).body.items.map((s: { name: string }) => s.name)).toEqual(['Voice today']);
    expect((await get('/v1/saved-searches', keys.sales)).body.items).toEqual([]);
    const patch = await fetch(`${p.baseUrl}/v1/saved-searches/${created.id}`, { method: 'PATCH', headers: { authorization: `Bearer ${keys.sales}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'mine now' }) });
    expect(patch.status).toBe(404);
    const rename = await fetch(`${p.baseUrl}/v1/saved-searches/${created.id}`, { method: 'PATCH', headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Voice (today)' }) });
    expect(((await rename.json()) as { name: string }).name).toBe('Voice (today)');
    const del = await fetch(`${p.baseUrl}/v1/saved-searches/${created.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${keys.admin}` } });
    expect(del.status).toBe(204);
    expect((await get('/v1/saved-searches')).body.items).toEqual([]);
  });

  test('/openapi.json documents every route and its parameters; /docs renders it', async () => {
    const doc = (await (await fetch(`${p.baseUrl}/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, { parameters: { name: string }[] }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/interactions', '/v1/interactions/{id}', '/v1/flow-executions', '/v1/workflow-sessions', '/v1/filter-options/{field}']));
    expect(doc.paths['/v1/interactions']!.get!.parameters.map((x) => x.name)).toEqual(expect.arrayContaining(['agent', 'queue', 'channel', 'did', 'disposition', 'status', 'range', 'from', 'to', 'sort', 'limit', 'cursor']));
    const docs = await fetch(`${p.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    expect(docs.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(docs.headers.get('strict-transport-security')).toMatch(/max-age/);
    expect(await docs.text()).toContain('/v1/flow-executions');
  });

  test('npm run cxfold -- api-keys create prints a working key as JSON', async () => {
    const root = path.resolve(__dirname, '../../..');
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'apps/cli/src/main.ts', 'api-keys', 'create', '--tenant', 'acme', '--role', 'supervisor', '--queues', 'q-billing,q-sales', '--json'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: env.databaseUrl },
    });
    const out = JSON.parse(stdout) as { key: string; role: string; queues: string[] };
    expect(out).toMatchObject({ role: 'supervisor', queues: ['q-billing', 'q-sales'], operator: false });
    expect((await get('/v1/interactions?range=last7days&limit=1', out.key)).status).toBe(200);
    const cli = (...args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'apps/cli/src/main.ts', 'api-keys', 'create', '--tenant', 'acme', ...args], { cwd: root, env: { ...process.env, DATABASE_URL: env.databaseUrl } });
    const ops = JSON.parse((await cli('--role', 'admin', '--operator', '--json')).stdout) as { key: string };
    expect((await get('/v1/me', ops.key)).body).toMatchObject({ role: 'admin', operator: true });
    // The queue board is the installation's, a supervisor's scope is queues: no such key.
    await expect(cli('--role', 'supervisor', '--queues', 'q-sales', '--operator')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--operator is for admin keys only') });
  });
});
