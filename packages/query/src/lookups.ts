import { and, asc, desc, eq, exists, isNotNull, sql, type SQL } from 'drizzle-orm';
import { flowExecutions, interactions, rawEvents, savedSearches, segments, type ApiPrincipal, type Db } from '@cxfold/db';
import { interactionScope } from './scope';
import { flowScope, versionOptions } from './flows';
import { toCxEngageDetail } from './cxengage';
import { RANG_OUT, taskEventsInFoldOrder, type OrderedTaskEvent } from '@cxfold/fold';
import { parseTaskEventType } from '@cxfold/contracts';

export const FILTER_FIELDS = ['flows', 'entry-points', 'queues', 'channels', 'dispositions', 'tags', 'versions'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** Distinct values for the multi-selects, limited to what the caller may see. */
export async function filterOptions(db: Db, who: ApiPrincipal, field: FilterField): Promise<{ value: string; label: string }[]> {
  const distinctOf = async (col: SQL, from: 'interactions' | 'flows') => {
    const rows =
      from === 'interactions'
        ? await db.selectDistinct({ v: sql<string>`${col}` }).from(interactions).where(and(interactionScope(db, who), sql`${col} is not null`)).orderBy(sql`1`).limit(500)
        : await db.selectDistinct({ v: sql<string>`${col}` }).from(flowExecutions).where(and(flowScope(db, who), sql`${col} is not null`)).orderBy(sql`1`).limit(500);
    return rows.map((r) => ({ value: r.v, label: r.v }));
  };
  switch (field) {
    case 'flows':
      return distinctOf(sql`${flowExecutions.flowName}`, 'flows');
    case 'entry-points':
      return distinctOf(sql`${flowExecutions.entryPoint}`, 'flows');
    case 'tags':
      return distinctOf(sql`${flowExecutions.tag}`, 'flows');
    case 'versions':
      return versionOptions((await distinctOf(sql`${flowExecutions.version}`, 'flows')).map((o) => o.value));
    case 'channels':
      return distinctOf(sql`${interactions.channel}`, 'interactions');
    case 'dispositions':
      return distinctOf(sql`${interactions.dispositionCode}`, 'interactions');
    case 'queues': {
      const scoped = who.role === 'admin' ? undefined : sql`${segments.queueId} in ${who.queues.length ? who.queues : ['']}`;
      const rows = await db
        .selectDistinctOn([segments.queueId], { id: segments.queueId, name: segments.queueName })
        .from(segments)
        .where(and(eq(segments.tenant, who.tenant), isNotNull(segments.queueId), scoped))
        .orderBy(segments.queueId, desc(segments.queueName))
        .limit(500);
      return rows.map((r) => ({ value: r.id!, label: r.name ?? r.id! }));
    }
  }
}

const historyColumns = {
  id: interactions.id,
  createdAt: interactions.createdAt,
  closedAt: interactions.closedAt,
  channel: interactions.channel,
  queueName: interactions.lastQueueName,
  agentName: interactions.lastAgentName,
  agentId: interactions.lastAgentId,
  did: interactions.destination,
  disposition: interactions.dispositionCode,
  totalMs: interactions.totalMs,
  status: interactions.status,
  content: interactions.textPreview,
};

/** The C and A badges of seed 001: every interaction of a client or an agent, active first. */
export async function history(db: Db, who: ApiPrincipal, by: { contact: string } | { agent: string }, limit: number) {
  const match =
    'contact' in by
      ? eq(interactions.origin, by.contact)
      : exists(
          db
            .select({ one: sql`1` })
            .from(segments)
            .where(
              and(
                eq(segments.tenant, interactions.tenant),
                eq(segments.interactionId, interactions.id),
                eq(segments.agentId, by.agent),
                // Handled by the agent: an offer they let ring out is not theirs (as the Agent filter).
                sql`${segments.endType} is distinct from ${RANG_OUT}`,
              ),
            ),
        );
  const rows = await db
    .select(historyColumns)
    .from(interactions)
    .where(and(interactionScope(db, who), match))
    .orderBy(sql`(${interactions.status} = 'closed')`, desc(interactions.createdAt), asc(interactions.id))
    .limit(limit);
  return rows.map((r) => ({
    source: r.status === 'closed' ? 'closed' : 'active',
    id: r.id,
    created: r.createdAt.toISOString(),
    closed: r.closedAt?.toISOString() ?? null,
    channel: r.channel,
    queue: r.queueName,
    agent: r.agentName ?? r.agentId,
    did: r.did,
    disposition: r.disposition,
    duration: r.totalMs === null ? null : r.totalMs / 1000,
    status: r.status,
    // The fold keeps text_preview to 80 characters; slicing UTF-16 units again could halve an emoji.
    content: r.content,
  }));
}

/** The CxEngage-shaped record of one interaction (seed 004), with variables and linked flows. */
export async function interactionDetail(db: Db, who: ApiPrincipal, id: string, includeEvents: boolean) {
  const [row] = await db.select().from(interactions).where(and(interactionScope(db, who), eq(interactions.id, id)));
  if (!row) return null;
  const [legs, flows, events] = await Promise.all([
    db.select().from(segments).where(and(eq(segments.tenant, who.tenant), eq(segments.interactionId, id))).orderBy(asc(segments.number)),
    db.select().from(flowExecutions).where(and(eq(flowExecutions.tenant, who.tenant), eq(flowExecutions.interactionId, id))).orderBy(asc(flowExecutions.startedAt)),
    includeEvents
      ? db
          .select({ eventId: rawEvents.eventId, type: rawEvents.eventType, occurredAt: rawEvents.occurredAt, receivedAt: rawEvents.receivedAt, deadLetteredAt: rawEvents.deadLetteredAt, payload: rawEvents.payload })
          .from(rawEvents)
          .where(and(eq(rawEvents.tenant, who.tenant), eq(rawEvents.kind, 'task'), eq(rawEvents.subjectId, id)))
      : Promise.resolve(null),
  ]);
  const detail = toCxEngageDetail(row, legs, flows);
  if (!events) return detail;
  // Dead-lettered events are not folded: they must not shift the order of the ones that are.
  // They follow, in time order, marked, so an analyst sees what the record leaves out.
  const left = events.filter((e) => e.deadLetteredAt !== null).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.eventId < b.eventId ? -1 : 1));
  const ordered = [...inFoldOrder(events.filter((e) => e.deadLetteredAt === null)), ...left];
  return {
    ...detail,
    events: ordered.map(({ deadLetteredAt, ...e }) => ({ ...e, occurredAt: e.occurredAt.toISOString(), receivedAt: e.receivedAt.toISOString(), deadLettered: deadLetteredAt !== null })),
  };
}

/**
 * Stored events in the order the fold takes them, by the fold's own rule: a transfer's second is
 * put back in chain order (the TRANSFERRED before the re-created task's events), as the legs show it. (Stored types
 * are always known; an unknown one would sort as CLOSED.)
 */
function inFoldOrder<E extends { eventId: string; type: string; occurredAt: Date; payload: unknown }>(events: E[]): E[] {
  const ordered = taskEventsInFoldOrder(
    events.map((e) => ({ eventId: e.eventId, type: parseTaskEventType(e.type) ?? 'CLOSED', at: e.occurredAt.getTime(), body: orderingFieldsOf(e.payload), stored: e })),
  );
  return ordered.map((o) => o.stored);
}

/** The fields the fold's order reads, from a stored payload (validated when it was received). */
const orderingFieldsOf = (payload: unknown): OrderedTaskEvent['body'] => {
  const p = (payload !== null && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  const idOf = (v: unknown) => {
    const id = v !== null && typeof v === 'object' ? (v as { id?: unknown }).id : undefined;
    return typeof id === 'string' ? { id } : undefined;
  };
  return {
    agent: idOf(p.agent),
    queue: idOf(p.queue),
    reason: typeof p.reason === 'string' ? p.reason : undefined,
    ewt: typeof p.ewt === 'number' ? p.ewt : undefined,
    dispositionCode: typeof p.dispositionCode === 'string' || typeof p.dispositionCode === 'number' ? p.dispositionCode : undefined,
  };
};

export const SAVED_LISTS = ['interactions', 'flow-executions'] as const;

export async function listSavedSearches(db: Db, who: ApiPrincipal, list?: string) {
  const rows = await db
    .select()
    .from(savedSearches)
    .where(and(eq(savedSearches.tenant, who.tenant), eq(savedSearches.apiKeyId, who.keyId), list ? eq(savedSearches.list, list) : undefined))
    .orderBy(asc(savedSearches.name), asc(savedSearches.id));
  return rows.map(savedView);
}

export async function createSavedSearch(db: Db, who: ApiPrincipal, s: { list: string; name: string; query: Record<string, unknown> }) {
  const [row] = await db.insert(savedSearches).values({ tenant: who.tenant, apiKeyId: who.keyId, list: s.list, name: s.name, query: s.query }).returning();
  return savedView(row!);
}

export async function renameSavedSearch(db: Db, who: ApiPrincipal, id: number, name: string) {
  const [row] = await db
    .update(savedSearches)
    .set({ name, updatedAt: new Date() })
    .where(and(eq(savedSearches.id, id), eq(savedSearches.tenant, who.tenant), eq(savedSearches.apiKeyId, who.keyId)))
    .returning();
  return row ? savedView(row) : null;
}

export async function deleteSavedSearch(db: Db, who: ApiPrincipal, id: number): Promise<boolean> {
  const rows = await db
    .delete(savedSearches)
    .where(and(eq(savedSearches.id, id), eq(savedSearches.tenant, who.tenant), eq(savedSearches.apiKeyId, who.keyId)))
    .returning({ id: savedSearches.id });
  return rows.length > 0;
}

function savedView(r: typeof savedSearches.$inferSelect) {
  return { id: r.id, list: r.list, name: r.name, query: r.query, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}
