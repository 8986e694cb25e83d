import { parseArgs } from 'node:util';
import { chaosPassed, formatReport, runChaos } from './chaos';

const HELP = `npm run chaos -- [--interactions 2000] [--kills 3] [--seed 1] [--concurrency 16] [--keep]

Starts a private redis-server (no persistence), the receiver and the worker as child
processes on a fresh database (cxfold_chaos_<time>) of the Postgres server in DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/postgres), sends a synthetic day with retrying
senders while it SIGKILLs the receiver and the worker --kills times each and restarts Redis
empty once or twice, then checks that every acknowledged event is stored exactly once,
every stored event is folded or dead-lettered, and the projections equal a clean rebuild.
Exits 1 when anything was lost, duplicated, left unfolded or folded wrong.
--keep keeps the database and the service logs.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      interactions: { type: 'string', default: '2000' },
      kills: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '16' },
      keep: { type: 'boolean', default: false },
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
  // Ctrl-C: exit through process.exit so the exit hook kills the child process groups.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));

  const report = await runChaos({ databaseUrl, interactions, kills, seed, concurrency, keep: values.keep, log: say });
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
    process.stderr.write(`chaos failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
