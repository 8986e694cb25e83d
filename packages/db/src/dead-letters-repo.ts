import { and, desc, eq, gte, ilike, inArray, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { lockSubjects, type EventKind } from './projections';
import { pgArrayLiteral } from './bulk-write';
import { deadLetters, rawEvents } from './schema';

/** Which dead letters an operator means. Every field narrows; none means all. */
export interface DeadLetterFilter {
  tenant?: string;
  /** Event type, compared case-insensitively (task types are upper case, flow types lower case). */
  eventType?: string;
  kind?: EventKind;
  /** created_at >= since */
  since?: Date;
  /** created_at < until */
  until?: Date;
  /** Case-insensitive substring of the error text. */
  error?: string;
  /** true: only those already replayed; false: only those not replayed yet. */
  replayed?: boolean;
  limit?: number;
}

export interface DeadLetterRow {
  id: number;
  rawEventId: number;
  tenant: string;
  eventId: string;
  kind: string;
  eventType: string;
  error: string;
  errorCode: string | null;
  attempts: number;
  createdAt: Date;
  replayedAt: Date | null;
}

const columns = {
  id: deadLetters.id,
  rawEventId: deadLetters.rawEventId,
  tenant: deadLetters.tenant,
  eventId: deadLetters.eventId,
  kind: deadLetters.kind,
  eventType: deadLetters.eventType,
  error: deadLetters.error,
  errorCode: deadLetters.errorCode,
  attempts: deadLetters.attempts,
  createdAt: deadLetters.createdAt,
  replayedAt: deadLetters.replayedAt,
};

/** LIKE treats % and _ as wildcards; an operator's "--error 100%" means the text. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function where(f: DeadLetterFilter): SQL | undefined {
  const conds: (SQL | undefined)[] = [
    f.tenant !== undefined ? eq(deadLetters.tenant, f.tenant) : undefined,
    f.eventType !== undefined ? sql`lower(${deadLetters.eventType}) = ${f.eventType.toLowerCase()}` : undefined,
    f.kind !== undefined ? eq(deadLetters.kind, f.kind) : undefined,
    f.since !== undefined ? gte(deadLetters.createdAt, f.since) : undefined,
    f.until !== undefined ? lt(deadLetters.createdAt, f.until) : undefined,
    f.error !== undefined ? ilike(deadLetters.error, `%${likeLiteral(f.error)}%`) : undefined,
    f.replayed === true ? isNotNull(deadLetters.replayedAt) : f.replayed === false ? isNull(deadLetters.replayedAt) : undefined,
  ];
  return and(...conds);
}

/** Newest first. */
export async function listDeadLetters(db: Db, filter: DeadLetterFilter = {}): Promise<DeadLetterRow[]> {
  const q = db.select(columns).from(deadLetters).where(where(filter)).orderBy(desc(deadLetters.createdAt), desc(deadLetters.id));
  return filter.limit !== undefined ? q.limit(filter.limit) : q;
}

export interface DeadLetterDetail extends DeadLetterRow {
  /** The raw event as stored; null if it no longer exists. */
  rawEvent: {
    id: number;
    subjectId: string;
    occurredAt: Date;
    receivedAt: Date;
    requestId: string | null;
    foldedAt: Date | null;
    deadLetteredAt: Date | null;
    foldAttempts: number;
    masked: boolean;
    payload: unknown;
  } | null;
}

export async function getDeadLetter(db: Db, id: number): Promise<DeadLetterDetail | null> {
  const [row] = await db
    .select({
      ...columns,
      raw: {
        id: rawEvents.id,
        subjectId: rawEvents.subjectId,
        occurredAt: rawEvents.occurredAt,
        receivedAt: rawEvents.receivedAt,
        requestId: rawEvents.requestId,
        foldedAt: rawEvents.foldedAt,
        deadLetteredAt: rawEvents.deadLetteredAt,
        foldAttempts: rawEvents.foldAttempts,
        masked: rawEvents.masked,
        payload: rawEvents.payload,
      },
    })
    .from(deadLetters)
    .leftJoin(rawEvents, eq(rawEvents.id, deadLetters.rawEventId))
    .where(eq(deadLetters.id, id));
  if (!row) return null;
  const { raw, ...dl } = row;
  return { ...dl, rawEvent: raw };
}

/** What a fold job needs to fold a replayed raw event again. */
export interface ReplayTarget {
  deadLetterId: number;
  rawEventId: number;
  tenant: string;
  kind: EventKind;
  subjectId: string;
  eventId: string;
  requestId: string | null;
  receivedAt: Date;
}

/**
 * Sends dead letters back to folding, in one transaction: each dead letter not replayed yet
 * gets replayed_at = now() and its raw event loses dead_lettered_at, so the next fold of the
 * record includes it again (and the sweeper would enqueue it if nothing else does). The
 * caller enqueues the returned events. A replay that fails again is re-recorded by
 * recordDeadLetters (ON CONFLICT … replayed_at = null). Returns only the raw events that
 * still exist and are unfolded.
 */
export async function markReplayed(db: Db, deadLetterIds: number[]): Promise<ReplayTarget[]> {
  if (deadLetterIds.length === 0) return [];
  const ids = pgArrayLiteral(deadLetterIds);
  return db.$client.begin(async (tx) => {
    // The records' locks first, as a fold and a prune take them: a prune of the record then
    // either ran before (the raw event is gone) or sees the event waiting and keeps the record.
    const subjects = await tx<{ tenant: string; kind: EventKind; subject_id: string }[]>`
      select distinct r.tenant, r.kind, r.subject_id from dead_letters d join raw_events r on r.id = d.raw_event_id
      where d.id = any(${ids}::bigint[]) and d.replayed_at is null`;
    await lockSubjects(tx, subjects.map((s) => ({ tenant: s.tenant, kind: s.kind, subjectId: s.subject_id })));
    const marked = await tx<{ id: string; raw_event_id: string }[]>`
      update dead_letters set replayed_at = now() where id = any(${ids}::bigint[]) and replayed_at is null
      returning id, raw_event_id`;
    if (marked.length === 0) return [];
    const raws = await tx<{ id: string; tenant: string; kind: string; subject_id: string; event_id: string; request_id: string | null; received_at: Date | string }[]>`
      update raw_events set dead_lettered_at = null
      where id = any(${pgArrayLiteral(marked.map((m) => m.raw_event_id))}::bigint[]) and folded_at is null
      returning id, tenant, kind, subject_id, event_id, request_id, received_at`;
    const byRaw = new Map(raws.map((r) => [Number(r.id), r]));
    return marked
      .map((m) => ({ id: Number(m.id), rawEventId: Number(m.raw_event_id) }))
      .sort((a, b) => a.id - b.id)
      .flatMap((m): ReplayTarget[] => {
        const r = byRaw.get(m.rawEventId);
        if (!r || (r.kind !== 'task' && r.kind !== 'flow')) return [];
        return [{ deadLetterId: m.id, rawEventId: m.rawEventId, tenant: r.tenant, kind: r.kind, subjectId: r.subject_id, eventId: r.event_id, requestId: r.request_id, receivedAt: new Date(r.received_at) }];
      });
  });
}

/**
 * Forgets dead-letter records. The raw events are left alone: they are the truth, and they
 * stay flagged dead_lettered_at so neither the worker nor the sweeper folds them again.
 * Returns the ids deleted.
 */
export async function purgeDeadLetters(db: Db, filter: DeadLetterFilter): Promise<number[]> {
  const cond =
    filter.limit !== undefined
      ? inArray(
          deadLetters.id,
          // Same order as listDeadLetters, so a limited purge deletes what a limited list shows.
          db.select({ id: deadLetters.id }).from(deadLetters).where(where(filter)).orderBy(desc(deadLetters.createdAt), desc(deadLetters.id)).limit(filter.limit),
        )
      : where(filter);
  const rows = await db.delete(deadLetters).where(cond).returning({ id: deadLetters.id });
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Deletes the given dead letters (same rules as purgeDeadLetters); returns the ids deleted. */
export async function purgeDeadLettersById(db: Db, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db.delete(deadLetters).where(inArray(deadLetters.id, ids)).returning({ id: deadLetters.id });
  return rows.map((r) => r.id).sort((a, b) => a - b);
}
