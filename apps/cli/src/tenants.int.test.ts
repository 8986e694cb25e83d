import { execFile } from 'node:child_process';
import path from 'node:path';
import { createTestEnv, startPipeline, sendSigned, authHeaders, postJson, one, type TestEnv, type TestPipeline } from '@cxfold/testkit';
import type { NewTenantSecrets } from '@cxfold/db';

const ROOT = path.resolve(__dirname, '../../..');
let env: TestEnv;
let p: TestPipeline;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: env.databaseUrl } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  env = await createTestEnv();
  p = await startPipeline(env, { withWorker: false, overrides: { TENANT_CACHE_MS: '0' } });
});
afterAll(async () => {
  await p.close();
  await env.teardown();
});

test('tenants add --json prints secrets that authenticate; a second add of the slug fails with 1; a bad slug is a usage error', async () => {
  const r = await cli('tenants', 'add', 'cli-co', '--timezone', 'Asia/Kolkata', '--json');
  expect(r.code).toBe(0);
  const secrets = JSON.parse(r.stdout) as NewTenantSecrets;
  expect(Object.keys(secrets).sort()).toEqual(['hubSecret', 'tenant', 'token', 'webhookSecret']);
  expect(secrets.webhookSecret).toMatch(/^whsec_/);
  for (const style of ['webhook', 'hub', 'token'] as const) {
    const res = await sendSigned(p.baseUrl, secrets, 'tasks/created', { taskId: `cli-${style}`, timestamp: new Date().toISOString() }, style);
    expect(res.status).toBe(202);
  }
  expect((await cli('tenants', 'add', 'cli-co')).code).toBe(1);
  const bad = await cli('tenants', 'add', '../etc');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--help/);
  expect((await cli('tenants', 'add', 'x-co', '--timezone', 'Mars/Olympus')).code).toBe(2);
});

test('tenants list and set-timezone', async () => {
  expect((await cli('tenants', 'set-timezone', 'cli-co', 'America/New_York')).code).toBe(0);
  const list = JSON.parse((await cli('tenants', 'list', '--json')).stdout) as { tenant: string; timeZone: string }[];
  expect(list.find((t) => t.tenant === 'cli-co')).toMatchObject({ timeZone: 'America/New_York' });
  expect((await cli('tenants', 'set-timezone', 'nobody', 'UTC')).code).toBe(1);
});

test('rotate-secret: the new secret works at once, the old one until its grace period ends', async () => {
  const { tenant, hubSecret } = p.tenant;
  const r = await cli('tenants', 'rotate-secret', tenant, '--kind', 'hub', '--grace-seconds', '3600', '--json');
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout) as { secret: string; kind: string };
  expect(out.kind).toBe('hub');
  const body = JSON.stringify({ taskId: 'rot-1', timestamp: new Date().toISOString() });
  const url = `${p.baseUrl}/v1/hooks/${tenant}/tasks/created`;
  expect((await postJson(url, null, authHeaders({ ...p.tenant, hubSecret: out.secret }, 'hub', body), body)).status).toBe(202);
  const body2 = JSON.stringify({ taskId: 'rot-2', timestamp: new Date().toISOString() });
  expect((await postJson(url, null, authHeaders({ ...p.tenant, hubSecret }, 'hub', body2), body2)).status).toBe(202);
  const { n } = await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from tenant_secrets where tenant = ${tenant} and kind = 'hub' and expires_at is not null`);
  expect(n).toBe(1);
  expect((await cli('tenants', 'rotate-secret', tenant, '--kind', 'nope')).code).toBe(2);
});

test('every command answers --help with exit 0; no command is a usage error', async () => {
  for (const args of [['--help'], ['tenants', '--help'], ['api-keys', '--help'], ['dead-letters', '--help'], ['rebuild', '--help'], ['import', '--help'], ['prune', '--help']]) {
    const r = await cli(...args);
    expect({ args, code: r.code }).toEqual({ args, code: 0 });
    expect(r.stdout).toMatch(/usage/i);
  }
  expect((await cli()).code).toBe(2);
  expect((await cli('frobnicate')).code).toBe(2);
});
