import { parseArgs } from 'node:util';
import { chaosPassed, formatReport, runChaos } from './chaos';

const HELP = `npm run chaos -- [--interactions 2000] [--kills 3] [--seed 1] [--concurrency 16] [--keep] [--redis-last] [--service-log-level warn]

Starts a private redis-server (no persistence), the receiver and the worker as child
processes on a fresh database (cxfold_chaos_<time>) of the Postgres server in DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/postgres), sends a synthetic day with retrying
senders while it SIGKILLs the receiver and the worker --kills times each and restarts Redis
empty once or twice, then checks that every acknowledged event is stored exactly once,
every stored event is folded or dead-lettered, and the projections equal a clean rebuild.
Exits 1 when anything was lost, duplicated, left unfolded or folded wrong.
--keep keeps the database and the service logs (kept anyway when the run fails);
--redis-last restarts Redis only after the last worker kill (the test suite's short form);
--service-log-level sets LOG_LEVEL of the receiver and the worker in those logs.`;

const stop = new AbortController();

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      interactions: { type: 'string', default: '2000' },
      kills: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '16' },
      keep: { type: 'boolean', default: false },
      'redis-last': { type: 'boolean', default: false },
      'service-log-level': { type: 'string', default: 'warn' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const interactions = Number(values.interactions);
  const kills = Number(values.kills);
  const seed = Number(values.seed);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(interactions) || interactions < 1) throw new Error('--interactions must be a positive integer');
  if (!Number.isInteger(kills) || kills < 0) throw new Error('--kills must be an integer >= 0');
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency must be a positive integer');

  const say = (line: string) => process.stdout.write(`${line}\n`);
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  // Ctrl-C stops the run and still cleans up (children, Redis, the database); a second one
  // exits at once, and the exit hook still kills the child process groups.
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(sig, () => {
      if (stop.signal.aborted) process.exit(code);
      say(`${sig}: stopping and cleaning up (again to exit at once)`);
      stop.abort(new Error(`interrupted by ${sig}`));
    });
  }

  const report = await runChaos({
    databaseUrl,
    interactions,
    kills,
    seed,
    concurrency,
    keep: values.keep,
    redisLast: values['redis-last'],
    serviceLogLevel: values['service-log-level'],
    signal: stop.signal,
    log: say,
  });
  const ok = chaosPassed(report);
  say('');
  say(`chaos ${ok ? 'passed' : 'FAILED'} (interactions ${interactions}, kills ${kills}, seed ${seed})`);
  say(formatReport(report));
  if (report.problems.length) {
    say('problems:');
    for (const p of report.problems) say(`  - ${p}`);
  }
  if (values.keep) say(`database kept: ${report.database}`);
  say(JSON.stringify(report));
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (stop.signal.aborted) {
      process.stderr.write('chaos interrupted; child processes, Redis and the database cleaned up\n');
      process.exit(130);
    }
    process.stderr.write(`chaos failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
