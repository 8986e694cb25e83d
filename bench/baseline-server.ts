/**
 * The ingest baseline: a bare Express 5 server that parses the JSON body, adds one BullMQ job
 * and answers 202. No authentication, no validation, no Postgres. It is what "receive an event
 * and queue it" costs on this machine with this stack, so the receiver's throughput is judged
 * against it (ingest_ratio) rather than against an absolute number.
 *
 *   PORT=3999 REDIS_URL=redis://127.0.0.1:6379 QUEUE_PREFIX=cxbench node --import tsx bench/baseline-server.ts
 */
import type { Server } from 'node:http';
import express from 'express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const port = Number(process.env.PORT ?? 3999);
const prefix = process.env.QUEUE_PREFIX ?? 'cxbench-baseline';
// The same client options as the receiver's producer connection (fail fast, no offline queue).
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, enableOfflineQueue: false });
const queue = new Queue('fold', { connection: redis, prefix });

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/healthz', (_req, res) => {
  res.json({ status: redis.status === 'ready' ? 'ok' : redis.status });
});
app.post('/v1/hooks/:tenant/*path', express.json({ limit: 256 * 1024, type: () => true }), async (req, res) => {
  const body = req.body as { eventId?: string; taskId?: string; executionId?: string };
  const tenant = String(req.params.tenant);
  const eventId = String(body.eventId ?? `${Date.now()}-${Math.random()}`);
  // Same job shape and options as the receiver's fold jobs (custom id, retries, completed jobs removed, failed ones kept).
  await queue.add(
    'fold',
    { rawEventId: 1, tenant, kind: body.executionId ? 'flow' : 'task', subjectId: String(body.taskId ?? body.executionId ?? ''), eventId, receivedAtMs: Date.now() },
    {
      jobId: `${encodeURIComponent(tenant)}~${encodeURIComponent(eventId)}`,
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: true,
      removeOnFail: { count: 5_000, age: 7 * 24 * 3_600 },
    },
  );
  res.status(202).json({ id: eventId, duplicate: false });
});

const server: Server = app.listen(port, '127.0.0.1');
server.keepAliveTimeout = 65_000;

const stop = () => {
  server.close(() => {
    void queue.close().finally(() => {
      redis.disconnect();
      process.exit(0);
    });
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
