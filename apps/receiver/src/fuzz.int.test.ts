import fc from 'fast-check';
import { one, createTestEnv, startPipeline, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import { signHub, signStandardWebhook } from '@cxfold/ingest';
import { parseTaskEventType } from '@cxfold/contracts';

/**
 * Property-based fuzzing of the running receiver. Every body is validly signed, so each one
 * reaches the parser and the validator. Properties, for every delivery:
 *  - never a 5xx, and the server still answers a HEAD probe afterwards;
 *  - 400 exactly when the bytes are not UTF-8 JSON (checked against a local parse);
 *  - a 202 wrote exactly as many raw_events rows as it reports non-duplicate results, and
 *    (when no card-number masking can apply) stored exactly what was sent;
 *  - anything else is problem+json and wrote nothing.
 */

let env: TestEnv;
let p: TestPipeline;

beforeAll(async () => {
  env = await createTestEnv();
  p = await startPipeline(env, { withWorker: false });
});
afterAll(async () => {
  await p?.close();
  await env?.teardown();
});

const NUM_RUNS = 150;
const ENDPOINTS = ['tasks/created', 'tasks', 'flows/events'] as const;
type Endpoint = (typeof ENDPOINTS)[number];
const STYLES = ['hub', 'hub512', 'webhook', 'token'] as const;
type Style = (typeof STYLES)[number];

const endpointArb = fc.constantFrom(...ENDPOINTS);
const styleArb = fc.constantFrom(...STYLES);
const url = (path: string) => `${p.baseUrl}/v1/hooks/${p.tenant.tenant}/${path}`;

let msgN = 0;
function authFor(style: Style, body: Buffer): Record<string, string> {
  switch (style) {
    case 'hub':
      return signHub(p.tenant.hubSecret, body);
    case 'hub512':
      return signHub(p.tenant.hubSecret, body, 'sha512', false);
    case 'webhook':
      return signStandardWebhook(p.tenant.webhookSecret, `msg_fuzz_${process.pid}_${++msgN}`, Math.floor(Date.now() / 1000), body);
    case 'token':
      return { authorization: `Bearer ${p.tenant.token}` };
  }
}

async function rawCount(): Promise<number> {
  const { n } = await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events`);
  return n;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** What the receiver should make of these bytes, judged independently: JSON or not. */
function parseLocally(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(utf8.decode(bytes)) };
  } catch {
    return { ok: false };
  }
}

/** Text in which card-number masking could change something: stored payloads may then differ. */
const CARD_LIKE = /\d(?:[ -]?\d){12,}/;

/** JSON -0 is stored as 0 (jsonb numeric has no negative zero); nothing else may change. */
function withoutNegativeZero(v: unknown): unknown {
  if (Object.is(v, -0)) return 0;
  if (Array.isArray(v)) return v.map(withoutNegativeZero);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutNegativeZero(x)]));
  return v;
}

/** The payloads a 202 must have stored, one per result, or null when that cannot be predicted. */
function expectedPayloads(path: Endpoint, value: unknown): unknown[] | null {
  if (path === 'flows/events') return Array.isArray(value) ? value : [value];
  const body = value as Record<string, unknown>;
  const type = path === 'tasks/created' ? 'CREATED' : parseTaskEventType(body.eventType);
  return type ? [{ ...body, eventType: type }] : null;
}

let deliveries = 0;
const statuses = new Map<number, number>();

/** Sends one signed delivery and checks every property; returns the status for the tallies. */
async function deliver(path: Endpoint, bytes: Uint8Array, style: Style): Promise<number> {
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const before = await rawCount();
  const res = await fetch(url(path), { method: 'POST', body, headers: { 'content-type': 'application/json', ...authFor(style, body) } });
  const text = await res.text();
  const after = await rawCount();
  deliveries++;
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);

  const why = `${res.status} for ${style} POST ${path} ${JSON.stringify(body.toString('latin1').slice(0, 200))}: ${text.slice(0, 300)}`;
  expect({ why, fiveHundred: res.status >= 500 }).toEqual({ why, fiveHundred: false });
  expect({ why, status: [202, 400, 422].includes(res.status) }).toEqual({ why, status: true });

  const local = parseLocally(bytes);
  if (local.ok) expect({ why, malformed: res.status === 400 }).toEqual({ why, malformed: false });
  else expect({ why, status: res.status }).toEqual({ why, status: 400 });

  const answer = JSON.parse(text) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary JSON answers
  if (res.status === 202) {
    const results: { id: string; duplicate: boolean }[] = Array.isArray(answer.results) ? answer.results : [answer];
    expect(results.every((r) => typeof r.id === 'string' && typeof r.duplicate === 'boolean')).toBe(true);
    const fresh = results.filter((r) => !r.duplicate);
    expect({ why, written: after - before }).toEqual({ why, written: fresh.length });
    const ids = results.map((r) => r.id);
    const stored = await env.db.sql<{ event_id: string; payload: unknown }[]>`select event_id, payload from raw_events where tenant = ${p.tenant.tenant} and event_id = any(${ids})`;
    const byId = new Map(stored.map((s) => [s.event_id, s.payload]));
    // Every id answered is stored: new ones now, duplicates earlier.
    expect(ids.filter((id) => !byId.has(id))).toEqual([]);
    const expected = local.ok ? expectedPayloads(path, withoutNegativeZero(local.value)) : null;
    if (expected && !CARD_LIKE.test(body.toString('utf8'))) {
      expect(expected).toHaveLength(results.length);
      results.forEach((r, i) => {
        if (!r.duplicate) expect({ why, i, payload: byId.get(r.id) }).toEqual({ why, i, payload: expected[i] });
      });
    }
  } else {
    expect({ why, written: after - before }).toEqual({ why, written: 0 });
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer).toMatchObject({ status: res.status, title: expect.any(String), type: expect.any(String) });
  }
  await expectServerUp();
  return res.status;
}

async function expectServerUp(): Promise<void> {
  const probe = await fetch(url('tasks/created'), { method: 'HEAD' });
  expect(probe.status).toBe(200);
}

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Strings with what the parser must refuse or keep verbatim: lone surrogates, NUL, markup, SQL. */
const surrogateUnit = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const hostileString = fc.oneof(
  { arbitrary: fc.string({ maxLength: 20 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 3 },
  { arbitrary: fc.string({ unit: surrogateUnit, minLength: 1, maxLength: 3 }), weight: 1 },
  { arbitrary: fc.string({ maxLength: 10 }).map((s) => `${s}\u0000`), weight: 1 },
  { arbitrary: fc.constantFrom("'; drop table raw_events; --", '<script>alert(1)</script>', '__proto__', '${jndi:x}', ''), weight: 2 },
  { arbitrary: fc.string({ minLength: 190, maxLength: 260 }), weight: 1 },
);
const anyValue = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 4 },
  { arbitrary: hostileString, weight: 3 },
  { arbitrary: fc.double(), weight: 1 }, // NaN and ±Infinity serialise as null
  { arbitrary: fc.integer({ min: -2, max: 2_000_000 }), weight: 2 },
  { arbitrary: fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), weight: 1 },
);
const extraKey = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'cv_1', 'a\u0000b', '\ud800'));

const TASK_FIELDS = ['taskId', 'timestamp', 'eventId', 'eventType', 'mediaType', 'direction', 'queue', 'agent', 'ewt', 'dispositionCode', 'reason', 'text', 'variables'] as const;
let taskN = 0;
function validTask(): Record<string, unknown> {
  const n = ++taskN;
  return {
    taskId: `fuzz-task-${process.pid}-${n}`,
    eventId: `fuzz-ev-${process.pid}-${n}`,
    timestamp: new Date(Date.now() - n).toISOString(),
    eventType: 'CREATED',
    mediaType: 'chat',
    direction: 'inbound',
    queue: { id: 'q-1', name: 'Billing' },
    agent: { id: 'a-1', name: 'Ann' },
    ewt: 30,
    dispositionCode: 7,
    reason: 'customer',
    text: 'Hello',
    variables: { cv_1: 'one', user_plan: 'gold', ext: 3 },
  };
}

/** Random extra keys, random values in known fields, random deletions, applied to a valid body. */
const mutation = fc.record({
  extra: fc.array(fc.tuple(extraKey, fc.jsonValue({ maxDepth: 3 })), { maxLength: 4 }),
  overrides: fc.array(fc.tuple(fc.constantFrom(...TASK_FIELDS), anyValue), { maxLength: 3 }),
  nested: fc.array(fc.tuple(fc.constantFrom('queue', 'agent', 'variables'), extraKey, anyValue), { maxLength: 2 }),
  deletions: fc.subarray([...TASK_FIELDS], { maxLength: 3 }),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

/** Builds the mutated body (own keys only, so "__proto__" ends up as a real key in the JSON). */
function mutate(base: Record<string, unknown>, m: Mutation): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  const set = (o: Record<string, unknown>, k: string, v: unknown) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of m.overrides) set(out, k, v);
  for (const [field, k, v] of m.nested) {
    const inner = out[field];
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      const copy = { ...(inner as Record<string, unknown>) };
      set(copy, k, v);
      out[field] = copy;
    }
  }
  for (const k of m.deletions) delete out[k];
  for (const [k, v] of m.extra) set(out, k, v);
  return out;
}

let flowN = 0;
function validFlowEvent(kind: number): Record<string, unknown> {
  const n = ++flowN;
  const common = { executionId: `fuzz-exec-${process.pid}-${n % 7}`, timestamp: Date.now() - n, eventId: `fuzz-flow-${process.pid}-${n}` };
  if (kind === 0) return { type: 'execution.started', ...common, flowId: 'f-1', flowName: 'IVR', channel: 'Phone', trigger: 'event', data: { a: [1, 'x'] } };
  if (kind === 1) return { type: 'step.executed', ...common, seq: n % 50, stepType: 'menu', name: 'Main', httpStatus: 200, result: 'next' };
  return { type: 'execution.ended', ...common, endReason: 'completed' };
}
const FLOW_FIELDS = ['type', 'executionId', 'timestamp', 'eventId', 'seq', 'stepType', 'httpStatus', 'trigger', 'endReason', 'data', 'startedAt'] as const;
const flowMutation = fc.record({
  kind: fc.integer({ min: 0, max: 2 }),
  extra: fc.array(fc.tuple(extraKey, fc.jsonValue({ maxDepth: 3 })), { maxLength: 3 }),
  overrides: fc.array(fc.tuple(fc.constantFrom(...FLOW_FIELDS), anyValue), { maxLength: 2 }),
  deletions: fc.subarray([...FLOW_FIELDS], { maxLength: 2 }),
});
type FlowMutation = typeof flowMutation extends fc.Arbitrary<infer M> ? M : never;
function mutateFlow(m: FlowMutation): Record<string, unknown> {
  const out = validFlowEvent(m.kind);
  const set = (k: string, v: unknown) => Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of m.overrides) set(k, v);
  for (const k of m.deletions) delete out[k];
  for (const [k, v] of m.extra) set(k, v);
  return out;
}

const run = <Ts extends [unknown, ...unknown[]]>(prop: fc.IAsyncPropertyWithHooks<Ts>) => fc.assert(prop, { numRuns: NUM_RUNS });

// ---------------------------------------------------------------------------------------------

test('(a) arbitrary bytes, signed: never a 5xx, 400 unless the bytes happen to be JSON', async () => {
  // Mostly raw bytes; also valid JSON with one byte flipped, cut short, or spliced with raw bytes.
  const corrupted = fc
    .tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'splice'))
    .map(([v, at, byte, how]) => {
      const b = enc(v);
      const i = b.length === 0 ? 0 : at % b.length;
      if (how === 'cut') return b.slice(0, i);
      if (how === 'flip') {
        const c = b.slice();
        c[i] = byte;
        return c;
      }
      return new Uint8Array([...b.slice(0, i), byte, ...b.slice(i)]);
    });
  const bytes = fc.oneof({ arbitrary: fc.uint8Array({ maxLength: 2048 }), weight: 3 }, { arbitrary: corrupted, weight: 2 });
  await run(fc.asyncProperty(endpointArb, bytes, styleArb, async (path, b, style) => void (await deliver(path, b, style))));
  await expectServerUp();
});

test('(b) arbitrary JSON values, signed: never a 5xx, never a 400', async () => {
  const value = fc.oneof(
    { arbitrary: fc.jsonValue(), weight: 3 },
    { arbitrary: fc.jsonValue({ maxDepth: 40, depthSize: 'large' }), weight: 1 },
    { arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }), weight: 1 },
    { arbitrary: fc.object({ key: extraKey, values: [anyValue], maxDepth: 3 }), weight: 2 },
  );
  await run(fc.asyncProperty(endpointArb, value, styleArb, async (path, v, style) => void (await deliver(path, enc(v), style))));
  await expectServerUp();
});

test('(c) mutations of a valid task event: 202 rows match exactly, rejections write nothing', async () => {
  let accepted = 0;
  await run(
    fc.asyncProperty(endpointArb, mutation, styleArb, fc.boolean(), async (path, m, style, pristine) => {
      // Half the runs apply only harmless-looking extra keys, so a fair share is accepted.
      const body = mutate(validTask(), pristine ? { ...m, overrides: [], nested: [], deletions: [] } : m);
      if ((await deliver(path, enc(body), style)) === 202) accepted++;
    }),
  );
  // The mutations are mild enough that the happy path is exercised, not only the validator.
  expect(accepted).toBeGreaterThan(10);
  await expectServerUp();
});

test('(d) mutations of valid flow events, single and batched, with duplicates inside a batch', async () => {
  let accepted = 0;
  await run(
    fc.asyncProperty(fc.array(flowMutation, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.nat(5), styleArb, async (ms, batched, dupAt, style) => {
      const items = ms.map(mutateFlow);
      // Repeat one item in the batch: the copy must come back as a duplicate, not as a second row.
      if (batched && items.length > 1) items.push(items[dupAt % items.length]!);
      const status = await deliver('flows/events', enc(batched ? items : items[0]), style);
      if (status === 202) accepted++;
    }),
  );
  expect(accepted).toBeGreaterThan(10);
  await expectServerUp();
});

test('(e) hostile raw text spliced into a valid body: NaN, 1e400, prototype keys, deep nesting', async () => {
  const splice = fc.constantFrom(
    '"ewt":NaN',
    '"extra":1e400',
    '"extra":-1e400',
    '"ewt":1e400',
    '"__proto__":{"polluted":true}',
    '"constructor":{"prototype":{"polluted":true}}',
    '"\\u005f_proto__":1',
    '"extra":"\\u0000"',
    '"extra":"\\ud800"',
    '"extra":"\\udfff\\ud800"',
    `"deep":${'['.repeat(40)}${']'.repeat(40)}`,
    `"deep":${'['.repeat(31)}${']'.repeat(31)}`,
    '"text":"\\u00e9\\/\\"ok\\""',
    '"extra":12345678901234567890123',
    '"extra":1e-400',
    '"extra":-0',
  );
  await run(
    fc.asyncProperty(endpointArb, splice, styleArb, async (path, raw, style) => {
      const base = path === 'flows/events' ? validFlowEvent(1) : validTask();
      const text = `{${raw},${JSON.stringify(base).slice(1)}`;
      await deliver(path, new TextEncoder().encode(text), style);
    }),
  );
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  await expectServerUp();
});

test('tallies: the fuzzers reached the parser, the validator and the store', () => {
  // Not a property: a guard that the arbitraries did not all collapse onto one status.
  expect(deliveries).toBeGreaterThanOrEqual(5 * NUM_RUNS);
  for (const status of [202, 400, 422]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
});
