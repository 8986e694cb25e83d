import type { Sql } from './client';
import { DeadlineError, withDeadline } from '@cxfold/runtime';
import { pgArrayLiteral } from './bulk-write';

export interface RawEventInput {
  tenant: string;
  eventId: string;
  kind: 'task' | 'flow';
  eventType: string;
  subjectId: string;
  occurredAtMs: number;
  payload: unknown;
  maskCount: number;
  requestId: string | null;
}

/** `rawEventId` is null for a duplicate: the event was stored by an earlier delivery. */
export interface WriteOutcome {
  rawEventId: number | null;
  duplicate: boolean;
}

interface Pending {
  items: RawEventInput[];
  resolve(outcomes: WriteOutcome[]): void;
  reject(err: unknown): void;
}

export interface RawEventWriterOptions {
  /** Largest number of events in one insert. */
  maxBatch: number;
  /** Inserts in flight at once (default 1). */
  maxInFlight?: number;
  /**
   * How long a write that finds no insert in flight waits for company before its insert
   * starts (default 0: at once). Writes that arrive while an insert is in flight never
   * wait longer than it: they go as soon as it ends.
   */
  lingerMs?: number;
  /**
   * Longest an insert may take (default: no limit). Past it the insert's writes fail and the
   * writer moves on: a connection that went silent (half-open TCP) would otherwise hold the one
   * insert in flight, and every write behind it, until the operating system gives up on it
   * (about 15 minutes). The insert may still commit later; the senders, answered 503, retry,
   * and the retries are duplicates.
   */
  insertTimeoutMs?: number;
  /**
   * Told of every insert once it ends: how many events, how long it took, whether it succeeded
   * (a timed-out insert counts as failed, though it may still commit later). An observer that
   * throws never changes the insert's outcome: its error goes to `process.emitWarning`.
   */
  onInsert?: (events: number, seconds: number, ok: boolean) => void;
}


/**
 * Group commit: concurrent requests are written by one multi-row insert, so durability
 * costs one round trip (and one WAL flush) per batch instead of one per event.
 * While a flush is in flight new writes gather; the next flush takes all of them.
 *
 * With `lingerMs`, a write that arrives while nothing is in flight waits that long for the
 * writes behind it. At moderate load most requests arrive to an idle writer, and without
 * the wait each becomes an insert of one or two events, and every insert costs postgres.js
 * and Postgres a fixed amount of CPU: a 1 ms linger took about a tenth off Postgres' CPU per
 * event at an even half load (docs/performance.md).
 */
export class RawEventWriter {
  private pending: Pending[] = [];
  private pendingCount = 0;
  private inFlight = 0;
  private lingerTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly opts: RawEventWriterOptions = { maxBatch: 500 },
  ) {}

  write(items: RawEventInput[]): Promise<WriteOutcome[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ items, resolve, reject });
      this.pendingCount += items.length;
      this.maybeFlush();
    });
  }

  private canStart(): boolean {
    return this.pending.length > 0 && this.inFlight < (this.opts.maxInFlight ?? 1);
  }

  private maybeFlush(): void {
    if (!this.canStart()) return;
    const lingerMs = this.opts.lingerMs ?? 0;
    if (lingerMs > 0 && this.inFlight === 0 && this.pendingCount < this.opts.maxBatch) {
      this.lingerTimer ??= setTimeout(() => {
        this.lingerTimer = null;
        this.startFlush();
      }, lingerMs);
      return;
    }
    this.startFlush();
  }

  private startFlush(): void {
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
    }
    if (!this.canStart()) return;
    const batch: Pending[] = [];
    let size = 0;
    while (this.pending.length > 0) {
      const next = this.pending[0]!;
      if (batch.length > 0 && size + next.items.length > this.opts.maxBatch) break;
      batch.push(this.pending.shift()!);
      size += next.items.length;
    }
    this.pendingCount -= size;
    this.inFlight++;
    this.flush(batch)
      .catch(() => {})
      .finally(() => {
        this.inFlight--;
        // Writes that gathered behind this insert have waited as long as it took: no linger.
        this.startFlush();
      });
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      await this.insertAndResolve(batch);
    } catch (err) {
      // A timed-out insert is no one request's fault, and a retry would wait as long again.
      if (batch.length === 1 || err instanceof DeadlineError) {
        for (const p of batch) p.reject(err);
        return;
      }
      // One request's rows must not sink its neighbours': retry each request on its own.
      for (const p of batch) await this.insertAndResolve([p]).catch((e: unknown) => p.reject(e));
    }
  }

  /** The insert, bounded by `insertTimeoutMs`; on timeout the query is also cancelled (best effort). */
  private async insert(items: RawEventInput[]): Promise<Map<string, number>> {
    const onInsert = this.opts.onInsert;
    if (!onInsert) return this.insertWithinDeadline(items);
    const started = performance.now();
    let ok = false;
    try {
      const ids = await this.insertWithinDeadline(items);
      ok = true;
      return ids;
    } finally {
      try {
        onInsert(items.length, (performance.now() - started) / 1000, ok);
      } catch (err) {
        // A message, not the Error: one from another realm (a vm context) makes emitWarning throw.
        const message = err !== null && typeof err === 'object' && 'message' in err ? String(err.message) : String(err);
        process.emitWarning(`raw event insert observer failed: ${message}`, { code: 'CXFOLD_INSERT_OBSERVER' });
      }
    }
  }

  private async insertWithinDeadline(items: RawEventInput[]): Promise<Map<string, number>> {
    const timeoutMs = this.opts.insertTimeoutMs;
    if (!timeoutMs) return insertRawEvents(this.sql, items);
    const query = rawEventsInsert(this.sql, items);
    try {
      return insertedIds(await withDeadline('raw event insert', timeoutMs, query));
    } catch (err) {
      if (err instanceof DeadlineError) query.cancel();
      throw err;
    }
  }

  private async insertAndResolve(batch: Pending[]): Promise<void> {
    const all = batch.flatMap((p) => p.items);
    const inserted = await this.insert(all);
    const claimed = new Set<string>();
    for (const p of batch) {
      p.resolve(
        p.items.map((item) => {
          const key = `${item.tenant}\u0001${item.eventId}`;
          const id = inserted.get(key);
          // Two deliveries of one id in the same batch: the first is new, the rest are duplicates.
          if (id !== undefined && !claimed.has(key)) {
            claimed.add(key);
            return { rawEventId: id, duplicate: false };
          }
          return { rawEventId: null, duplicate: true };
        }),
      );
    }
  }
}

/**
 * The payloads as one text, one JSON document per line. JSON.stringify never writes a raw
 * newline (it escapes control characters inside strings and adds no whitespace), so Postgres
 * splits it back with `string_to_array(…, chr(10))` in the same order. An array literal would
 * have escaped every quote of every payload (the bulk of the bytes), a copy per payload that
 * cost the receiver about 3% of its CPU per event and Postgres about a sixth of its insert
 * work at moderate load (docs/performance.md).
 */
function payloadLines(items: RawEventInput[]): string {
  let out = '';
  for (let i = 0; i < items.length; i++) out += (i > 0 ? '\n' : '') + JSON.stringify(items[i]!.payload);
  return out;
}

/**
 * One insert for many events; rows already present (same tenant + event id) are skipped.
 *
 * The arrays are unnested in the select list (a ProjectSet, one row at a time), not in FROM:
 * `from unnest(a, b, …)` is ROWS FROM, a function scan that first copies each of the nine
 * arrays into a tuplestore of its own. Same rows in the same order; Postgres spent 35% less
 * CPU on an insert of 4 events (380 against 590 µs) and 30% less on one of 30, the sizes the
 * group commits carry at moderate and at full load (docs/performance.md).
 */
export async function insertRawEvents(sql: Sql, items: RawEventInput[]): Promise<Map<string, number>> {
  if (items.length === 0) return new Map();
  return insertedIds(await rawEventsInsert(sql, items));
}

type InsertedRow = { id: string; tenant: string; event_id: string };

/** The insert as a query not yet run (postgres.js runs it when awaited), so it can be cancelled. */
function rawEventsInsert(sql: Sql, items: RawEventInput[]) {
  return sql<InsertedRow[]>`
    insert into raw_events (tenant, event_id, kind, event_type, subject_id, occurred_at, payload, masked, mask_count, request_id)
    select t, e, k, ty, s, to_timestamp(o / 1000.0), p::json, m > 0, m::int2, nullif(r, '')
    from (
      select
        unnest(${pgArrayLiteral(items.map((i) => i.tenant))}::text[]) as t,
        unnest(${pgArrayLiteral(items.map((i) => i.eventId))}::text[]) as e,
        unnest(${pgArrayLiteral(items.map((i) => i.kind))}::text[]) as k,
        unnest(${pgArrayLiteral(items.map((i) => i.eventType))}::text[]) as ty,
        unnest(${pgArrayLiteral(items.map((i) => i.subjectId))}::text[]) as s,
        unnest(${pgArrayLiteral(items.map((i) => i.occurredAtMs))}::float8[]) as o,
        unnest(string_to_array(${payloadLines(items)}::text, chr(10))) as p,
        unnest(${pgArrayLiteral(items.map((i) => i.maskCount))}::int4[]) as m,
        unnest(${pgArrayLiteral(items.map((i) => i.requestId ?? ''))}::text[]) as r
    ) as u
    on conflict (tenant, event_id) do nothing
    returning id, tenant, event_id`;
}

function insertedIds(rows: readonly InsertedRow[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(`${r.tenant}\u0001${r.event_id}`, Number(r.id));
  return out;
}
