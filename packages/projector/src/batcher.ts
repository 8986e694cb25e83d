import type { Sql, SubjectKey } from '@cxfold/db';
import { subjectKeyString } from '@cxfold/db';
import type { FoldJob } from '@cxfold/queue';
import type { Logger } from '@cxfold/log';
import { foldSubjects } from './fold-subjects';
import { isDatabaseUnavailable } from './db-errors';

/** What became of one job's raw event. */
export type JobOutcome =
  | { kind: 'folded' }
  | { kind: 'poisoned'; reason: string }
  /** The raw event is gone or was dead-lettered earlier: nothing left to do. */
  | { kind: 'absent' };

interface Waiting {
  job: FoldJob;
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
  maxInFlight?: number;
  onBatch?: (stats: BatchStats) => void;
}

/**
 * Open-source BullMQ has no batch API, so the worker runs with high concurrency and every
 * job parks here: jobs gathered for a few ms (or until the batch is full) are folded in one
 * transaction. If that transaction fails, each record is retried alone so one bad record
 * cannot hold back the rest of the batch.
 */
export class FoldBatcher {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly sql: Sql,
    private readonly logger: Logger,
    private readonly opts: FoldBatcherOptions,
  ) {}

  submit(job: FoldJob, attempt: number): Promise<JobOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, attempt, resolve, reject });
      if (this.waiting.length >= this.opts.batchSize) this.flushSoon(0);
      else this.flushSoon(this.opts.waitMs);
    });
  }

  /** Resolves once nothing is waiting or folding (graceful shutdown finishes the current batch). */
  drained(): Promise<void> {
    if (this.waiting.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private flushSoon(delay: number): void {
    if (delay === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delay);
  }

  private flush(): void {
    if (this.inFlight >= (this.opts.maxInFlight ?? 2) || this.waiting.length === 0) return;
    const batch = this.waiting.splice(0, this.opts.batchSize);
    this.inFlight++;
    this.run(batch)
      .catch((err: unknown) => {
        for (const w of batch) w.reject(err);
      })
      .finally(() => {
        this.inFlight--;
        if (this.waiting.length > 0) this.flushSoon(this.waiting.length >= this.opts.batchSize ? 0 : this.opts.waitMs);
        else if (this.inFlight === 0) this.idle.splice(0).forEach((r) => r());
      });
  }

  private async run(batch: Waiting[]): Promise<void> {
    const started = performance.now();
    const keys = batch.map((w): SubjectKey => ({ tenant: w.job.tenant, kind: w.job.kind, subjectId: w.job.subjectId }));
    const attempts = Math.max(...batch.map((w) => w.attempt));
    try {
      const result = await this.sql.begin((tx) => foldSubjects(tx, keys, attempts));
      settle(batch, result);
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        // Record by record would only wait out the same outage once per record.
        for (const w of batch) w.reject(err);
        return;
      }
      this.logger.warn({ err, jobs: batch.length, requestIds: requestIdsOf(batch) }, 'batch fold failed; folding its records one by one');
      const bySubject = new Map<string, Waiting[]>();
      for (const w of batch) {
        const k = subjectKeyString({ tenant: w.job.tenant, kind: w.job.kind, subjectId: w.job.subjectId });
        bySubject.set(k, [...(bySubject.get(k) ?? []), w]);
      }
      for (const group of bySubject.values()) {
        const first = group[0]!.job;
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
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ jobs: stats.size, subjects: stats.subjects, ms: Math.round(stats.ms * 10) / 10, requestIds: requestIdsOf(batch) }, 'batch folded');
    this.opts.onBatch?.(stats);
  }
}

/** The distinct request ids of a batch, at most 100 of them (a batch holds up to FOLD_BATCH_SIZE jobs). */
function requestIdsOf(batch: Waiting[]): string[] {
  const ids = new Set<string>();
  for (const w of batch) {
    if (w.job.requestId) ids.add(w.job.requestId);
    if (ids.size >= 100) break;
  }
  return [...ids];
}

function settle(batch: Waiting[], result: { folded: Set<number>; poisoned: Map<number, string> }): void {
  for (const w of batch) {
    const poison = result.poisoned.get(w.job.rawEventId);
    if (poison !== undefined) w.resolve({ kind: 'poisoned', reason: poison });
    else if (result.folded.has(w.job.rawEventId)) w.resolve({ kind: 'folded' });
    else w.resolve({ kind: 'absent' });
  }
}
