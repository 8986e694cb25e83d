import type { Sql, SubjectKey, Tx } from '@cxfold/db';
import { foldStateOf, subjectKeyString } from '@cxfold/db';
import type { FoldEvent } from '@cxfold/queue';
import type { Logger } from '@cxfold/log';
import { foldSubjects, type FoldSubjectsResult } from './fold-subjects';
import { isDatabaseUnavailable } from './db-errors';

/** What became of one raw event. */
export type JobOutcome =
  /** `earlier`: an earlier fold had already taken it in (a retried job, a sweep); nothing was done now. */
  | { kind: 'folded'; earlier?: boolean }
  | { kind: 'poisoned'; reason: string }
  /** The raw event is gone or was dead-lettered earlier: nothing left to do. */
  | { kind: 'absent' };

interface Waiting {
  event: FoldEvent;
  attempt: number;
  resolve(o: JobOutcome): void;
  reject(err: unknown): void;
}

export interface BatchStats {
  size: number;
  subjects: number;
  ms: number;
}

export interface FoldBatcherOptions {
  batchSize: number;
  waitMs: number;
  /** Lanes, i.e. fold transactions in flight at once (one per lane). */
  maxInFlight?: number;
  onBatch?: (stats: BatchStats) => void;
}

/** One lane: its own queue of parked events and at most one fold transaction at a time. */
interface Lane {
  waiting: Waiting[];
  timer: NodeJS.Timeout | null;
  busy: boolean;
}

/**
 * Every event of every job the worker holds parks here: events gathered for a few ms (or until
 * the batch is full) are folded in one transaction, whichever jobs they came in. If that
 * transaction fails, each record is retried alone so one bad record cannot hold back the rest
 * of the batch.
 *
 * Events are split into lanes by record (a hash of the subject key), and a lane runs one
 * transaction at a time. Two batches in flight therefore never hold the same record: before
 * lanes, consecutive batches shared records and each waited on the other's advisory locks,
 * which the drain benchmark showed as most of a batch's time. A record's events that arrive
 * while its lane is busy also wait and are folded together, so it is recomputed less often.
 */
export class FoldBatcher {
  private readonly lanes: Lane[];
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly sql: Sql,
    private readonly logger: Logger,
    private readonly opts: FoldBatcherOptions,
  ) {
    this.lanes = Array.from({ length: Math.max(1, opts.maxInFlight ?? 2) }, () => ({ waiting: [], timer: null, busy: false }));
  }

  submit(event: FoldEvent, attempt: number): Promise<JobOutcome> {
    const lane = this.lanes[laneOf(event, this.lanes.length)]!;
    return new Promise((resolve, reject) => {
      lane.waiting.push({ event, attempt, resolve, reject });
      this.flushSoon(lane, lane.waiting.length >= this.opts.batchSize ? 0 : this.opts.waitMs);
    });
  }

  /** Resolves once nothing is waiting or folding (graceful shutdown finishes the current batch). */
  drained(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private isIdle(): boolean {
    return this.lanes.every((l) => l.waiting.length === 0 && !l.busy);
  }

  private flushSoon(lane: Lane, delay: number): void {
    if (delay === 0) {
      if (lane.timer) clearTimeout(lane.timer);
      lane.timer = null;
      this.flush(lane);
      return;
    }
    lane.timer ??= setTimeout(() => {
      lane.timer = null;
      this.flush(lane);
    }, delay);
  }

  private flush(lane: Lane): void {
    if (lane.busy || lane.waiting.length === 0) return;
    const batch = lane.waiting.splice(0, this.opts.batchSize);
    lane.busy = true;
    this.run(batch)
      .catch((err: unknown) => {
        for (const w of batch) w.reject(err);
      })
      .finally(() => {
        lane.busy = false;
        if (lane.waiting.length > 0) this.flushSoon(lane, lane.waiting.length >= this.opts.batchSize ? 0 : this.opts.waitMs);
        else if (this.isIdle()) this.idle.splice(0).forEach((r) => r());
      });
  }

  private async run(batch: Waiting[]): Promise<void> {
    const started = performance.now();
    const keys = batch.map((w): SubjectKey => ({ tenant: w.event.tenant, kind: w.event.kind, subjectId: w.event.subjectId }));
    const attempts = Math.max(...batch.map((w) => w.attempt));
    let phases: Record<string, number> | undefined;
    try {
      const result = await this.sql.begin((tx) => foldPending(tx, batch, attempts));
      phases = result.phases;
      settle(batch, result);
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        // Record by record would only wait out the same outage once per record.
        for (const w of batch) w.reject(err);
        return;
      }
      this.logger.warn({ err, events: batch.length, requestIds: requestIdsOf(batch) }, 'batch fold failed; folding its records one by one');
      const bySubject = new Map<string, Waiting[]>();
      for (const w of batch) {
        const k = subjectKeyString({ tenant: w.event.tenant, kind: w.event.kind, subjectId: w.event.subjectId });
        bySubject.set(k, [...(bySubject.get(k) ?? []), w]);
      }
      for (const group of bySubject.values()) {
        const first = group[0]!.event;
        try {
          const result = await this.sql.begin((tx) => foldSubjects(tx, [{ tenant: first.tenant, kind: first.kind, subjectId: first.subjectId }], Math.max(...group.map((w) => w.attempt))));
          settle(group, result);
        } catch (subjectErr) {
          for (const w of group) w.reject(subjectErr);
        }
      }
    }
    const stats = { size: batch.length, subjects: new Set(keys.map(subjectKeyString)).size, ms: performance.now() - started };
    // One debug line per batch (never per event), carrying the receivers' request ids so a
    // delivery can be followed from its HTTP request into the fold that consumed it.
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ events: stats.size, subjects: stats.subjects, ms: round1(stats.ms), phases: phases && Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, round1(v)])), requestIds: requestIdsOf(batch) }, 'batch folded');
    this.opts.onBatch?.(stats);
  }
}

/**
 * Folds the records of the batch's events that are still unfolded; events an earlier fold
 * already took in (a backlog, a redelivery, a sweep) count as folded without reloading their
 * record.
 */
async function foldPending(tx: Tx, batch: Waiting[], attempts: number): Promise<FoldSubjectsResult & { earlier: Set<number> }> {
  const state = await foldStateOf(tx, batch.map((w) => w.event.rawEventId));
  const keys = batch.filter((w) => state.unfolded.has(w.event.rawEventId)).map((w): SubjectKey => ({ tenant: w.event.tenant, kind: w.event.kind, subjectId: w.event.subjectId }));
  const result = keys.length > 0 ? await foldSubjects(tx, keys, attempts) : { folded: new Set<number>(), poisoned: new Map(), archived: new Map(), phases: undefined };
  return { ...result, earlier: state.folded };
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/** A record's lane: FNV-1a over its subject key, so all of one record's events meet in one lane. */
function laneOf(event: FoldEvent, lanes: number): number {
  if (lanes === 1) return 0;
  const key = subjectKeyString({ tenant: event.tenant, kind: event.kind, subjectId: event.subjectId });
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

/** The distinct request ids of a batch, at most 100 of them (a batch holds up to FOLD_BATCH_SIZE events). */
function requestIdsOf(batch: Waiting[]): string[] {
  const ids = new Set<string>();
  for (const w of batch) {
    if (w.event.requestId) ids.add(w.event.requestId);
    if (ids.size >= 100) break;
  }
  return [...ids];
}

function settle(batch: Waiting[], result: { folded: Set<number>; poisoned: Map<number, string>; earlier?: Set<number> }): void {
  for (const w of batch) {
    const poison = result.poisoned.get(w.event.rawEventId);
    if (poison !== undefined) w.resolve({ kind: 'poisoned', reason: poison });
    else if (result.earlier?.has(w.event.rawEventId)) w.resolve({ kind: 'folded', earlier: true });
    else if (result.folded.has(w.event.rawEventId)) w.resolve({ kind: 'folded' });
    else w.resolve({ kind: 'absent' });
  }
}
