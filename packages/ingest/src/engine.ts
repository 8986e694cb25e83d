import {
  parseJsonBody,
  validateAsSent,
  validateTaskEvent,
  validateFlowEvents,
  eventIdFor,
  batchItemEventId,
  type FieldError,
  type ParsedBody,
  type TaskEventType,
} from '@cxfold/contracts';
import type { AuthMode, RawEventInput, RawEventWriter } from '@cxfold/db';
import type { FoldEvent } from '@cxfold/queue';
import type { Logger } from '@cxfold/log';
import { withDeadline } from '@cxfold/runtime';
import { verifyRequest, type AuthHeaders } from './auth';
import { flowRawEvent, taskRawEvent } from './raw-event';
import type { TenantDirectory } from './tenant-directory';
import type { TenantRateLimiter } from './rate-limit';
import type { BacklogMonitor } from './backlog';

export type IngestSource = { kind: 'task'; pathType: TaskEventType | null } | { kind: 'flow' };

export interface IngestRequest {
  tenant: string;
  source: IngestSource;
  rawBody: Buffer;
  headers: AuthHeaders;
  requestId: string;
}

export interface ItemResult {
  id: string;
  duplicate: boolean;
}

/**
 * Every expected outcome of a delivery, each mapped to one HTTP status by the receiver:
 * accepted 202, unknown_tenant 404, unauthorized 401, malformed 400, invalid 422,
 * rate_limited 429, unavailable 503.
 */
export type IngestOutcome =
  | { kind: 'accepted'; batch: boolean; results: ItemResult[]; masked: number }
  | { kind: 'unknown_tenant' }
  | { kind: 'unauthorized'; reason: string }
  | { kind: 'malformed'; detail: string }
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'rate_limited'; retryAfterS: number }
  | { kind: 'unavailable'; reason: string; retryAfterS: number };

/**
 * What one delivery came to, for metrics (`IngestDeps.onOutcome`): counters only, no I/O.
 * `tenant` is the slug once the tenant was found, null otherwise, so made-up slugs never
 * become label values. `types` holds, when accepted, each item's event type (parallel to
 * `results`); otherwise the type named by the path, if any.
 */
export interface IngestObservation {
  tenant: string | null;
  outcome: IngestOutcome;
  types: (string | null)[];
}

export interface IngestDeps {
  tenants: TenantDirectory;
  writer: RawEventWriter;
  /** Queues events for folding; the receiver passes a CoalescingEnqueuer (one fold job per event-loop turn). */
  enqueue: (events: FoldEvent[]) => Promise<void>;
  logger: Logger;
  signatureToleranceS: number;
  /** Longest a sender waits for Postgres before getting 503 (a connection can hang rather than fail). */
  storeTimeoutMs?: number;
  rateLimiter?: TenantRateLimiter;
  backlog?: BacklogMonitor;
  now?: () => number;
  /** Called once per delivery with its outcome (metrics). Must be cheap and must not throw. */
  onOutcome?: (observation: IngestObservation) => void;
}

/** Seconds a sender should wait before retrying when our storage is unavailable. */
const RETRY_AFTER_S = 30;
/** A full backlog drains in minutes; Webex Connect retries 60 s apart anyway. */
const BACKLOG_RETRY_AFTER_S = 60;

interface Seen {
  tenant: string | null;
  types: string[] | null;
}

export class IngestEngine {
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly deps: IngestDeps) {
    this.log = deps.logger.child({ component: 'ingest' });
    this.now = deps.now ?? Date.now;
  }

  async ingest(req: IngestRequest): Promise<IngestOutcome> {
    const seen: Seen = { tenant: null, types: null };
    const outcome = await this.decide(req, seen);
    if (this.deps.onOutcome) {
      const types = seen.types ?? [req.source.kind === 'task' ? req.source.pathType : null];
      try {
        this.deps.onOutcome({ tenant: seen.tenant, outcome, types });
      } catch (err) {
        this.log.warn({ err, requestId: req.requestId }, 'onOutcome hook failed');
      }
    }
    return outcome;
  }

  private async decide(req: IngestRequest, seen: Seen): Promise<IngestOutcome> {
    // Nearly always cached: then no deadline timer and no promise race on the hot path.
    let tenant = this.deps.tenants.peek(req.tenant);
    if (tenant === undefined) {
      try {
        tenant = await withDeadline('tenant lookup', this.deps.storeTimeoutMs ?? 10_000, this.deps.tenants.get(req.tenant));
      } catch (err) {
        this.log.error({ err, requestId: req.requestId }, 'tenant lookup failed');
        return { kind: 'unavailable', reason: 'storage unavailable', retryAfterS: RETRY_AFTER_S };
      }
    }
    if (!tenant) return { kind: 'unknown_tenant' };
    seen.tenant = tenant.slug;

    const nowMs = this.now();
    const auth = verifyRequest(tenant, req.headers, req.rawBody, nowMs, this.deps.signatureToleranceS);
    if (!auth.ok) return { kind: 'unauthorized', reason: auth.reason };

    // After authentication, so nobody can spend a tenant's budget with forged requests.
    if (this.deps.rateLimiter) {
      const rate = await this.deps.rateLimiter.check(tenant.slug, tenant.rateLimitPerSecond);
      if (!rate.ok) return { kind: 'rate_limited', retryAfterS: rate.retryAfterS };
    }
    if (this.deps.backlog?.level === 'full') {
      return { kind: 'unavailable', reason: `fold backlog is full (${this.deps.backlog.size} events waiting)`, retryAfterS: BACKLOG_RETRY_AFTER_S };
    }

    const parsed = parseJsonBody(req.rawBody);
    if (!parsed.ok) {
      if (parsed.status === 400) return { kind: 'malformed', detail: parsed.detail };
      return { kind: 'invalid', errors: [{ path: parsed.path || '/', message: parsed.detail }] };
    }

    const items = this.toRawEvents(tenant.slug, tenant.maskCardData, req, idempotencyHeader(auth.mode, req.headers.webhookId), parsed, nowMs, auth.mode === 'hub_signature');
    if ('errors' in items) return { kind: 'invalid', errors: items.errors };
    if (this.deps.onOutcome) seen.types = items.events.map((e) => e.eventType);

    let outcomes;
    try {
      // If the deadline passes the insert may still commit later: the sender retries on 503 and
      // the retry is then a duplicate, still one row. Never a 202 without the commit.
      outcomes = await withDeadline('raw event insert', this.deps.storeTimeoutMs ?? 10_000, this.deps.writer.write(items.events));
    } catch (err) {
      this.log.error({ err, requestId: req.requestId, tenant: tenant.slug }, 'raw event insert failed');
      return { kind: 'unavailable', reason: 'storage unavailable', retryAfterS: RETRY_AFTER_S };
    }

    const toFold: FoldEvent[] = [];
    outcomes.forEach((o, i) => {
      const e = items.events[i]!;
      if (o.rawEventId !== null) {
        toFold.push({ rawEventId: o.rawEventId, tenant: e.tenant, kind: e.kind, subjectId: e.subjectId, eventId: e.eventId, requestId: req.requestId, receivedAtMs: nowMs });
      }
    });
    this.enqueue(toFold, req.requestId);
    const masked = items.events.reduce((n, e) => n + e.maskCount, 0);
    return {
      kind: 'accepted',
      batch: items.batch,
      masked,
      results: outcomes.map((o, i) => ({ id: items.events[i]!.eventId, duplicate: o.duplicate })),
    };
  }

  /**
   * The event is durable once written; enqueueing is best effort. A lost job (Redis down or
   * flushed) is found by the sweeper, so the sender's 202 never waits on Redis.
   */
  private enqueue(events: FoldEvent[], requestId: string): void {
    if (events.length === 0) return;
    this.deps.enqueue(events).catch((err: unknown) => {
      this.log.warn({ err, requestId, count: events.length }, 'enqueue failed; the sweeper will enqueue these events');
    });
  }

  private toRawEvents(
    tenant: string,
    maskCardData: boolean,
    req: IngestRequest,
    webhookId: string | undefined,
    parsed: ParsedBody,
    nowMs: number,
    bodyOnlySigned: boolean,
  ): { batch: boolean; events: RawEventInput[] } | { errors: FieldError[] } {
    const origin = (eventId: string) => ({ tenant, maskCardData, eventId, requestId: req.requestId });
    if (req.source.kind === 'task') {
      const pathType = req.source.pathType;
      const v = validateAsSent(parsed, (b) => validateTaskEvent(b, pathType, nowMs));
      if (!v.ok) return { errors: v.errors };
      // Under x-hub-signature the URL is not signed: a captured body must not become a new event
      // by being posted to another type's URL, so there the signed bytes alone name the event.
      const impliedType = v.value.body.eventType || bodyOnlySigned ? undefined : v.value.type;
      return { batch: false, events: [taskRawEvent(v.value, origin(eventIdFor(tenant, webhookId, v.value.body.eventId, req.rawBody, impliedType)))] };
    }
    const v = validateAsSent(parsed, (b) => validateFlowEvents(b, nowMs));
    if (!v.ok) return { errors: v.errors };
    const events = v.value.events.map((event, index) =>
      flowRawEvent(event, origin(v.value.batch ? batchItemEventId(tenant, webhookId, event, index) : eventIdFor(tenant, webhookId, event.eventId, req.rawBody))),
    );
    return { batch: v.value.batch, events };
  }
}

/**
 * The webhook-id header names the event only where something vouches for it: Standard Webhooks
 * signs it, and a bearer token vouches for the whole request. An x-hub-signature covers the
 * body alone, so a replayed body under a new header id would pass as a new event: there the
 * body's eventId or hash decides.
 */
function idempotencyHeader(mode: AuthMode, webhookId: string | undefined): string | undefined {
  return mode === 'hub_signature' ? undefined : webhookId;
}
