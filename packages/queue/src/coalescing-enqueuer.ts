import { MAX_EVENTS_PER_JOB, type FoldEvent } from './jobs';

/** Anything that can queue many events as one fold job in one round trip (FoldQueue). */
export interface BulkAdder {
  addEvents(events: FoldEvent[]): Promise<void>;
}

interface Flush {
  events: FoldEvent[];
  timer: NodeJS.Timeout | null;
  done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

export interface CoalescingOptions {
  /** most events in one job; a flush that reaches it is sent at once */
  maxEvents?: number;
  /**
   * How long a flush gathers after its first events, in ms; 0 = until the end of the current
   * event-loop turn (one job per group commit).
   */
  lingerMs?: number;
}

/**
 * Gathers the events of the requests answered within a short window and queues them as one
 * fold job. The receiver's group commit resolves all the requests of a Postgres flush together,
 * so even without a linger this makes one BullMQ job per group commit instead of one per event:
 * a job costs Redis, the receiver and the worker about the same whatever it carries
 * (docs/decisions.md, "One fold job per group commit"). A linger (ENQUEUE_LINGER_MS) also joins
 * the small commits of a moderate load, at the price of that much fold lag; no sender waits
 * for it, the 202 is written once the events are committed. Off by default: it saved CPU but
 * did not shorten the half-load tail (docs/decisions.md).
 */
export class CoalescingEnqueuer {
  private current: Flush | null = null;
  private readonly sending = new Set<Promise<void>>();
  private readonly maxEvents: number;
  private readonly lingerMs: number;

  constructor(
    private readonly adder: BulkAdder,
    opts: CoalescingOptions = {},
  ) {
    this.maxEvents = opts.maxEvents ?? MAX_EVENTS_PER_JOB;
    this.lingerMs = opts.lingerMs ?? 0;
  }

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
    const flush: Flush = { events: [], timer: null, done, resolve, reject };
    this.current = flush;
    if (this.lingerMs > 0) flush.timer = setTimeout(() => this.send(flush), this.lingerMs);
    else setImmediate(() => this.send(flush));
    return flush;
  }

  private send(flush: Flush): void {
    if (this.current !== flush) return; // already sent (it filled up before its time was up)
    this.current = null;
    if (flush.timer) clearTimeout(flush.timer);
    const sent = this.adder.addEvents(flush.events).then(flush.resolve, flush.reject);
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }
}
