import { and, eq, gte, lt, inArray, ilike, sql, count, type SQL } from 'drizzle-orm';
import { interactions, segments, type ApiPrincipal, type Db } from '@cxfold/db';
import { interactionScope } from './scope';
import { keysetAfter, keysetOrder, keysetPage, keysetAll, type SortSpec, type KeysetFetch } from './keyset';
import { decodeCursor, encodeCursor } from './cursor';
import { resolveRange, type ResolvedRange } from './time-range';
import type { InteractionListQuery } from './params';

const client = sql`coalesce(${interactions.customerName}, ${interactions.origin}, ${interactions.destination})`;

const SORTS: Record<InteractionListQuery['sort'], SortSpec> = {
  created: { expr: interactions.createdAt, kind: 'time', notNull: true },
  closed: { expr: interactions.closedAt, kind: 'time' },
  channel: { expr: interactions.channel, kind: 'text' },
  queue: { expr: interactions.lastQueueName, kind: 'text' },
  agent: { expr: interactions.lastAgentName, kind: 'text' },
  client: { expr: client, kind: 'text' },
  did: { expr: interactions.destination, kind: 'text' },
  disposition: { expr: interactions.dispositionCode, kind: 'text' },
  duration: { expr: interactions.totalMs, kind: 'number' },
  acw: { expr: interactions.acwMs, kind: 'number' },
  status: { expr: interactions.status, kind: 'text', notNull: true },
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The filters of seed 001's CC Interactions screen, within the caller's scope and date range. */
export function interactionFilters(db: Db, who: ApiPrincipal, q: Omit<InteractionListQuery, 'sort' | 'limit' | 'cursor' | 'order'>, range: ResolvedRange): SQL {
  const where: (SQL | undefined)[] = [interactionScope(db, who), gte(interactions.createdAt, range.from), lt(interactions.createdAt, range.to)];
  // Queue and agent match any leg, not only the last: an interaction answered in Sales and
  // transferred to Retention was handled by Sales too (and a supervisor's scope already counts
  // every leg, so a filter on their own queue must not show fewer rows than no filter). The
  // queue through the legs' (tenant, queue, interaction created) index, one range per queue; the
  // agent through the row's agents_search (trigram index).
  if (q.agent) where.push(ilike(interactions.agentsSearch, `%${escapeLike(q.agent)}%`));
  if (q.queue?.length) {
    const legsInQueues = db
      .select({ id: segments.interactionId })
      .from(segments)
      .where(and(eq(segments.tenant, who.tenant), inArray(segments.queueId, q.queue), gte(segments.interactionCreatedAt, range.from), lt(segments.interactionCreatedAt, range.to)));
    where.push(inArray(interactions.id, legsInQueues));
  }
  if (q.channel?.length) where.push(inArray(interactions.channel, q.channel.map((c: string) => c.toLowerCase())));
  if (q.did) where.push(eq(interactions.destination, q.did));
  if (q.disposition) where.push(eq(interactions.dispositionCode, q.disposition));
  if (q.status?.length) where.push(inArray(interactions.status, q.status));
  return and(...where)!;
}

export const interactionListColumns = {
  id: interactions.id,
  createdAt: interactions.createdAt,
  closedAt: interactions.closedAt,
  channel: interactions.channel,
  queueId: interactions.lastQueueId,
  queueName: interactions.lastQueueName,
  agentId: interactions.lastAgentId,
  agentName: interactions.lastAgentName,
  client: sql<string | null>`${client}`,
  did: interactions.destination,
  origin: interactions.origin,
  disposition: interactions.dispositionCode,
  totalMs: interactions.totalMs,
  acwMs: interactions.acwMs,
  status: interactions.status,
};

export type InteractionListRow = ReturnType<typeof toListItem>;

export function toListItem(r: {
  id: string;
  createdAt: Date;
  closedAt: Date | null;
  channel: string | null;
  queueId: string | null;
  queueName: string | null;
  agentId: string | null;
  agentName: string | null;
  client: string | null;
  did: string | null;
  origin: string | null;
  disposition: string | null;
  totalMs: number | null;
  acwMs: number | null;
  status: string;
}) {
  return {
    id: r.id,
    created: r.createdAt.toISOString(),
    closed: r.closedAt?.toISOString() ?? null,
    channel: r.channel,
    queue: r.queueId ? { id: r.queueId, name: r.queueName } : null,
    agent: r.agentId ? { id: r.agentId, name: r.agentName } : null,
    client: r.client,
    /** The customer's address: what the C badge's history is keyed by. */
    origin: r.origin,
    did: r.did,
    disposition: r.disposition,
    duration: r.totalMs === null ? null : r.totalMs / 1000,
    acw: r.acwMs === null ? null : r.acwMs / 1000,
    status: r.status,
  };
}

export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
  range: { from: string; to: string; timeZone: string };
}

/** The sorted, filtered rows of the list, after a cursor. */
function fetchInteractions(db: Db, who: ApiPrincipal, q: InteractionFilterQuery, range: ResolvedRange): KeysetFetch<InteractionRowData> {
  const filters = interactionFilters(db, who, q, range);
  const spec = SORTS[q.sort];
  return (after, take) =>
    db
      .select({ ...interactionListColumns, sortValue: sql<string | number | null>`${spec.expr}` })
      .from(interactions)
      .where(and(filters, after ? keysetAfter(spec, interactions.id, q.order, after) : undefined))
      .orderBy(...keysetOrder(spec, interactions.id, q.order))
      .limit(take);
}

type InteractionRowData = Parameters<typeof toListItem>[0];

export async function listInteractions(db: Db, who: ApiPrincipal, q: InteractionListQuery, timeZone: string): Promise<Page<InteractionListRow>> {
  const range = resolveRange(q, timeZone);
  const cursorScope = { list: 'interactions', sort: q.sort, order: q.order, kind: SORTS[q.sort].kind };
  const [page, total] = await Promise.all([
    keysetPage(fetchInteractions(db, who, q, range), q.cursor ? decodeCursor(q.cursor, cursorScope) : null, q.limit),
    countInteractions(db, who, q, range),
  ]);
  return {
    items: page.rows.map(toListItem),
    total,
    nextCursor: page.next ? encodeCursor(page.next, cursorScope) : null,
    range: { from: range.from.toISOString(), to: range.to.toISOString(), timeZone },
  };
}

export type InteractionFilterQuery = Omit<InteractionListQuery, 'limit' | 'cursor'>;

/** All rows matching the filters in list order (exports). */
export async function* iterateInteractions(db: Db, who: ApiPrincipal, q: InteractionFilterQuery, range: ResolvedRange, max: number) {
  for await (const r of keysetAll(fetchInteractions(db, who, q, range), max)) yield toListItem(r);
}

export async function countInteractions(db: Db, who: ApiPrincipal, q: InteractionFilterQuery, range: ResolvedRange): Promise<number> {
  const [row] = await db.select({ n: count() }).from(interactions).where(interactionFilters(db, who, q, range));
  return row?.n ?? 0;
}
