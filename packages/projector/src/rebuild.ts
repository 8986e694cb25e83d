import {
  advanceRebuildRun,
  countRebuildSubjects,
  createRebuildRun,
  finishRebuildRun,
  findOpenRebuildRun,
  nextRebuildSubjects,
  rebuildLockKey,
  setRebuildTotal,
  supersedeRebuildRuns,
  type EventKind,
  type RebuildRun,
  type RebuildScope,
  type Sql,
  type SubjectKey,
} from '@cxfold/db';
import { foldSubjects } from './fold-subjects';
import { isDatabaseUnavailable } from './db-errors';

export interface RebuildOptions {
  /** Only this tenant; every tenant when absent. */
  tenant?: string;
  /** Only interactions (task) or flow executions (flow); both when absent. */
  kind?: EventKind;
  /** Subjects folded per transaction. */
  batchSize: number;
  /** Give up an interrupted run of the same scope and start from the beginning. */
  restart?: boolean;
  /** Called after each committed batch. */
  onProgress?: (p: RebuildProgress) => void;
  /** Checked after each committed batch: true stops the walk there (the run stays resumable). */
  shouldStop?: () => boolean;
}

export interface RebuildProgress {
  runId: number;
  /** Subjects walked by the run, this and earlier invocations. */
  done: number;
  total: number;
  /** `done` when this invocation started (0 unless resumed). */
  doneAtStart: number;
  events: number;
  archived: number;
}

/** Failed records kept in the summary (all are counted). */
const FAILED_SHOWN = 20;

export interface RebuildSummary extends RebuildProgress {
  /** Records whose fold failed (the walk went on without them); the first few, and how many. */
  failed: { subject: SubjectKey; error: string }[];
  failedCount: number;
  resumed: boolean;
  /** false: stopped by shouldStop; run again to continue. */
  finished: boolean;
  /** Subjects walked and raw events folded by this invocation. */
  subjects: number;
  eventsNow: number;
  seconds: number;
}

/** Another rebuild of the same scope holds the lock. */
export class RebuildBusyError extends Error {
  readonly code = 'REBUILD_BUSY' as const;
}

/**
 * Recomputes every projection from raw_events: walks the distinct subjects (tenant, kind,
 * subject_id) in order, `batchSize` at a time, and folds each batch with foldSubjects (lock,
 * reload, fold, replace) in a transaction that also commits the run's progress. A run that
 * is interrupted (signal, kill, crash) continues after its last committed batch the next
 * time the same scope is rebuilt, unless `restart`. Records archived by prune are skipped.
 */
export async function rebuildProjections(sql: Sql, opts: RebuildOptions): Promise<RebuildSummary> {
  const scope: RebuildScope = { tenant: opts.tenant ?? null, kind: opts.kind ?? null };
  const started = performance.now();
  // A session lock on a connection of its own, held for the whole run (a killed process's
  // lock goes with its connection).
  const lockConn = await sql.reserve();
  try {
    const [lock] = await lockConn<{ ok: boolean }[]>`select pg_try_advisory_lock(hashtextextended(${rebuildLockKey(scope)}, 0)) as ok`;
    if (!lock?.ok) throw new RebuildBusyError(`another rebuild of ${describeScope(scope)} is running`);
    try {
      return await walk(sql, scope, opts, started);
    } finally {
      await lockConn`select pg_advisory_unlock(hashtextextended(${rebuildLockKey(scope)}, 0))`.catch(() => undefined);
    }
  } finally {
    lockConn.release();
  }
}

async function walk(sql: Sql, scope: RebuildScope, opts: RebuildOptions, started: number): Promise<RebuildSummary> {
  if (opts.restart) await supersedeRebuildRuns(sql, scope);
  const open = await findOpenRebuildRun(sql, scope);
  const resumed = open !== null;
  const remaining = await countRebuildSubjects(sql, scope, open?.cursor ?? null);
  let run: RebuildRun;
  if (open) {
    run = { ...open, total: open.done + remaining };
    await setRebuildTotal(sql, run.id, run.total);
  } else {
    run = await createRebuildRun(sql, scope, remaining);
  }
  const runId = run.id;

  const doneAtStart = run.done;
  const eventsAtStart = run.events;
  let { cursor, done, events, archived } = run;
  let total = run.total;
  let finished = false;
  const failed: RebuildSummary['failed'] = [];
  let failedCount = 0;
  const progress = (): RebuildProgress => ({ runId, done, total: Math.max(total, done), doneAtStart, events, archived });

  for (;;) {
    const batch = await nextRebuildSubjects(sql, scope, cursor, opts.batchSize);
    const last = batch[batch.length - 1];
    if (!last) {
      await finishRebuildRun(sql, runId);
      finished = true;
      break;
    }
    const keys = batch.filter((s) => !s.archived).map(({ tenant, kind, subjectId }) => ({ tenant, kind, subjectId }));
    const next = { tenant: last.tenant, kind: last.kind, subjectId: last.subjectId };
    const archivedNow = batch.length - keys.length;
    let delta: { done: number; events: number; archived: number };
    try {
      delta = await sql.begin(async (tx) => {
        // foldSubjects checks archived records again under its locks (a prune may have run since).
        const result = keys.length ? await foldSubjects(tx, keys, 1, { steps: 'all' }) : null;
        const d = { done: batch.length, events: result ? result.folded.size + result.poisoned.size : 0, archived: archivedNow };
        await advanceRebuildRun(tx, runId, next, d);
        return d;
      });
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      // As the worker does: fold the batch's records one by one so one bad record cannot stop
      // the rebuild; the ones that fail are reported (rebuild them again once fixed).
      let foldedEvents = 0;
      for (const key of keys) {
        try {
          const result = await sql.begin((tx) => foldSubjects(tx, [key], 1, { steps: 'all' }));
          foldedEvents += result.folded.size + result.poisoned.size;
        } catch (one) {
          if (isDatabaseUnavailable(one)) throw one;
          failedCount++;
          if (failed.length < FAILED_SHOWN) failed.push({ subject: key, error: one instanceof Error ? one.message : String(one) });
        }
      }
      delta = { done: batch.length, events: foldedEvents, archived: archivedNow };
      await sql.begin((tx) => advanceRebuildRun(tx, runId, next, delta));
    }
    cursor = next;
    done += delta.done;
    events += delta.events;
    archived += delta.archived;
    total = Math.max(total, done);
    opts.onProgress?.(progress());
    if (opts.shouldStop?.()) break;
  }
  return {
    ...progress(),
    total: finished ? done : Math.max(total, done),
    resumed,
    finished,
    failed,
    failedCount,
    subjects: done - doneAtStart,
    eventsNow: events - eventsAtStart,
    seconds: (performance.now() - started) / 1000,
  };
}

export function describeScope(scope: RebuildScope): string {
  const kind = scope.kind === 'task' ? 'interactions' : scope.kind === 'flow' ? 'flow executions' : 'all records';
  return scope.tenant ? `${kind} of tenant ${scope.tenant}` : `${kind} of every tenant`;
}
