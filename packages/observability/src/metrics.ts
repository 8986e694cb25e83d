import { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';
import { withDeadline } from '@cxfold/runtime';

/** Outcomes of the events-received counter: the ingest engine's kinds, `accepted` split by duplicates. */
export const INGEST_OUTCOMES = ['accepted', 'duplicate', 'invalid', 'unauthorized', 'rate_limited', 'unavailable', 'malformed', 'unknown_tenant'] as const;
export type IngestMetricOutcome = (typeof INGEST_OUTCOMES)[number];

/** Tenant label of deliveries whose tenant does not exist (or could not be looked up). Never a valid slug. */
export const UNKNOWN_TENANT_LABEL = '(unknown)';
/** Event-type label when the type is not known (a flow delivery refused before its body was read). */
export const UNKNOWN_TYPE_LABEL = 'unknown';

/** The queue states exported by `cxfold_queue_jobs`. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * One delivery as the receiver saw it: the ingest engine's `IngestObservation` (structurally;
 * this package does not depend on the engine).
 */
export interface IngestSample {
  /** The tenant's slug once found; null for unknown tenants and failed lookups (keeps label values bounded). */
  tenant: string | null;
  outcome: { kind: Exclude<IngestMetricOutcome, 'duplicate'>; results?: readonly { duplicate: boolean }[] };
  /** Accepted: each item's event type, parallel to `results`. Otherwise the type named by the path, if any. */
  types: readonly (string | null)[];
}

export interface MetricsOptions {
  /** prom-client's default process metrics (CPU, memory, event loop lag, GC). On by default. */
  defaultMetrics?: boolean;
  /** Longest a scrape waits for BullMQ's job counts; a scrape must not hang when Redis is down. */
  queueCountTimeoutMs?: number;
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A group commit takes about a millisecond (a third of one for a single row): finer at the bottom. */
const COMMIT_SECONDS = [0.00025, 0.0005, ...SECONDS];

/**
 * The metrics of one process, on a registry of its own (no prom-client global registry):
 * created once in each app's main (or start function) and passed down. Everything on the
 * ingest and fold paths is a counter or histogram update: no I/O, no logging.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly eventsReceived: Counter<'tenant' | 'type' | 'outcome'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_class'>;
  readonly queueJobs: Gauge<'queue' | 'state'>;
  readonly queueUp: Gauge<'queue'>;
  readonly foldBatchSize: Histogram;
  readonly foldBatchDuration: Histogram;
  readonly groupCommitDuration: Histogram<'outcome'>;
  readonly groupCommitEvents: Histogram;
  readonly endToEndLag: Histogram;
  readonly deadLetters: Counter<'source'>;
  readonly sweeperReenqueued: Counter;
  private readonly watched = new Map<string, Queue[]>();

  constructor(opts: MetricsOptions = {}) {
    const registers = [this.registry];
    const countTimeoutMs = opts.queueCountTimeoutMs ?? 1_000;
    this.eventsReceived = new Counter({
      name: 'cxfold_events_received_total',
      help: 'Events received by the webhook endpoints, by tenant, event type and outcome (accepted and duplicate count events; refusals count deliveries)',
      labelNames: ['tenant', 'type', 'outcome'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'cxfold_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status class',
      labelNames: ['method', 'route', 'status_class'],
      buckets: SECONDS,
      registers,
    });
    // One read of the counts per scrape, shared by both gauges (prom-client collects them in parallel).
    let reading: Promise<Map<string, Record<string, number> | null>> | null = null;
    const readCounts = () =>
      (reading ??= this.readQueueCounts(countTimeoutMs).finally(() => {
        reading = null;
      }));
    this.queueUp = new Gauge({
      name: 'cxfold_queue_up',
      help: '1 when this scrape could read the queue counts from Redis, else 0',
      labelNames: ['queue'],
      registers,
      async collect() {
        this.reset();
        for (const [queue, counts] of await readCounts()) this.set({ queue }, counts ? 1 : 0);
      },
    });
    this.queueJobs = new Gauge({
      name: 'cxfold_queue_jobs',
      help: 'BullMQ jobs by queue and state (waiting, active, delayed, failed), read from Redis at scrape time',
      labelNames: ['queue', 'state'],
      registers,
      // Read at scrape time under a short deadline: when Redis is down the gauge is left empty
      // and cxfold_queue_up says so, instead of the scrape hanging.
      async collect() {
        this.reset();
        for (const [queue, counts] of await readCounts()) {
          if (counts) for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state] ?? 0);
        }
      },
    });
    this.groupCommitDuration = new Histogram({
      name: 'cxfold_group_commit_duration_seconds',
      help: 'Receiver: one group commit of raw events (insert and commit, one round trip), by outcome (ok | error)',
      labelNames: ['outcome'],
      buckets: COMMIT_SECONDS,
      registers,
    });
    this.groupCommitEvents = new Histogram({
      name: 'cxfold_group_commit_events',
      help: 'Receiver: events written by one successful group commit (duplicates included)',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
      registers,
    });
    this.foldBatchSize = new Histogram({
      name: 'cxfold_fold_batch_size',
      help: 'Jobs folded per batch (one Postgres transaction)',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers,
    });
    this.foldBatchDuration = new Histogram({
      name: 'cxfold_fold_batch_duration_seconds',
      help: 'Time to fold one batch: lock, reload, fold, write',
      buckets: SECONDS,
      registers,
    });
    this.endToEndLag = new Histogram({
      name: 'cxfold_end_to_end_lag_seconds',
      help: 'From the receiver accepting an event to the worker committing its fold (clocks of two hosts)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'cxfold_dead_letters_total',
      help: 'Events dead-lettered by the worker (source fold): the payload fails the contract, or the last attempt failed',
      labelNames: ['source'],
      registers,
    });
    this.sweeperReenqueued = new Counter({
      name: 'cxfold_sweeper_reenqueued_total',
      help: 'Unfolded raw events the sweeper queued again after SWEEP_GRACE_MS (their job was lost, or is still waiting in a backlog)',
      registers,
    });
    // Exported at 0 from the start, so rate() and alerts see the series before the first event.
    this.deadLetters.inc({ source: 'fold' }, 0);
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one delivery: accepted ones per event (accepted or duplicate), refused ones once. */
  recordIngest(sample: IngestSample): void {
    const tenant = sample.tenant ?? UNKNOWN_TENANT_LABEL;
    const results = sample.outcome.kind === 'accepted' ? sample.outcome.results : undefined;
    if (!results) {
      this.eventsReceived.inc({ tenant, type: sample.types[0] ?? UNKNOWN_TYPE_LABEL, outcome: sample.outcome.kind });
      return;
    }
    // A flow batch holds up to 500 events: one increment per (type, outcome), not per event.
    const counts = new Map<string, number>();
    results.forEach((r, i) => {
      const key = `${r.duplicate ? 'duplicate' : 'accepted'}\u0000${sample.types[i] ?? UNKNOWN_TYPE_LABEL}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    });
    for (const [key, n] of counts) {
      const [outcome, type] = key.split('\u0000') as [string, string];
      this.eventsReceived.inc({ tenant, type, outcome }, n);
    }
  }

  recordHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_class: `${Math.floor(status / 100)}xx` }, seconds);
  }

  /**
   * One group commit: the part of an acknowledgement spent waiting for Postgres. A request's
   * time in the receiver minus this is its wait for a commit to start, and its own work.
   */
  recordGroupCommit(events: number, seconds: number, ok: boolean): void {
    this.groupCommitDuration.observe({ outcome: ok ? 'ok' : 'error' }, seconds);
    // A failed commit's events are tried again (each request on its own): counted once, when written.
    if (ok) this.groupCommitEvents.observe(events);
  }

  recordBatch(size: number, ms: number): void {
    this.foldBatchSize.observe(size);
    this.foldBatchDuration.observe(ms / 1000);
  }

  /** Called once per folded job; jobs without `receivedAtMs` (older producers) have no lag to report. */
  recordFolded(receivedAtMs: number | undefined, nowMs: number = Date.now()): void {
    if (receivedAtMs === undefined) return;
    this.endToEndLag.observe(Math.max(0, nowMs - receivedAtMs) / 1000);
  }

  /** The `source` label stays (always `fold`) so dashboards and alerts keep their queries. */
  recordDeadLetters(count = 1): void {
    if (count > 0) this.deadLetters.inc({ source: 'fold' }, count);
  }

  recordReenqueued(count: number): void {
    if (count > 0) this.sweeperReenqueued.inc(count);
  }

  /**
   * Exports the queue's job counts at scrape time. Several processes sharing one registry (the
   * all-in-one server) may watch the same queue: it is counted once. Returns the undo.
   */
  watchQueue(queue: Queue): () => void {
    const list = this.watched.get(queue.name) ?? [];
    list.push(queue);
    this.watched.set(queue.name, list);
    return () => {
      const i = list.indexOf(queue);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Each watched queue's counts, or null when Redis did not answer within the deadline. */
  private async readQueueCounts(timeoutMs: number): Promise<Map<string, Record<string, number> | null>> {
    const entries = await Promise.all(
      [...this.watched].flatMap(([name, queues]) => {
        const queue = queues[0];
        if (!queue) return [];
        return [
          withDeadline('queue counts', timeoutMs, queue.getJobCounts(...QUEUE_STATES)).then(
            (counts): [string, Record<string, number> | null] => [name, counts],
            (): [string, Record<string, number> | null] => [name, null],
          ),
        ];
      }),
    );
    return new Map(entries);
  }

  /** The text exposition format, and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  return new Metrics(opts);
}
