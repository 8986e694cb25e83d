import type { FoldQueue } from '@cxfold/queue';
import type { Logger } from '@cxfold/log';

export type BacklogLevel = 'ok' | 'high' | 'full';

export interface BacklogLimits {
  /** Above this many waiting fold jobs the receiver warns (and metrics show it) but accepts. */
  soft: number;
  /** Above this it answers 503 + Retry-After, before Redis memory runs out. */
  hard: number;
  intervalMs: number;
}

/**
 * Watches the fold queue's depth. Polled, not per request: one Redis call a second per
 * receiver whatever the load. When Redis cannot answer (an error, or no answer for three
 * intervals) the depth is unknown and the level goes back to ok: the limit protects Redis'
 * memory, and a Redis that does not answer takes no jobs anyway; events are durable in
 * Postgres and the sweeper enqueues them when it is back. Keeping a last "full" would answer
 * 503 through the whole outage (docs/operations.md: Redis down never causes a 5xx).
 */
export class BacklogMonitor {
  private timer: NodeJS.Timeout | null = null;
  private depth = 0;
  private current: BacklogLevel = 'ok';
  private polling = false;
  private lastAnswerAt = Date.now();
  /** Redis has not answered since the last warning: one line an outage, not one a poll. */
  private silent = false;

  constructor(
    private readonly queue: FoldQueue,
    private readonly limits: BacklogLimits,
    private readonly logger: Logger,
  ) {}

  get level(): BacklogLevel {
    return this.current;
  }

  get size(): number {
    return this.depth;
  }

  async poll(): Promise<void> {
    const counts = await this.queue.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    this.depth = (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0) + (counts.active ?? 0);
    const next: BacklogLevel = this.depth >= this.limits.hard ? 'full' : this.depth >= this.limits.soft ? 'high' : 'ok';
    if (next !== this.current) this.logger.warn({ component: 'backlog', depth: this.depth, level: next, limits: this.limits }, `fold backlog ${next}`);
    this.current = next;
    this.lastAnswerAt = Date.now();
    if (this.silent) this.logger.info({ component: 'backlog', depth: this.depth, level: next }, 'fold backlog readable again');
    this.silent = false;
  }

  /** Redis did not answer: the depth is unknown, so nothing is refused for it. */
  private unknown(err: unknown): void {
    if (!this.silent) {
      this.logger.warn({ component: 'backlog', err, lastDepth: this.depth, lastLevel: this.current }, 'fold backlog unknown (Redis is not answering): accepting, the sweeper enqueues what Redis missed');
    }
    this.silent = true;
    this.current = 'ok';
  }

  start(): void {
    this.timer = setInterval(() => {
      // One poll at a time: while Redis hangs, ticks must not stack calls behind the stuck one.
      if (this.polling) {
        if (Date.now() - this.lastAnswerAt > 3 * this.limits.intervalMs) this.unknown(new Error('no answer from Redis'));
        return;
      }
      this.polling = true;
      this.poll()
        .catch((err: unknown) => this.unknown(err))
        .finally(() => {
          this.polling = false;
        });
    }, this.limits.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
