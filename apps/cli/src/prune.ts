import { prunePass, prunePlan, pruneCutoff, PRUNE_KINDS, PRUNE_DELETE_CHUNK, type PruneCursor, type PrunePlanRow, type PruneScope, type Sql } from '@cxfold/db';
import { parse, checkSlug, UsageError } from './args';
import { Progress, onInterrupt, opt, fmt, round, INTERRUPTED } from './rebuild';
import { formatTable } from './table';

/** Records archived per transaction. */
const PRUNE_BATCH = 200;

const HELP = `usage:
  prune --older-than <days> [--tenant <slug>] [--dry-run | --yes] [--json]

Retention: deletes the raw events of finished records whose last event is older than <days>
days, and keeps the records themselves (interactions + segments, flow executions + steps).
Finished means an interaction with status closed, or a flow execution that is no longer
active. Each pruned record is stamped raw_pruned_at: it is archived as it stands. Its raw
events are gone, so it is never recomputed: \`cxfold rebuild\` skips it, and an event that
arrives for it later is dead-lettered with error code RECORD_ARCHIVED instead of being folded.
A record with an event still waiting to be folded, or in a dead letter not replayed or purged
yet, is left for a later run (PENDING).

Without --yes, prune prints what it would delete (per tenant and kind) and exits 2;
--dry-run prints the same and exits 0. With --yes it works ${fmt(PRUNE_BATCH)} records per
transaction and deletes at most ${fmt(PRUNE_DELETE_CHUNK)} rows per statement, so locks stay
short; it is safe while the pipeline runs and can be interrupted (Ctrl-C) and run again.
Dead letters of pruned raw events are kept.
Exit codes: 0 ok, 1 failure, 2 usage error or no --yes, 130 interrupted.`;

export async function pruneCommand(sql: Sql, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    'older-than': { type: 'string' },
    tenant: { type: 'string' },
    'dry-run': { type: 'boolean' },
    yes: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length) throw new UsageError(`prune takes no arguments (got "${positionals[0]}")`);
  const raw = opt(values['older-than']);
  if (raw === undefined) throw new UsageError('--older-than <days> is required');
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(days) || days < 1 || days > 100_000) throw new UsageError('--older-than must be a whole number of days, at least 1');
  if (values['dry-run'] && values.yes) throw new UsageError('--dry-run and --yes contradict each other');
  const tenant = values.tenant === undefined ? undefined : checkSlug(opt(values.tenant));

  const scope: PruneScope = { tenant, cutoff: await pruneCutoff(sql, days) };
  const plan = await prunePlan(sql, scope);
  const sum = (rows: PrunePlanRow[], k: 'records' | 'rawEvents' | 'pending') => rows.reduce((n, r) => n + r[k], 0);

  if (!values.yes) {
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ dryRun: true, olderThanDays: days, cutoff: scope.cutoff.toISOString(), records: sum(plan, 'records'), rawEvents: sum(plan, 'rawEvents'), pending: sum(plan, 'pending'), plan })}\n`,
      );
    } else {
      printPlan(plan, scope.cutoff);
      process.stdout.write(`would delete ${fmt(sum(plan, 'rawEvents'))} raw events of ${fmt(sum(plan, 'records'))} finished records last active before ${scope.cutoff.toISOString()}\n`);
    }
    if (values['dry-run']) return 0;
    process.stderr.write('cxfold: nothing deleted; run again with --yes to prune (records are kept, their raw events deleted)\n');
    return 2;
  }

  const started = performance.now();
  const planned = sum(plan, 'records') + sum(plan, 'pending');
  const bar = new Progress('prune');
  const stop = onInterrupt();
  const totals = new Map<string, { tenant: string; kind: string; records: number; rawEvents: number }>();
  let scanned = 0;
  let skipped = 0;
  try {
    outer: for (const kind of PRUNE_KINDS) {
      let cursor: PruneCursor | null = null;
      for (;;) {
        const pass = await prunePass(sql, kind, scope, cursor, PRUNE_BATCH);
        if (!pass.cursor) break;
        cursor = pass.cursor;
        scanned += pass.scanned;
        skipped += pass.skipped;
        for (const a of pass.archived) {
          const key = `${a.tenant}\u0001${a.kind}`;
          const t = totals.get(key) ?? totals.set(key, { tenant: a.tenant, kind: a.kind, records: 0, rawEvents: 0 }).get(key)!;
          t.records += a.records;
          t.rawEvents += a.rawEvents;
        }
        const total = Math.max(planned, scanned);
        bar.update({ done: scanned, total, percent: total ? scanned / total : 1, unit: 'records', text: `${fmt(scanned)}/${fmt(total)} records` });
        if (stop.requested()) break outer;
      }
    }
  } finally {
    bar.end();
    stop.dispose();
  }

  const rows = [...totals.values()].sort((a, b) => (a.tenant === b.tenant ? a.kind.localeCompare(b.kind) : a.tenant < b.tenant ? -1 : 1));
  const records = rows.reduce((n, r) => n + r.records, 0);
  const rawEvents = rows.reduce((n, r) => n + r.rawEvents, 0);
  const interrupted = stop.requested();
  const seconds = round((performance.now() - started) / 1000);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ olderThanDays: days, cutoff: scope.cutoff.toISOString(), records, rawEvents, skipped, interrupted, seconds, pruned: rows })}\n`);
  } else {
    const out = rows.map((r) => `  ${r.tenant} ${r.kind}: ${fmt(r.records)} records archived, ${fmt(r.rawEvents)} raw events deleted`);
    out.push(`${interrupted ? 'interrupted: ' : ''}pruned ${fmt(rawEvents)} raw events of ${fmt(records)} records in ${seconds} s; the records are kept (archived)`);
    if (skipped) out.push(`${fmt(skipped)} records skipped: events still waiting to be folded, or dead letters not replayed or purged yet (a later run takes them)`);
    if (interrupted) out.push('run the same command again to continue');
    process.stdout.write(`${out.join('\n')}\n`);
  }
  return interrupted ? INTERRUPTED : 0;
}

function printPlan(plan: PrunePlanRow[], cutoff: Date): void {
  if (plan.length === 0) {
    process.stdout.write(`no finished records last active before ${cutoff.toISOString()}\n`);
    return;
  }
  const header = ['TENANT', 'KIND', 'RECORDS', 'RAW EVENTS', 'PENDING'];
  const body = plan.map((r) => [r.tenant, r.kind, fmt(r.records), fmt(r.rawEvents), fmt(r.pending)]);
  process.stdout.write(formatTable(header, body));
}
