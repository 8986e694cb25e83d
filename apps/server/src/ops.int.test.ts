import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createServer } from 'node:net';
import { createTenant, createApiKey } from '@cxfold/db';
import { createTestEnv, useRecommendedPostgresSettings, sendSigned, getJson, scrapeMetrics, eventually, type TestEnv } from '@cxfold/testkit';

const ROOT = path.resolve(__dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

let env: TestEnv;
let child: ChildProcess;
let base: string;
let output = '';

// `npm start` as shipped: one process, one port, one registry for receiver, worker and API.
beforeAll(async () => {
  env = await createTestEnv();
  await useRecommendedPostgresSettings(env);
  const port = await freePort();
  child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, QUEUE_PREFIX: env.queuePrefix, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', FOLD_BATCH_WAIT_MS: '2' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  base = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${base}/healthz`)).ok, 30_000, 200);
});
afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await env.teardown();
});

test('npm start: health, readiness, one /metrics with ingest and fold series, the queue board behind operator auth', async () => {
  expect((await getJson(`${base}/healthz`)).body).toEqual({ status: 'ok' });
  expect((await getJson(`${base}/readyz`)).body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } });

  const tenant = await createTenant(env.db.db, 'server-ops-co');
  expect((await sendSigned(base, tenant, 'tasks/created', { taskId: 'task-server-ops', timestamp: new Date(Date.now() - 60_000).toISOString() })).status).toBe(202);
  const m = await eventually(async () => {
    const s = await scrapeMetrics(base);
    return s.sum('cxfold_end_to_end_lag_seconds_count') >= 1 ? s : null;
  });
  expect(m.sum('cxfold_events_received_total', { tenant: 'server-ops-co', type: 'CREATED', outcome: 'accepted' })).toBe(1);
  expect(m.sum('cxfold_fold_batch_size_count')).toBeGreaterThanOrEqual(1);
  expect(m.has('cxfold_queue_jobs', { queue: 'fold', state: 'waiting' })).toBe(true);
  // Receiver and worker watch the same queue: exported once, not twice.
  expect(m.samples.filter((s) => s.name === 'cxfold_queue_jobs' && s.labels.state === 'waiting')).toHaveLength(1);
  expect(m.has('process_cpu_user_seconds_total')).toBe(true);

  expect((await getJson(`${base}/admin/queues`)).status).toBe(401);
  const admin = await createApiKey(env.db.db, tenant.tenant, 'admin', [], 'ops', { operator: true });
  const board = await getJson(`${base}/admin/queues`, { authorization: `Bearer ${admin.key}` });
  expect(board.status).toBe(200);
  expect(String(board.body)).toContain('<title>cxfold queues</title>');
  // The API is mounted after the board: its own routes still answer.
  expect((await getJson(`${base}/v1/interactions`, { authorization: `Bearer ${admin.key}` })).status).toBe(200);
  expect(output).toBe('');
});
