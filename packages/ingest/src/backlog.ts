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
 * receiver whatever the load. When Redis cannot answer the last known level stands; events
 * are durable in Postgres and the sweeper catches up.
 */
export class BacklogMonitor {
  private timer: NodeJS.Timeout | null = null;
  private depth = 0;
  private current: BacklogLevel = 'ok';
  private polling = false;

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
  }

  start(): void {
    this.timer = setInterval(() => {
      // One poll at a time: while Redis hangs, ticks must not stack calls behind the stuck one.
      if (this.polling) return;
      this.polling = true;
      this.poll()
        .catch(() => undefined)
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
