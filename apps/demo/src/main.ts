import { parseArgs } from 'node:util';
import { loadEnv, serverEnv } from '@cxfold/config';
import { createLogger } from '@cxfold/log';
import { createDbClient, createTenant, migrate, vacuumAnalyzeProjections } from '@cxfold/db';
import { startReceiver } from '@cxfold/receiver';
import { startWorker } from '@cxfold/worker';
import { createMetrics } from '@cxfold/observability';
import { generateSyntheticDay, shuffleDeliveries } from './synthetic-day';
import { sendDay } from './sender';
import { waitUntilFolded, summarise, printSummary } from './summary';

const HELP = `npm run demo -- [--interactions 5000] [--seed 42] [--concurrency 64] [--keep-running]

Migrates the database, starts the receiver and worker on the local Postgres and Redis,
creates a fresh tenant, sends a synthetic contact-center day (signed as real senders sign,
shuffled, with duplicates), waits until every event is folded and prints a summary.`;

async function main() {
  const { values } = parseArgs({
    options: {
      interactions: { type: 'string', default: '5000' },
      seed: { type: 'string', default: '42' },
      concurrency: { type: 'string', default: '64' },
      'keep-running': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const interactions = Number(values.interactions);
  const seed = Number(values.seed);
  const concurrency = Number(values.concurrency);
  if (![interactions, seed, concurrency].every((n) => Number.isInteger(n) && n > 0)) throw new Error('--interactions, --seed and --concurrency are positive integers');

  // Quiet by default: the demo prints its own summary; LOG_LEVEL=info shows the pipeline's logs.
  const env = loadEnv(serverEnv, { LOG_LEVEL: 'warn', SWEEP_GRACE_MS: '10000', ...process.env });
  const logger = createLogger({ name: 'cxfold-demo', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY });
  const say = (line: string) => process.stdout.write(`${line}\n`);

  say(`• migrating ${new URL(env.DATABASE_URL).pathname.slice(1)} on ${new URL(env.DATABASE_URL).host}`);
  await migrate(env.DATABASE_URL);
  const db = createDbClient({ url: env.DATABASE_URL, poolSize: 2, applicationName: 'cxfold-demo' });
  // One registry, as in `npm start`: the receiver's /metrics shows the worker's folds too.
  const metrics = createMetrics();
  const worker = await startWorker(env, logger, {}, { metrics });
  const receiver = await startReceiver({ ...env, PORT: env.PORT }, logger, [], { metrics });
  const baseUrl = `http://127.0.0.1:${receiver.port}`;
  say(`• receiver and worker running on ${baseUrl} (Redis ${new URL(env.REDIS_URL).host}, queue prefix ${env.QUEUE_PREFIX})`);

  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const tenant = await createTenant(db.db, `demo-${stamp}`, { timeZone: 'America/New_York' });
  say(`• tenant ${tenant.tenant} created (time zone America/New_York)`);

  // Yesterday, midnight New York time (UTC-5 in winter): a finished day, so nothing is in the future.
  const todayUtc = new Date();
  const dayStartMs = Date.UTC(todayUtc.getUTCFullYear(), todayUtc.getUTCMonth(), todayUtc.getUTCDate() - 1, 5);
  const day = generateSyntheticDay({ seed, interactions, dayStartMs, tenantTimeZoneOffsetMinutes: -300 });
  const deliveries = shuffleDeliveries(day.deliveries, seed, 64);
  say(`• sending ${deliveries.length} deliveries (${day.expected.uniqueEvents} distinct events, ${day.expected.interactions} interactions, ${day.expected.flowExecutions} flow executions) with ${concurrency} concurrent senders`);

  const sent = await sendDay({ baseUrl, tenant, deliveries, concurrency, onProgress: (done) => {
      if (done % 10_000 === 0 || done === deliveries.length) say(`  ${done}/${deliveries.length} deliveries sent`);
    } });
  say(`• acknowledged ${sent.accepted} events in ${(sent.ms / 1000).toFixed(1)} s (${Math.round(sent.accepted / (sent.ms / 1000))} events/s acknowledged); ${sent.duplicates} duplicates, ${sent.rejected} rejected`);

  const folded = await waitUntilFolded(db.sql, tenant.tenant, sent.startedAt);
  say(`• all ${folded.rawEvents} raw events settled ${(folded.msAfterLastAck / 1000).toFixed(1)} s after the last acknowledgement (${Math.round(folded.rawEvents / (folded.msSinceStart / 1000))} events/s end to end)`);

  // What autovacuum would do (it may be off, as on CI machines): planner statistics and the visibility
  // map, without which the overview's failing steps cannot use their index-only scan.
  say(`• vacuum analyze of the projection tables in ${(await vacuumAnalyzeProjections(db.sql)).toFixed(1)} s`);

  printSummary(say, await summarise(db.sql, tenant.tenant), day.expected, sent, tenant.tenant, baseUrl);

  if (values['keep-running']) {
    say(`• still running on ${baseUrl}; Ctrl-C to stop`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  await receiver.close();
  await worker.close();
  await db.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
