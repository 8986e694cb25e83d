import { MAX_EVENTS_PER_JOB, type FoldEvent } from './jobs';

/** Anything that can queue many events as one fold job in one round trip (FoldQueue). */
export interface BulkAdder {
  addEvents(events: FoldEvent[]): Promise<void>;
}

interface Flush {
  events: FoldEvent[];
  done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Gathers the events of every request answered in the same event-loop turn and queues them as
 * one fold job. The receiver's group commit resolves all the requests of a Postgres flush
 * together, so this makes one BullMQ job per group commit instead of one per event: a job
 * costs Redis, the receiver and the worker about the same whatever it carries
 * (docs/decisions.md, "One fold job per group commit").
 */
export class CoalescingEnqueuer {
  private current: Flush | null = null;
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly adder: BulkAdder,
    private readonly maxEvents = MAX_EVENTS_PER_JOB,
  ) {}

  /** Resolves when the job holding these events is in Redis; rejects with that job's error. */
  add(events: FoldEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const flush = this.current ?? this.open();
    flush.events.push(...events);
    if (flush.events.length >= this.maxEvents) this.send(flush);
    return flush.done;
  }

  /** Sends what is gathered now and waits for every flush in flight (graceful shutdown, before Redis closes). */
  async drain(): Promise<void> {
    if (this.current) this.send(this.current);
    await Promise.allSettled([...this.sending]);
  }

  private open(): Flush {
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Callers attach their own handlers; this one keeps an unobserved failure from crashing the process.
    done.catch(() => {});
    const flush: Flush = { events: [], done, resolve, reject };
    this.current = flush;
    setImmediate(() => this.send(flush));
    return flush;
  }

  private send(flush: Flush): void {
    if (this.current !== flush) return; // already sent (it filled up before its turn ended)
    this.current = null;
    const sent = this.adder.addEvents(flush.events).then(flush.resolve, flush.reject);
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }
}
