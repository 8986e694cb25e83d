import { and, eq, gte, lt, inArray, or, ilike, sql, count, type SQL } from 'drizzle-orm';
import { interactions, type ApiPrincipal, type Db } from '@cxfold/db';
import { interactionScope } from './scope';
import { keysetAfter, keysetOrder, type SortSpec } from './keyset';
import { decodeCursor, encodeCursor } from './cursor';
import { resolveRange, type ResolvedRange } from './time-range';
import type { InteractionListQuery } from './params';

const client = sql`coalesce(${interactions.customerName}, ${interactions.origin}, ${interactions.destination})`;

const SORTS: Record<InteractionListQuery['sort'], SortSpec> = {
  created: { expr: interactions.createdAt, kind: 'time' },
  closed: { expr: interactions.closedAt, kind: 'time' },
  channel: { expr: interactions.channel, kind: 'text' },
  queue: { expr: interactions.lastQueueName, kind: 'text' },
  agent: { expr: interactions.lastAgentName, kind: 'text' },
  client: { expr: client, kind: 'text' },
  did: { expr: interactions.destination, kind: 'text' },
  disposition: { expr: interactions.dispositionCode, kind: 'text' },
  duration: { expr: interactions.totalMs, kind: 'number' },
  acw: { expr: interactions.acwMs, kind: 'number' },
  status: { expr: interactions.status, kind: 'text' },
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The filters of seed 001's CC Interactions screen, within the caller's scope and date range. */
export function interactionFilters(db: Db, who: ApiPrincipal, q: Omit<InteractionListQuery, 'sort' | 'limit' | 'cursor' | 'order'>, range: ResolvedRange): SQL {
  const where: (SQL | undefined)[] = [interactionScope(db, who), gte(interactions.createdAt, range.from), lt(interactions.createdAt, range.to)];
  if (q.agent) {
    const pattern = `%${escapeLike(q.agent)}%`;
    where.push(or(ilike(interactions.lastAgentName, pattern), ilike(interactions.lastAgentId, pattern)));
  }
  if (q.queue?.length) where.push(inArray(interactions.lastQueueId, q.queue));
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

export async function listInteractions(db: Db, who: ApiPrincipal, q: InteractionListQuery, timeZone: string): Promise<Page<InteractionListRow>> {
  const range = resolveRange(q, timeZone);
  const filters = interactionFilters(db, who, q, range);
  const spec = SORTS[q.sort];
  const after = q.cursor ? keysetAfter(spec, interactions.id, q.order, decodeCursor(q.cursor)) : undefined;
  const [rows, [totalRow]] = await Promise.all([
    db
      .select({ ...interactionListColumns, sortValue: sql<string | number | null>`${spec.expr}` })
      .from(interactions)
      .where(and(filters, after))
      .orderBy(...keysetOrder(spec, interactions.id, q.order))
      .limit(q.limit + 1),
    db.select({ n: count() }).from(interactions).where(filters),
  ]);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(toListItem),
    total: totalRow?.n ?? 0,
    nextCursor: rows.length > q.limit && last ? encodeCursor({ v: normalise(last.sortValue), id: last.id }) : null,
    range: { from: range.from.toISOString(), to: range.to.toISOString(), timeZone },
  };
}

/** Sort values come back as text for timestamps and bigints (postgres.js): keep them as text. */
function normalise(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'number' ? v : String(v);
}

/** All rows matching the filters in list order, in chunks (exports). */
export type InteractionFilterQuery = Omit<InteractionListQuery, 'limit' | 'cursor'>;

export async function* iterateInteractions(db: Db, who: ApiPrincipal, q: InteractionFilterQuery, range: ResolvedRange, max: number) {
  const filters = interactionFilters(db, who, q, range);
  const spec = SORTS[q.sort];
  let cursor: { v: string | number | null; id: string } | null = null;
  let sent = 0;
  while (sent < max) {
    const take = Math.min(1000, max - sent);
    const rows = await db
      .select({ ...interactionListColumns, sortValue: sql<string | number | null>`${spec.expr}` })
      .from(interactions)
      .where(and(filters, cursor ? keysetAfter(spec, interactions.id, q.order, cursor) : undefined))
      .orderBy(...keysetOrder(spec, interactions.id, q.order))
      .limit(take);
    for (const r of rows) yield toListItem(r);
    sent += rows.length;
    const last = rows.at(-1);
    if (rows.length < take || !last) return;
    cursor = { v: normalise(last.sortValue), id: last.id };
  }
}

export async function countInteractions(db: Db, who: ApiPrincipal, q: InteractionFilterQuery, range: ResolvedRange): Promise<number> {
  const [row] = await db.select({ n: count() }).from(interactions).where(interactionFilters(db, who, q, range));
  return row?.n ?? 0;
}
