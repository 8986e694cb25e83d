import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { MAX_EVENTS_PER_JOB, QUEUES, foldJobOptions, type FoldEvent, type FoldJob, type JobPolicy } from './jobs';

/** The producer side of the fold queue, shared by the receiver, the sweeper and the CLI. */
export class FoldQueue {
  readonly queue: Queue<FoldJob>;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly policy: JobPolicy,
  ) {
    this.queue = new Queue<FoldJob>(QUEUES.fold, { connection, prefix });
  }

  /**
   * Queues the events as one fold job (one per `eventsPerJob`, at most MAX_EVENTS_PER_JOB), all
   * in one round trip. With `jobId`, the job is named (`<jobId>`, then `<jobId>~2`, …) and BullMQ
   * ignores an add whose id exists, which makes a named enqueue idempotent.
   */
  async addEvents(events: FoldEvent[], jobId?: string, eventsPerJob = MAX_EVENTS_PER_JOB): Promise<void> {
    const size = Math.max(1, Math.min(eventsPerJob, MAX_EVENTS_PER_JOB));
    const chunks: FoldEvent[][] = [];
    for (let i = 0; i < events.length; i += size) chunks.push(events.slice(i, i + size));
    const idOf = (i: number) => (jobId === undefined ? undefined : i === 0 ? jobId : `${jobId}~${i + 1}`);
    if (chunks.length === 1) {
      // addBulk builds a MULTI pipeline (copying every BullMQ script onto it) even for one job.
      await this.queue.add('fold', { events: chunks[0]! }, foldJobOptions(this.policy, idOf(0)));
      return;
    }
    if (chunks.length > 1) await this.queue.addBulk(chunks.map((c, i) => ({ name: 'fold', data: { events: c }, opts: foldJobOptions(this.policy, idOf(i)) })));
  }

  async counts() {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
