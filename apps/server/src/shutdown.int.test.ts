import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTenant } from '@cxfold/db';
import { createTestEnv, useRecommendedPostgresSettings, sendSigned, one, eventually, type TestEnv } from '@cxfold/testkit';

const ROOT = path.resolve(__dirname, '../../..');
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
  await useRecommendedPostgresSettings(env);
});
afterAll(async () => {
  await env.teardown();
});

test('SIGTERM: in-flight requests are answered, acknowledged events are stored and folded, exit 0 within the deadline', async () => {
  const tenant = await createTenant(env.db.db, 'shutdown-co');
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  // node --import tsx: one process, so the signal reaches our handler directly (as in production).
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, QUEUE_PREFIX: env.queuePrefix, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SHUTDOWN_TIMEOUT_MS: '8000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  child.stdout!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
    let signalledAt = 0;
    child.once('spawn', () => undefined);
    child.on('exit', (code) => resolve({ code, ms: Date.now() - signalledAt }));
    (child as unknown as { markSignal: () => void }).markSignal = () => (signalledAt = Date.now());
  });
  const base = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${base}/healthz`)).ok, 30_000, 200);

  const ts = new Date(Date.now() - 60_000).toISOString();
  const inFlight = Array.from({ length: 40 }, (_, i) => sendSigned(base, tenant, 'tasks/created', { taskId: `task-sd-${i}`, timestamp: ts }).catch((err: unknown) => ({ status: 0, body: String(err) })));
  await new Promise((r) => setTimeout(r, 5));
  (child as unknown as { markSignal: () => void }).markSignal();
  child.kill('SIGTERM');
  const answers = await Promise.all(inFlight);
  const { code, ms } = await exited;
  expect({ code, stderr: stderr.slice(0, 2000) }).toEqual({ code: 0, stderr: '' });
  expect(ms).toBeLessThan(8_000);
  // Every answer is either a 202 (stored) or a refused connection (never sent): nothing half-done.
  const acked = answers.filter((a) => a.status === 202).map((a) => (a.body as { id: string }).id);
  expect(answers.every((a) => a.status === 202 || a.status === 0)).toBe(true);
  const { n } = await one(env.db.sql<{ n: number }[]>`select count(*)::int as n from raw_events where event_id = any(${env.db.sql.array(acked)})`);
  expect(n).toBe(acked.length);
});
