import { type Sql } from '@cxfold/db';
import { rebuildProjections, describeScope, RebuildBusyError, type RebuildProgress } from '@cxfold/projector';
import { parse, checkSlug, UsageError } from './args';

const HELP = `usage:
  rebuild [--tenant <slug>] [--kind task|flow] [--batch 500] [--restart] [--json]

Recomputes the projections (interactions + segments, flow_executions + flow_steps) from
raw_events: every record (subject) in (tenant, kind, subject id) order, --batch records per
transaction, each folded exactly as the worker folds it. Safe while the pipeline runs.

Resumable: progress is committed with each batch (table rebuild_runs). A run that is
interrupted (Ctrl-C, kill, crash) continues after its last committed batch when the same
command (same --tenant and --kind) runs again; --restart starts from the beginning instead.
Ctrl-C stops after the current batch; a second Ctrl-C stops at once.

Records archived by \`cxfold prune\` (raw events deleted) are left exactly as they are.
Progress goes to stderr (a bar on a terminal, a line every few seconds otherwise); the
summary to stdout. A record whose fold fails is reported and skipped (exit 1 at the end).
Exit codes: 0 done, 1 failure, 2 usage error, 130 interrupted.`;

/** Exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED = 130;

export async function rebuildCommand(sql: Sql, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    tenant: { type: 'string' },
    kind: { type: 'string' },
    batch: { type: 'string' },
    restart: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length) throw new UsageError(`rebuild takes no arguments (got "${positionals[0]}")`);
  const tenant = values.tenant === undefined ? undefined : checkSlug(opt(values.tenant));
  const kind = readKind(opt(values.kind));
  const batchSize = readBatch(opt(values.batch));

  const stop = onInterrupt();
  const bar = new Progress('rebuild');
  try {
    const summary = await rebuildProjections(sql, {
      tenant,
      kind,
      batchSize,
      restart: values.restart === true,
      shouldStop: stop.requested,
      onProgress: (p: RebuildProgress) =>
        bar.update({
          done: p.done - p.doneAtStart,
          total: p.total - p.doneAtStart,
          percent: p.total > 0 ? p.done / p.total : 1,
          text: `${fmt(p.done)}/${fmt(p.total)} records`,
          unit: 'records',
        }),
    });
    bar.end();
    const scope = describeScope({ tenant: tenant ?? null, kind: kind ?? null });
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({
          runId: summary.runId,
          resumed: summary.resumed,
          finished: summary.finished,
          subjects: summary.subjects,
          events: summary.eventsNow,
          archivedSkipped: summary.archived,
          done: summary.done,
          total: summary.total,
          seconds: round(summary.seconds),
          failed: summary.failedCount,
          failedRecords: summary.failed.map((f) => ({ ...f.subject, error: f.error })),
        })}\n`,
      );
    } else {
      const lines = [];
      if (summary.resumed) lines.push(`resumed rebuild run ${summary.runId} after ${fmt(summary.doneAtStart)} records`);
      lines.push(
        `${summary.finished ? 'rebuilt' : 'interrupted after'} ${fmt(summary.subjects)} records (${fmt(summary.eventsNow)} events) of ${scope} in ${round(summary.seconds)} s` +
          (summary.archived ? `; ${fmt(summary.archived)} archived records left as they are` : ''),
      );
      if (summary.failedCount) {
        lines.push(`${fmt(summary.failedCount)} records could not be folded and were left as they were:`);
        for (const f of summary.failed) lines.push(`  ${f.subject.tenant} ${f.subject.kind} ${f.subject.subjectId}: ${f.error}`);
        if (summary.failedCount > summary.failed.length) lines.push(`  … and ${fmt(summary.failedCount - summary.failed.length)} more`);
      }
      if (!summary.finished) lines.push(`run ${summary.runId} is at ${fmt(summary.done)}/${fmt(summary.total)}; run the same command again to continue (--restart to start over)`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    if (!summary.finished) return INTERRUPTED;
    return summary.failedCount ? 1 : 0;
  } catch (err) {
    bar.end();
    if (err instanceof RebuildBusyError) throw new Error(`${err.message}; wait for it or stop it first`);
    throw err;
  } finally {
    stop.dispose();
  }
}

/** A string option's value (parse() is typed loosely: strings, booleans or lists). */
export function opt(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function readKind(value: string | undefined): 'task' | 'flow' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'task' && value !== 'flow') throw new UsageError('--kind must be task or flow');
  return value;
}

export function readBatch(value: string | undefined, fallback = 500): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 10_000) throw new UsageError('--batch must be a whole number from 1 to 10000');
  return n;
}

/**
 * First SIGINT/SIGTERM: ask the command to stop at the next safe point (after the batch in
 * hand commits). A second one exits at once; Postgres rolls back the open transaction.
 */
export function onInterrupt(): { requested: () => boolean; dispose(): void } {
  let requested = false;
  const handler = (signal: NodeJS.Signals) => {
    if (requested) {
      process.stderr.write(`\ncxfold: ${signal} again, stopping now\n`);
      process.exit(INTERRUPTED);
    }
    requested = true;
    process.stderr.write(`\ncxfold: ${signal}: stopping after the current batch (again to stop at once)\n`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    requested: () => requested,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

export interface ProgressState {
  /** Work done and total work of this invocation, in any measure (records, bytes): drives the ETA. */
  done: number;
  total: number;
  /** Completion shown, 0..1 (a resumed rebuild counts earlier runs too). */
  percent: number;
  /** Counter shown and rated per second, e.g. records or lines. */
  count?: number;
  unit: string;
  text: string;
}

/**
 * Progress on stderr: a redrawn bar with percentage, rate and ETA on a terminal; otherwise
 * (a pipe, a log file) one plain line every `everyMs`.
 */
export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private drawn = false;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly everyMs = 2_000,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  update(s: ProgressState): void {
    const now = performance.now();
    // A terminal redraws at most 10 times a second; a pipe gets a line every `everyMs` (a run
    // shorter than that prints only its summary).
    const since = now - (this.lastDraw || this.started);
    if (this.tty ? this.drawn && since < 100 : since < this.everyMs) return;
    this.lastDraw = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = (s.count ?? s.done) / seconds;
    const eta = s.done > 0 && s.total > s.done ? ((s.total - s.done) * seconds) / s.done : s.total > s.done ? null : 0;
    const pct = `${(Math.min(Math.max(s.percent, 0), 1) * 100).toFixed(1)}%`;
    const tail = `${s.text}  ${fmt(Math.round(rate))} ${s.unit}/s  ETA ${eta === null ? '?' : duration(eta)}`;
    if (this.tty) {
      const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - tail.length - this.label.length - 16));
      const filled = Math.round(Math.min(Math.max(s.percent, 0), 1) * width);
      this.stream.write(`\r\x1b[2K${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct.padStart(6)}  ${tail}`);
    } else {
      this.stream.write(`${this.label}: ${pct} ${tail}\n`);
    }
    this.drawn = true;
  }

  /** Clears the bar so other stderr output starts on a clean line. */
  clear(): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[2K');
  }

  end(): void {
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

export const fmt = (n: number) => n.toLocaleString('en-US');
export const round = (s: number) => Math.round(s * 10) / 10;

function duration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
