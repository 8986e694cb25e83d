import { signHub } from '@cxfold/ingest';
import { sleep } from './processes';

export interface ChaosDelivery {
  path: string;
  body: unknown;
}

export interface SenderStats {
  /** Deliveries (HTTP requests before retries) handed to the senders. */
  deliveries: number;
  /** Events in those deliveries (a flow batch carries several), deliberate re-sends included. */
  events: number;
  /** How many times each event id was acknowledged by a 202 (new or duplicate). */
  acked: Map<string, number>;
  /** Acknowledged items answered with duplicate: true. */
  duplicatesAcked: number;
  /** Deliveries that ended without a 202: a 4xx, or every try failed. */
  rejected: number;
  /** Of those, deliveries whose tries were all used up on connection errors / 5xx. */
  exhausted: number;
  /** Extra tries after a connection error, 5xx or 429. */
  retried: number;
  /** The first few rejection reasons. */
  rejections: string[];
  done: number;
}

export interface SenderOptions {
  url: (path: string) => string;
  hubSecret: string;
  deliveries: ChaosDelivery[];
  concurrency: number;
  /** Tries per delivery (Webex Connect retries too, though more slowly). */
  maxTries: number;
  retryDelayMs: number;
  requestTimeoutMs: number;
  /** Stops the lanes: no new delivery, in-flight requests cancelled. */
  signal?: AbortSignal;
}

interface AckBody {
  id?: unknown;
  duplicate?: unknown;
  results?: { id?: unknown; duplicate?: unknown }[];
}

/**
 * Sends deliveries the way Webex Connect does, only faster: hub-signed, retried on a
 * connection error and on 5xx (and 429), every 202's event ids recorded. Returns the stats
 * object at once; it fills in as the lanes progress (`done` counts finished deliveries).
 */
export function startSending(opts: SenderOptions): { stats: SenderStats; finished: Promise<void> } {
  const stats: SenderStats = {
    deliveries: opts.deliveries.length,
    events: opts.deliveries.reduce((n, d) => n + (Array.isArray(d.body) ? d.body.length : 1), 0),
    acked: new Map(),
    duplicatesAcked: 0,
    rejected: 0,
    exhausted: 0,
    retried: 0,
    rejections: [],
    done: 0,
  };
  const reject = (why: string) => {
    stats.rejected++;
    if (stats.rejections.length < 5) stats.rejections.push(why);
  };

  const sendOne = async (d: ChaosDelivery): Promise<void> => {
    const text = JSON.stringify(d.body);
    const headers = { 'content-type': 'application/json', ...signHub(opts.hubSecret, text) };
    let last = '';
    for (let attempt = 0; attempt < opts.maxTries; attempt++) {
      if (opts.signal?.aborted) return;
      if (attempt > 0) {
        stats.retried++;
        await sleep(opts.retryDelayMs);
      }
      let status: number;
      let answer: string;
      try {
        const timeout = AbortSignal.timeout(opts.requestTimeoutMs);
        const res = await fetch(opts.url(d.path), { method: 'POST', body: text, headers, signal: opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout });
        status = res.status;
        answer = await res.text();
      } catch (err) {
        // Connection refused or reset (receiver killed mid-request), timeout: try again.
        last = `connection: ${err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)}`;
        continue;
      }
      if (status >= 500 || status === 429) {
        last = `${status} ${answer.slice(0, 200)}`;
        continue;
      }
      if (status !== 202) {
        reject(`${status} ${d.path}: ${answer.slice(0, 300)}`);
        return;
      }
      let parsed: AckBody;
      try {
        parsed = JSON.parse(answer) as AckBody;
      } catch {
        reject(`202 with a body that is not JSON: ${answer.slice(0, 200)}`);
        return;
      }
      const items = parsed.results ?? [parsed];
      for (const item of items) {
        if (typeof item.id !== 'string') {
          reject(`202 without an event id: ${answer.slice(0, 200)}`);
          continue;
        }
        stats.acked.set(item.id, (stats.acked.get(item.id) ?? 0) + 1);
        if (item.duplicate === true) stats.duplicatesAcked++;
      }
      return;
    }
    stats.exhausted++;
    reject(`gave up after ${opts.maxTries} tries on ${d.path}: ${last}`);
  };

  let next = 0;
  const lanes = Array.from({ length: opts.concurrency }, async () => {
    while (next < opts.deliveries.length && !opts.signal?.aborted) {
      const d = opts.deliveries[next++]!;
      await sendOne(d);
      stats.done++;
    }
  });
  return { stats, finished: Promise.all(lanes).then(() => undefined) };
}
