import { Worker, UnrecoverableError, DelayedError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { lockSubjects, recordDeadLetters, type Sql } from '@cxfold/db';
import { QUEUES, foldJobSchema, type FoldEvent, type FoldJob } from '@cxfold/queue';
import type { Logger } from '@cxfold/log';
import { FoldBatcher, type BatchStats, type JobOutcome } from './batcher';
import { isDatabaseUnavailable } from './db-errors';

export interface FoldWorkerOptions {
  connection: Redis;
  prefix: string;
  sql: Sql;
  logger: Logger;
  /** Jobs held at once over all fetchers. */
  concurrency: number;
  /**
   * BullMQ workers feeding the one batcher. A BullMQ worker fetches its jobs one Redis round
   * trip at a time (by design, see its main loop), so a single one starves the batcher while
   * the event loop is busy folding; several fetch side by side.
   */
  fetchers?: number;
  /** Fold transactions in flight at once. */
  maxInFlight?: number;
  batchSize: number;
  batchWaitMs: number;
  onBatch?: (stats: BatchStats) => void;
  /** Once per event of a job, when its outcome is known. */
  onFolded?: (event: FoldEvent, outcome: JobOutcome) => void;
  /** How long a job waits when Postgres is unreachable; attempts are not spent on outages. */
  outageDelayMs?: number;
}

export interface FoldWorker {
  workers: Worker<FoldJob>[];
  batcher: FoldBatcher;
  pause(): Promise<void>;
  resume(): void;
  /** Stops taking jobs, finishes the batch in hand, closes the BullMQ worker. */
  close(): Promise<void>;
}

/**
 * The BullMQ side of folding. Each job is checked against the job catalog, its events are
 * parked in the batcher, and the job completes when all of them are folded. A job with a
 * failing event is retried whole (its folded events are then skipped); on the last attempt
 * each failing event is written to dead_letters, so none is dropped.
 */
export function createFoldWorker(opts: FoldWorkerOptions): FoldWorker {
  const log = opts.logger.child({ component: 'fold-worker' });
  const batcher = new FoldBatcher(opts.sql, log, { batchSize: opts.batchSize, waitMs: opts.batchWaitMs, maxInFlight: opts.maxInFlight, onBatch: opts.onBatch });

  const process = async (job: Job<FoldJob>, token?: string) => {
    const parsed = foldJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid fold job payload: ${parsed.error.message}`);
    const { events } = parsed.data;
    const attempt = job.attemptsMade + 1;
    const settled = await Promise.allSettled(events.map((event) => batcher.submit(event, attempt)));
    const failures: { event: FoldEvent; err: unknown }[] = [];
    let folded = 0;
    settled.forEach((s, i) => {
      const event = events[i]!;
      if (s.status === 'rejected') return void failures.push({ event, err: s.reason });
      if (s.value.kind === 'poisoned') log.warn({ jobId: job.id, requestId: event.requestId, eventId: event.eventId, reason: s.value.reason }, 'event dead-lettered: fails the contract');
      if (s.value.kind === 'folded') folded++;
      opts.onFolded?.(event, s.value);
    });
    if (failures.length === 0) return { events: events.length, folded };

    // The events that did fold are done: a retry of this job counts them as folded earlier.
    if (token && failures.some((f) => isDatabaseUnavailable(f.err))) {
      // An outage is not the events' fault: wait it out without spending an attempt, so a long
      // Postgres outage delays folding instead of filling dead_letters.
      log.warn({ jobId: job.id, events: failures.length, err: errorMessage(failures[0]!.err) }, 'postgres unavailable; fold postponed');
      await job.moveToDelayed(Date.now() + (opts.outageDelayMs ?? 2_000), token);
      throw new DelayedError();
    }
    const maxAttempts = job.opts.attempts ?? 1;
    if (attempt < maxAttempts) throw failures[0]!.err;
    // Last attempt: keep each failing event, with its reason, where an operator can replay it.
    // Under the records' locks, as every fold: a fold of the same record that has loaded the
    // event (another job, a sweep, an import) has then committed, and the event, folded, is
    // left as it is; without the lock it could end up in its record and dead-lettered both.
    const recorded = await opts.sql.begin(async (tx) => {
      await lockSubjects(tx, failures.map(({ event }) => ({ tenant: event.tenant, kind: event.kind, subjectId: event.subjectId })));
      return recordDeadLetters(
        tx,
        failures.map(({ event, err }) => ({ rawEventId: event.rawEventId, error: errorMessage(err), errorCode: (err as { code?: string }).code ?? null, attempts: attempt })),
      );
    });
    for (const { event, err } of failures) {
      if (!recorded.has(event.rawEventId)) {
        // Folded meanwhile by the other fold that held its record: nothing is lost.
        log.info({ jobId: job.id, requestId: event.requestId, eventId: event.eventId, err: errorMessage(err) }, 'last attempt failed, but the event was folded meanwhile');
        opts.onFolded?.(event, { kind: 'folded', earlier: true });
        continue;
      }
      log.error({ jobId: job.id, requestId: event.requestId, eventId: event.eventId, err }, 'event dead-lettered after last attempt');
      opts.onFolded?.(event, { kind: 'poisoned', reason: errorMessage(err) });
    }
    return { events: events.length, folded: folded + failures.length - recorded.size, deadLettered: recorded.size };
  };

  const fetchers = Math.max(1, Math.min(opts.fetchers ?? 1, opts.concurrency));
  const workers = Array.from({ length: fetchers }, () => {
    const worker = new Worker<FoldJob>(QUEUES.fold, process, {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: Math.ceil(opts.concurrency / fetchers),
      // A stalled job (worker killed mid-batch) runs again; folding is idempotent, so that is safe.
      // Short locks so a killed worker's jobs are picked up in seconds, not BullMQ's default 30-60 s.
      maxStalledCount: 5,
      lockDuration: 10_000,
      stalledInterval: 5_000,
    });
    worker.on('error', (err) => log.warn({ err: err.message }, 'worker error'));
    return worker;
  });

  return {
    workers,
    batcher,
    async pause() {
      await Promise.all(workers.map((w) => w.pause()));
    },
    resume() {
      for (const w of workers) w.resume();
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await batcher.drained();
    },
  };
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));
