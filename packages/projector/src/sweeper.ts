import { findUnfolded, type Sql } from '@cxfold/db';
import type { FoldEvent, FoldQueue } from '@cxfold/queue';
import type { Logger } from '@cxfold/log';

export interface SweeperOptions {
  sql: Sql;
  queue: FoldQueue;
  logger: Logger;
  intervalMs: number;
  graceMs: number;
  batch: number;
  onReenqueued?: (count: number) => void;
}

/**
 * Postgres is the truth, Redis only a work list. Raw events still unfolded after a grace
 * period lost their job (Redis restarted without persistence, FLUSHALL, enqueue failed
 * while Redis was down, a job failed whose dead letter could not be written), or wait in a
 * backlog older than the grace: the sweeper queues them again, as one named job per grace
 * window.
 *
 * It does not ask BullMQ whether an event's job is still pending: a job carries a whole
 * group commit and is not found by event. Queueing a pending event again is harmless, since
 * the worker skips an event that is already folded with one indexed lookup, and the job's
 * name (its oldest event and the window) keeps every sweeper from queueing the same events
 * more than once per window (docs/decisions.md, "One fold job per group commit").
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

  /** One pass; returns how many events it queued again. */
  async sweepOnce(nowMs = Date.now()): Promise<number> {
    const candidates = await findUnfolded(this.opts.sql, this.opts.graceMs, this.opts.batch);
    if (candidates.length === 0) return 0;
    const events = candidates.map((c): FoldEvent => ({ rawEventId: c.rawEventId, tenant: c.tenant, kind: c.kind, subjectId: c.subjectId, eventId: c.eventId, requestId: c.requestId, receivedAtMs: c.receivedAtMs }));
    const window = Math.floor(nowMs / Math.max(this.opts.graceMs, this.opts.intervalMs, 1_000));
    await this.opts.queue.addEvents(events, `sweep~${candidates[0]!.rawEventId}~${window}`);
    this.log.info({ count: events.length, oldestRawEventId: candidates[0]!.rawEventId }, 're-enqueued unfolded raw events');
    this.opts.onReenqueued?.(events.length);
    return events.length;
  }
}
