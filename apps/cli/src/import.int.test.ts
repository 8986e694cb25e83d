import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTenant, type NewTenantSecrets } from '@cxfold/db';
import { createTestEnv, startPipeline, sendSigned, one, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import { runCli, inTwos } from '@cxfold/testkit';

const ROOT = path.resolve(__dirname, '../../..');
// Each CLI call is a Node start-up (1-3 s on a loaded two-core machine); tests make several.
jest.setTimeout(120_000);
const CARD = '4111 1111 1111 1111';

let env: TestEnv;
let receiver: TestPipeline;
let acme: NewTenantSecrets;
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run cxfold -- import …` as an operator runs it: a child process, no Redis involved. */
function cli(...args: string[]): Promise<Run> {
  return runCli(env, ['import', ...args]);
}

const at = (s: number) => new Date(Date.now() - 3_600_000 + s * 1000).toISOString();

const created = { eventType: 'CREATED', taskId: 'task-i1', timestamp: at(0), mediaType: 'chat', text: `my card is ${CARD}` };
const routed = { eventType: 'ROUTED', taskId: 'task-i1', timestamp: at(20), agent: { id: 'a1', name: 'Ann' } };
const started = { type: 'execution.started', executionId: 'exec-i1', taskId: 'task-i1', timestamp: at(-5), flowName: 'Main' };

/** Line numbers (1-based) are the array index + 1. */
const LINES = [
  JSON.stringify(created), // 1 no eventId: id = hash of tenant + these bytes
  JSON.stringify({ eventType: 'QUEUED', taskId: 'task-i1', eventId: 'imp-q1', timestamp: at(5), queue: { id: 'q1', name: 'Sales' } }), // 2
  JSON.stringify(routed), // 3
  '', // 4 blank
  JSON.stringify({ eventType: 'CLOSED', taskId: 'task-i1', eventId: 'imp-x1', timestamp: at(90), reason: 'agent' }), // 5
  JSON.stringify(started), // 6 flow, told apart by "type"
  JSON.stringify({ type: 'step.executed', executionId: 'exec-i1', timestamp: at(-4), seq: 1, stepType: 'menu', name: 'Menu' }), // 7
  JSON.stringify({ eventType: 'QUEUED', timestamp: at(6), ewt: 'soon' }), // 8 invalid: no taskId, ewt not a number
  JSON.stringify(created), // 9 duplicate of line 1 (same bytes)
  JSON.stringify({ type: 'execution.ended', executionId: 'exec-i1', timestamp: at(-1), endReason: 'completed' }), // 10
  JSON.stringify({ eventType: 'QUEUED', taskId: 'task-i1', eventId: 'imp-q1', timestamp: at(5), queue: { id: 'q1' } }), // 11 duplicate by eventId
  '{"eventType": "CREATED",', // 12 invalid: not JSON
  JSON.stringify({ eventType: 'created', taskId: 'task-i2', timestamp: at(30), mediaType: 'sms' }), // 13 type in any case
  JSON.stringify([{ type: 'execution.started', executionId: 'exec-i2', timestamp: at(0) }]), // 14 invalid: a batch
];

beforeAll(async () => {
  env = await createTestEnv();
  // Only the receiver: the import folds by itself, and the receiver checks the event ids match HTTP's.
  receiver = await startPipeline(env, { withWorker: false, tenantSlug: 'http-only' });
  acme = await createTenant(env.db.db, 'acme');
  await createTenant(env.db.db, 'plain');
  await env.db.sql`update tenants set mask_card_data = false where slug = 'plain'`;
  dir = mkdtempSync(path.join(os.tmpdir(), 'cxfold-import-'));
  writeFileSync(path.join(dir, 'events.ndjson'), `${LINES.join('\n')}\n`);
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  await env?.teardown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('valid lines are stored and folded, duplicates and invalid lines counted, card numbers masked', async () => {
  const file = path.join(dir, 'events.ndjson');
  const r = await cli(file, '--tenant', 'acme', '--batch', '4');
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`imported ${file} into acme: 13 lines, 8 accepted, 2 duplicates, 3 invalid; folded 3 records`);
  expect(r.stdout).toContain('invalid lines: 8, 12, 14');
  expect(r.stdout).toContain('card numbers masked in 1 stored events');
  expect(r.stderr).toMatch(/^line 8: .*\/taskId.*\/ewt/m);
  expect(r.stderr).toMatch(/^line 12: \/ body is not valid JSON/m);
  expect(r.stderr).toMatch(/^line 14: \/ one event per line/m);

  const raws = await env.db.sql<{ event_id: string; kind: string; folded_at: string | null; request_id: string; payload: { text?: string }; masked: boolean; mask_count: number }[]>`
    select event_id, kind, folded_at, request_id, payload, masked, mask_count from raw_events where tenant = 'acme' order by id`;
  expect(raws).toHaveLength(8);
  expect(raws.every((e) => e.folded_at !== null)).toBe(true);
  expect(raws.map((e) => e.request_id)).toEqual([1, 2, 3, 5, 6, 7, 10, 13].map((n) => `import:events.ndjson:${n}`));
  expect(raws[0]).toMatchObject({ masked: true, mask_count: 1, payload: { text: 'my card is **** **** **** 1111', eventType: 'CREATED' } });
  expect(JSON.stringify(raws)).not.toContain(CARD);

  // Folded by the command itself (no worker is running).
  expect(await one(env.db.sql`select status, event_count, last_agent_name, last_queue_name from interactions where tenant = 'acme' and id = 'task-i1'`)).toEqual({
    status: 'closed',
    event_count: 4,
    last_agent_name: 'Ann',
    last_queue_name: 'Sales',
  });
  expect(await one(env.db.sql`select count(*)::int as n from segments where tenant = 'acme' and interaction_id = 'task-i1'`)).toEqual({ n: 2 });
  expect(await one(env.db.sql`select status from interactions where tenant = 'acme' and id = 'task-i2'`)).toEqual({ status: 'new' });
  expect(await one(env.db.sql`select status, step_count, interaction_id from flow_executions where tenant = 'acme' and id = 'exec-i1'`)).toEqual({
    status: 'completed',
    step_count: 1,
    interaction_id: 'task-i1',
  });

  // The same bytes over HTTP (bearer token, no webhook-id) get the same event id: a duplicate.
  for (const [route, body] of [['tasks', routed], ['flows/events', started]] as const) {
    const res = await sendSigned(receiver.baseUrl, acme, route, body, 'token');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ duplicate: true });
  }
});

test('importing the same file again stores nothing: every valid line is a duplicate', async () => {
  const before = await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events`);
  const r = await cli(path.join(dir, 'events.ndjson'), '--tenant', 'acme', '--json');
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stdout)).toMatchObject({
    tenant: 'acme',
    lines: 13,
    accepted: 0,
    duplicates: 10,
    invalid: 3,
    blank: 1,
    foldedSubjects: 0,
    invalidLines: [
      { line: 8, errors: expect.arrayContaining([expect.objectContaining({ path: '/taskId' }), expect.objectContaining({ path: '/ewt' })]) },
      { line: 12, errors: [expect.objectContaining({ path: '/' })] },
      { line: 14, errors: [expect.objectContaining({ path: '/' })] },
    ],
  });
  expect(await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events`)).toEqual(before);
});

test("a tenant without card masking keeps the number; ids are per tenant; --kind forces the kind", async () => {
  const r = await cli(path.join(dir, 'events.ndjson'), '--tenant', 'plain', '--json');
  expect(JSON.parse(r.stdout)).toMatchObject({ accepted: 8, duplicates: 2, invalid: 3, masked: 0, foldedSubjects: 3 });
  const first = await one(env.db.sql<{ payload: { text: string }; masked: boolean }[]>`
    select payload, masked from raw_events where tenant = 'plain' and subject_id = 'task-i1' and event_type = 'CREATED'`);
  expect(first).toEqual({ payload: expect.objectContaining({ text: `my card is ${CARD}` }), masked: false });

  const tasksOnly = path.join(dir, 'tasks.ndjson');
  writeFileSync(tasksOnly, `${LINES[0]}\r\n${LINES[5]}\r\n`);
  const forced = JSON.parse((await cli(tasksOnly, '--tenant', 'plain', '--kind', 'flow', '--json')).stdout);
  expect(forced).toMatchObject({ lines: 2, accepted: 0, duplicates: 1, invalid: 1, invalidLines: [{ line: 1, errors: [{ path: '/type' }] }] });
});

test('the first 20 invalid lines are shown, all are counted', async () => {
  const file = path.join(dir, 'bad.ndjson');
  const bad = Array.from({ length: 25 }, (_, i) => JSON.stringify({ eventType: 'CREATED', taskId: `bad-${i}`, timestamp: 'yesterday' }));
  writeFileSync(file, [JSON.stringify({ eventType: 'CREATED', taskId: 'good-1', timestamp: at(0) }), ...bad].join('\n'));
  const r = await cli(file, '--tenant', 'acme');
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('26 lines, 1 accepted, 0 duplicates, 25 invalid; folded 1 records');
  expect(r.stdout).toContain('5 more invalid lines not shown');
  expect(r.stderr.match(/^line \d+: \/timestamp/gm)).toHaveLength(20);
  expect(r.stderr).toContain('line 21: /timestamp');
  expect(r.stderr).not.toContain('line 22:');
});

test('a file with only valid lines exits 0; --help; usage errors exit 2; failures exit 1', async () => {
  const file = path.join(dir, 'good.ndjson');
  writeFileSync(file, `${JSON.stringify({ eventType: 'CREATED', taskId: 'good-2', timestamp: at(0) })}\n\n`);
  const [ok, help, noTenant, noFile, badBatch, missing, unknownTenant] = await inTwos([
    () => cli(file, '--tenant', 'acme'),
    () => cli('--help'),
    () => cli(file),
    () => cli('--tenant', 'acme'),
    () => cli(file, '--tenant', 'acme', '--batch', 'many'),
    () => cli(path.join(dir, 'nope.ndjson'), '--tenant', 'acme'),
    () => cli(file, '--tenant', 'nobody'),
  ]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('1 lines, 1 accepted, 0 duplicates, 0 invalid; folded 1 records');
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('import <file.ndjson> --tenant <slug> [--kind task|flow] [--batch 500] [--json]');
  for (const r of [noTenant, noFile, badBatch]) {
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('run with --help for usage');
  }
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('cannot read');
  expect(unknownTenant.code).toBe(1);
  expect(unknownTenant.stderr).toContain('tenant "nobody" does not exist');
});


test('a run cut short before its fold: the next run folds what it finds stored but unfolded; a byte order mark changes no id', async () => {
  const lines = [
    JSON.stringify({ eventType: 'CREATED', taskId: 'cut-1', timestamp: at(0), mediaType: 'chat' }),
    JSON.stringify({ eventType: 'QUEUED', taskId: 'cut-1', timestamp: at(5), queue: { id: 'q1' } }),
  ];
  const file = path.join(dir, 'cut.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
  expect((await cli(file, '--tenant', 'acme')).code).toBe(0);
  // What a second Ctrl-C (or a kill) between the insert's commit and the fold leaves behind.
  await env.db.sql`update raw_events set folded_at = null where tenant = 'acme' and subject_id = 'cut-1'`;
  await env.db.sql`delete from interactions where tenant = 'acme' and id = 'cut-1'`;

  // The same file saved "UTF-8 with BOM" and CRLF line ends: the same events, found stored.
  const bom = path.join(dir, 'cut-bom.ndjson');
  writeFileSync(bom, `\uFEFF${lines.join('\r\n')}\r\n`);
  const again = await cli(bom, '--tenant', 'acme', '--json');
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ lines: 2, accepted: 0, duplicates: 2, invalid: 0, foldedSubjects: 1 });
  expect(await env.db.sql`select status, event_count from interactions where tenant = 'acme' and id = 'cut-1'`).toEqual([{ status: 'queued', event_count: 2 }]);
  expect(await env.db.sql`select count(*)::int as n, count(folded_at)::int as folded from raw_events where tenant = 'acme' and subject_id = 'cut-1'`).toEqual([{ n: 2, folded: 2 }]);

  // A file holding nothing but the mark is an empty file.
  const onlyBom = path.join(dir, 'only-bom.ndjson');
  writeFileSync(onlyBom, '\uFEFF');
  const empty = await cli(onlyBom, '--tenant', 'acme', '--json');
  expect(empty.code).toBe(0);
  expect(JSON.parse(empty.stdout)).toMatchObject({ lines: 0, blank: 1, accepted: 0 });
});
