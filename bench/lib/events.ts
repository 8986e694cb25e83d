/**
 * Bench events: the demo's synthetic contact-center day (task callbacks + Webex Connect flow
 * events), cut into one event per request, signed as Webex Connect signs (x-hub-signature),
 * or turned into the raw_events rows the receiver would have stored.
 */
import { generateSyntheticDay, type Delivery } from '@cxfold/demo';
import { signHub } from '@cxfold/ingest';
import { eventIdFor, maskEventCardNumbers, parseTaskEventType, toEpochMs } from '@cxfold/contracts';
import type { RawEventInput } from '@cxfold/db';

/** One event as one HTTP delivery. */
export interface SingleEvent {
  kind: 'task' | 'flow';
  /** relative to /v1/hooks/{tenant}/ */
  path: string;
  body: Record<string, unknown>;
}

/** A request ready for the load tool: the body text is exactly what was signed. */
export interface SignedRequest {
  path: string;
  text: string;
  headers: Record<string, string>;
}

/** Measured on the generator: about 32 distinct events per interaction (flows carry most of them). */
export const EVENTS_PER_INTERACTION = 31;

/** Yesterday 05:00 UTC (midnight in New York): a finished day, so no timestamp lies in the future. */
export function yesterdayStartMs(now = Date.now()): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - 1, 5);
}

/**
 * The distinct events of a synthetic day in delivery order: the generator's verbatim re-sends
 * are dropped (every event here must be new) and flow batches are split into single events.
 */
export function syntheticEvents(seed: number, interactions: number, dayStartMs = yesterdayStartMs()): SingleEvent[] {
  const day = generateSyntheticDay({ seed, interactions, dayStartMs, tenantTimeZoneOffsetMinutes: -300 });
  const out: SingleEvent[] = [];
  for (const d of day.deliveries as Delivery[]) {
    if (d.duplicate) continue;
    if (Array.isArray(d.body)) {
      for (const item of d.body as Record<string, unknown>[]) out.push({ kind: 'flow', path: 'flows/events', body: item });
    } else out.push({ kind: d.kind, path: d.path, body: d.body as Record<string, unknown> });
  }
  return out;
}

/** At least `count` distinct events (several days with consecutive seeds when needed), cut to `count`. */
export function eventsFor(seed: number, count: number): SingleEvent[] {
  const out: SingleEvent[] = [];
  let s = seed;
  while (out.length < count) {
    const missing = count - out.length;
    const batch = syntheticEvents(s++, Math.max(20, Math.ceil((missing * 1.05) / EVENTS_PER_INTERACTION)));
    for (const e of batch) {
      if (out.length >= count) break;
      out.push(e);
    }
  }
  return out;
}

export function signEvent(e: SingleEvent, hubSecret: string): SignedRequest {
  const text = JSON.stringify(e.body);
  return { path: e.path, text, headers: { 'content-type': 'application/json', ...signHub(hubSecret, text) } };
}

/**
 * An endless supply of distinct signed requests: days are generated in chunks with
 * consecutive seeds. `prepare(n)` fills ahead (before a timed run); `next()` refills in small
 * chunks if a run outlasts what was prepared, so a stall never lasts more than ~100 ms.
 */
export class SignedRequestSource {
  private buffer: SignedRequest[] = [];
  private index = 0;
  private seed: number;
  /** events generated while a run was going on (should stay 0 when prepare() was sized well) */
  refilledDuringRun = 0;

  constructor(
    seed: number,
    private readonly hubSecret: string,
    private readonly chunkInteractions = 300,
  ) {
    this.seed = seed;
  }

  get remaining(): number {
    return this.buffer.length - this.index;
  }

  get handedOut(): number {
    return this.index;
  }

  prepare(count: number): void {
    while (this.remaining < count) this.refill(Math.max(this.chunkInteractions, Math.ceil((count - this.remaining) / EVENTS_PER_INTERACTION)));
  }

  next(): SignedRequest {
    if (this.remaining === 0) {
      const before = this.buffer.length;
      this.refill(this.chunkInteractions);
      this.refilledDuringRun += this.buffer.length - before;
    }
    return this.buffer[this.index++]!;
  }

  private refill(interactions: number): void {
    // Drop what was handed out already, keep the rest.
    if (this.index > 0) {
      this.buffer = this.buffer.slice(this.index);
      this.index = 0;
    }
    for (const e of syntheticEvents(this.seed++, interactions)) this.buffer.push(signEvent(e, this.hubSecret));
  }
}

/** The row the receiver would store for this event (type normalised, card numbers masked). */
export function toRawEvent(tenant: string, e: SingleEvent): RawEventInput {
  const body = e.body;
  if (e.kind === 'task') {
    const type = parseTaskEventType(e.path.startsWith('tasks/') ? e.path.slice(6) : body.eventType);
    if (!type) throw new Error(`task event without a type: ${JSON.stringify(body).slice(0, 200)}`);
    const { value, count } = maskEventCardNumbers(body);
    return {
      tenant,
      eventId: eventIdFor(tenant, undefined, body.eventId, JSON.stringify(body), body.eventType ? undefined : type),
      kind: 'task',
      eventType: type,
      subjectId: String(body.taskId),
      occurredAtMs: toEpochMs(body.timestamp) ?? Date.now(),
      payload: { ...value, eventType: type },
      maskCount: count,
      requestId: null,
    };
  }
  const { value, count } = maskEventCardNumbers(body);
  return {
    tenant,
    eventId: eventIdFor(tenant, undefined, body.eventId, JSON.stringify(body)),
    kind: 'flow',
    eventType: String(body.type),
    subjectId: String(body.executionId),
    occurredAtMs: toEpochMs(body.timestamp) ?? Date.now(),
    payload: value,
    maskCount: count,
    requestId: null,
  };
}
