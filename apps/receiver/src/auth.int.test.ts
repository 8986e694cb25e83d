import { one, createTestEnv, startPipeline, postJson, authHeaders, sendSigned, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import { rotateSecret, setTenantAuthModes } from '@cxfold/db';
import { signStandardWebhook, signHub } from '@cxfold/ingest';
import { QUEUES } from '@cxfold/queue';
import { Queue } from 'bullmq';

let env: TestEnv;
let p: TestPipeline;
let queue: Queue;

// Receiver only: the point is what gets stored and enqueued, not folded.
beforeAll(async () => {
  env = await createTestEnv();
  p = await startPipeline(env, { withWorker: false, overrides: { TENANT_CACHE_MS: '0' } });
  queue = new Queue(QUEUES.fold, { connection: env.redis, prefix: env.queuePrefix });
});
afterAll(async () => {
  await queue.close();
  await p.close();
  await env.teardown();
});

let n = 0;
const body = () => ({ taskId: `task-auth-${++n}`, timestamp: new Date().toISOString(), mediaType: 'voice' });
const url = () => `${p.baseUrl}/v1/hooks/${p.tenant.tenant}/tasks/created`;

async function storedCount(): Promise<number> {
  const { n: count } = await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events`);
  return count;
}
async function queuedCount(): Promise<number> {
  const counts = await queue.getJobCounts('waiting');
  return counts.waiting ?? 0;
}

/** A rejected delivery must leave no row and no job behind. */
async function expectRejected(send: () => Promise<{ status: number; body: any }>, status = 401) {
  const [rows, jobs] = [await storedCount(), await queuedCount()];
  const res = await send();
  expect(res.status).toBe(status);
  expect(res.body.status).toBe(status);
  expect(await storedCount()).toBe(rows);
  expect(await queuedCount()).toBe(jobs);
  return res;
}

async function expectAccepted(send: () => Promise<{ status: number; body: any }>) {
  const [rows, jobs] = [await storedCount(), await queuedCount()];
  const res = await send();
  expect(res.status).toBe(202);
  expect(await storedCount()).toBe(rows + 1);
  // Enqueueing happens right after the commit; give it a moment.
  for (let i = 0; i < 50 && (await queuedCount()) === jobs; i++) await new Promise((r) => setTimeout(r, 20));
  expect(await queuedCount()).toBe(jobs + 1);
}

describe('Standard Webhooks', () => {
  test('good signature is accepted and enqueued', async () => {
    await expectAccepted(() => sendSigned(p.baseUrl, p.tenant, 'tasks/created', body(), 'webhook'));
  });
  test('a wrong signature, a tampered body, missing headers → 401, nothing stored', async () => {
    const b = JSON.stringify(body());
    const h = signStandardWebhook(p.tenant.webhookSecret, 'msg_bad_1', Math.floor(Date.now() / 1000), b);
    await expectRejected(() => postJson(url(), null, { ...h, 'webhook-signature': 'v1,AAAA' }, b));
    await expectRejected(() => postJson(url(), null, h, b.replace('voice', 'chat')));
    await expectRejected(() => postJson(url(), null, { 'webhook-signature': h['webhook-signature']! }, b));
    await expectRejected(() => postJson(url(), null, {}, b));
  });
  test('expired and future timestamps (outside ±5 min) → 401', async () => {
    // 10 s past the edge: floor() plus the request's own travel time eat up to a second or more
    // of a +301 margin, which once let a "future" timestamp land inside the tolerance.
    await expectRejected(() => sendSigned(p.baseUrl, p.tenant, 'tasks/created', body(), 'webhook', { timestampS: Math.floor(Date.now() / 1000) - 310 }));
    await expectRejected(() => sendSigned(p.baseUrl, p.tenant, 'tasks/created', body(), 'webhook', { timestampS: Math.ceil(Date.now() / 1000) + 310 }));
    await expectAccepted(() => sendSigned(p.baseUrl, p.tenant, 'tasks/created', body(), 'webhook', { timestampS: Math.floor(Date.now() / 1000) - 290 }));
  });
  test('rotation: during the grace period either secret works, and a list of signatures may hold both', async () => {
    const old = p.tenant.webhookSecret;
    const fresh = await rotateSecret(env.db.db, p.tenant.tenant, 'webhook', 3600);
    const ts = Math.floor(Date.now() / 1000);
    for (const secret of [old, fresh]) {
      const b = JSON.stringify(body());
      await expectAccepted(() => postJson(url(), null, signStandardWebhook(secret, `msg_rot_${n}`, ts, b), b));
    }
    const b = JSON.stringify(body());
    const a = signStandardWebhook('whsec_' + Buffer.from('someone else').toString('base64'), 'msg_rot_both', ts, b);
    const c = signStandardWebhook(fresh, 'msg_rot_both', ts, b);
    await expectAccepted(() => postJson(url(), null, { ...c, 'webhook-signature': `${a['webhook-signature']} ${c['webhook-signature']}` }, b));
    // Expire the old secret: now it is refused.
    await env.db.sql`update tenant_secrets set expires_at = now() - interval '1 second' where secret = ${old}`;
    const b2 = JSON.stringify(body());
    await expectRejected(() => postJson(url(), null, signStandardWebhook(old, 'msg_rot_old', ts, b2), b2));
  });
});

describe('Webex Connect hub secret', () => {
  test('sha256 with prefix and sha512 without prefix are accepted', async () => {
    await expectAccepted(() => sendSigned(p.baseUrl, p.tenant, 'tasks/created', body(), 'hub'));
    await expectAccepted(() => sendSigned(p.baseUrl, p.tenant, 'tasks/created', body(), 'hub512'));
    const b = JSON.stringify(body());
    await expectAccepted(() => postJson(url(), null, signHub(p.tenant.hubSecret, b, 'sha256', false), b));
  });
  test('a signature of another body, another secret, or garbage → 401', async () => {
    const b = JSON.stringify(body());
    await expectRejected(() => postJson(url(), null, signHub(p.tenant.hubSecret, b + ' '), b));
    await expectRejected(() => postJson(url(), null, signHub('not-the-secret', b), b));
    await expectRejected(() => postJson(url(), null, { 'x-hub-signature': 'sha256=zz' }, b));
  });
  test('rotated hub secret: old works until it expires', async () => {
    const old = p.tenant.hubSecret;
    const fresh = await rotateSecret(env.db.db, p.tenant.tenant, 'hub', 3600);
    for (const secret of [old, fresh]) {
      const b = JSON.stringify(body());
      await expectAccepted(() => postJson(url(), null, signHub(secret, b), b));
    }
    await env.db.sql`update tenant_secrets set expires_at = now() - interval '1 second' where secret = ${old}`;
    const b = JSON.stringify(body());
    await expectRejected(() => postJson(url(), null, signHub(old, b), b));
  });
});

describe('bearer token', () => {
  test('the tenant token is accepted; a wrong one, a malformed header, another tenant’s → 401', async () => {
    await expectAccepted(() => sendSigned(p.baseUrl, p.tenant, 'tasks/created', body(), 'token'));
    const b = JSON.stringify(body());
    await expectRejected(() => postJson(url(), null, { authorization: 'Bearer cxf_nope' }, b));
    await expectRejected(() => postJson(url(), null, { authorization: `Basic ${p.tenant.token}` }, b));
    const { createTenant } = await import('@cxfold/db');
    const other = await createTenant(env.db.db, 'other-co');
    await expectRejected(() => postJson(url(), null, authHeaders(other, 'token', b), b));
    await expectRejected(() => postJson(url(), null, authHeaders(other, 'webhook', b), b));
  });
  test('a mode the tenant has not enabled is refused even with the right secret', async () => {
    await setTenantAuthModes(env.db.db, p.tenant.tenant, ['standard_webhooks']);
    try {
      await expectRejected(() => sendSigned(p.baseUrl, p.tenant, 'tasks/created', body(), 'token'));
      await expectRejected(() => sendSigned(p.baseUrl, p.tenant, 'tasks/created', body(), 'hub'));
    } finally {
      await setTenantAuthModes(env.db.db, p.tenant.tenant, ['standard_webhooks', 'hub_signature', 'bearer_token']);
    }
  });
});
