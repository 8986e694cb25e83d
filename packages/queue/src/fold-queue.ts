import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES, foldJobId, foldJobOptions, type FoldJob, type JobPolicy } from './jobs';

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

  /** Adds many jobs in one round trip. Existing ids are ignored by BullMQ, which keeps this idempotent. */
  async addMany(jobs: FoldJob[], idSuffix = ''): Promise<void> {
    if (jobs.length === 0) return;
    if (jobs.length === 1) {
      // addBulk builds a MULTI pipeline (copying every BullMQ script onto it) even for one job;
      // at a steady, modest rate most receiver flushes carry a single event.
      const data = jobs[0]!;
      await this.queue.add('fold', data, foldJobOptions(this.policy, foldJobId(data.tenant, data.eventId) + idSuffix));
      return;
    }
    await this.queue.addBulk(
      jobs.map((data) => ({ name: 'fold', data, opts: foldJobOptions(this.policy, foldJobId(data.tenant, data.eventId) + idSuffix) })),
    );
  }

  async counts() {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
