import { findUnfolded, pgArrayLiteral, recordDeadLetters, type Sql } from '@cxfold/db';
import { foldJobId, type FoldJob, type FoldQueue } from '@cxfold/queue';
import type { Logger } from '@cxfold/log';

export interface SweeperOptions {
  sql: Sql;
  queue: FoldQueue;
  logger: Logger;
  intervalMs: number;
  graceMs: number;
  batch: number;
  onReenqueued?: (count: number) => void;
  /** Dead letters recorded for failed jobs whose worker could not record them. */
  onDeadLettered?: (count: number) => void;
}

const PENDING_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Postgres is the truth, Redis only a work list. Raw events still unfolded after a grace
 * period lost their job (Redis restarted without persistence, FLUSHALL, enqueue failed
 * while Redis was down): the sweeper enqueues them again.
 */
export class Sweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly log: Logger;

  constructor(private readonly opts: SweeperOptions) {
    this.log = opts.logger.child({ component: 'sweeper' });
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweepOnce()
        .catch((err: unknown) => {
          this.log.warn({ err }, 'sweep failed; will retry');
          return 0;
        })
        .finally(() => {
          this.running = null;
        });
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; returns how many events were enqueued again. */
  async sweepOnce(): Promise<number> {
    const candidates = await findUnfolded(this.opts.sql, this.opts.graceMs, this.opts.batch);
    if (candidates.length === 0) return 0;
    const toEnqueue: FoldJob[] = [];
    const failed: { rawEventId: number; error: string }[] = [];
    const eventIds = await this.opts.sql<{ id: string; event_id: string }[]>`
      select id, event_id from raw_events where id = any(${pgArrayLiteral(candidates.map((c) => c.rawEventId))}::bigint[])`;
    const eventIdOf = new Map(eventIds.map((r) => [Number(r.id), r.event_id]));
    for (const c of candidates) {
      const eventId = eventIdOf.get(c.rawEventId);
      if (!eventId) continue;
      const job = await this.opts.queue.queue.getJob(foldJobId(c.tenant, eventId));
      const state = job ? await job.getState() : 'missing';
      if (PENDING_STATES.has(state)) continue;
      if (state === 'failed' && job) {
        // The worker failed to record its dead letter (Postgres was down at that moment).
        failed.push({ rawEventId: c.rawEventId, error: job.failedReason || 'failed' });
        continue;
      }
      if (job) await job.remove().catch(() => undefined);
      toEnqueue.push({ rawEventId: c.rawEventId, tenant: c.tenant, kind: c.kind, subjectId: c.subjectId, eventId, requestId: c.requestId, receivedAtMs: c.receivedAtMs });
    }
    await recordDeadLetters(this.opts.sql, failed.map((f) => ({ ...f, errorCode: 'JOB_FAILED', attempts: 0 })));
    if (failed.length) this.opts.onDeadLettered?.(failed.length);
    await this.opts.queue.addMany(toEnqueue);
    if (toEnqueue.length) {
      this.log.info({ count: toEnqueue.length }, 're-enqueued unfolded raw events');
      this.opts.onReenqueued?.(toEnqueue.length);
    }
    return toEnqueue.length;
  }
}
