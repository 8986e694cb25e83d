import type { Sql } from './client';
import type { EventKind } from './projections';

export interface UnfoldedEvent {
  rawEventId: number;
  tenant: string;
  kind: EventKind;
  subjectId: string;
  eventId: string;
  requestId: string | null;
  /** When the receiver stored it (epoch ms): the start of its end-to-end lag. */
  receivedAtMs: number;
}

/** Raw events still unfolded after the grace period, oldest first: their job was lost (Redis flushed, enqueue failed) or is slow (a backlog). */
export async function findUnfolded(sql: Sql, graceMs: number, limit: number): Promise<UnfoldedEvent[]> {
  const rows = await sql<{ id: string; tenant: string; kind: EventKind; subject_id: string; event_id: string; request_id: string | null; received_ms: string }[]>`
    select id, tenant, kind, subject_id, event_id, request_id, (extract(epoch from received_at) * 1000)::bigint as received_ms from raw_events
    where folded_at is null and dead_lettered_at is null
      and received_at < now() - make_interval(secs => ${graceMs / 1000})
    order by received_at
    limit ${limit}`;
  return rows.map((r) => ({ rawEventId: Number(r.id), tenant: r.tenant, kind: r.kind, subjectId: r.subject_id, eventId: r.event_id, requestId: r.request_id, receivedAtMs: Number(r.received_ms) }));
}
