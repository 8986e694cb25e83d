import type { Sql } from './client';
import { pgArrayLiteral } from './bulk-write';
import { lockSubjects, subjectKeyString, type EventKind, type SubjectKey, type Tx } from './projections';

/**
 * Retention (`cxfold prune`). The fold recomputes a record from all of its raw events, so a
 * record whose raw events were deleted must never be folded again: it would be recomputed
 * from whatever arrived later. Prune therefore deletes raw events only of finished records
 * and, in the same transaction, stamps the record `raw_pruned_at`; from then on the record
 * is archived as it stands and late events for it are dead-lettered (RECORD_ARCHIVED).
 */

/** Dead-letter code of a late event whose record was archived by prune. */
export const RECORD_ARCHIVED = 'RECORD_ARCHIVED';

/** Rows deleted by one DELETE statement, so no statement holds many row locks for long. */
export const PRUNE_DELETE_CHUNK = 5_000;

/** Archived records among `keys`: subject key string (subjectKeyString) → raw_pruned_at. */
export async function findArchivedSubjects(sql: Sql | Tx, keys: SubjectKey[]): Promise<Map<string, Date>> {
  if (keys.length === 0) return new Map();
  const rows = await sql<{ tenant: string; kind: EventKind; subject_id: string; pruned_ms: string }[]>`
    select u.t as tenant, u.k as kind, u.s as subject_id,
           (extract(epoch from coalesce(i.raw_pruned_at, f.raw_pruned_at)) * 1000)::bigint as pruned_ms
    from unnest(${pgArrayLiteral(keys.map((k) => k.tenant))}::text[], ${pgArrayLiteral(keys.map((k) => k.kind))}::text[], ${pgArrayLiteral(keys.map((k) => k.subjectId))}::text[]) as u(t, k, s)
    left join interactions i on u.k = 'task' and i.tenant = u.t and i.id = u.s
    left join flow_executions f on u.k = 'flow' and f.tenant = u.t and f.id = u.s
    where coalesce(i.raw_pruned_at, f.raw_pruned_at) is not null`;
  return new Map(rows.map((r) => [subjectKeyString({ tenant: r.tenant, kind: r.kind, subjectId: r.subject_id }), new Date(Number(r.pruned_ms))]));
}

export interface PruneScope {
  /** Only this tenant; every tenant when absent. */
  tenant?: string;
  /** Records whose last event is before this instant (and that are finished) are pruned. */
  cutoff: Date;
}

/** Per tenant and kind: what a prune would do. */
export interface PrunePlanRow {
  tenant: string;
  kind: EventKind;
  /** Finished records older than the cutoff, not archived yet. */
  records: number;
  /** Their raw events (folded or dead-lettered) that would be deleted. */
  rawEvents: number;
  /** Records left for a later run: some of their raw events still wait to be folded, or sit in dead letters not replayed or purged. */
  pending: number;
}

const KINDS: EventKind[] = ['task', 'flow'];

/** now() - days, by the database's clock (the one raw_events and the projections use). */
export async function pruneCutoff(sql: Sql, days: number): Promise<Date> {
  const [row] = await sql<{ ms: string }[]>`select (extract(epoch from now() - make_interval(days => ${days})) * 1000)::bigint as ms`;
  return new Date(Number(row!.ms));
}

function table(sql: Sql | Tx, kind: EventKind) {
  return kind === 'task' ? sql`interactions` : sql`flow_executions`;
}

/** The rule for "finished": a closed interaction, a flow execution that is no longer active. */
function finished(sql: Sql | Tx, kind: EventKind) {
  return kind === 'task' ? sql`x.status = 'closed'` : sql`x.status <> 'active'`;
}

/**
 * A raw event of `r` that keeps its record from being pruned: one still waiting to be folded,
 * or one whose dead letter is neither replayed nor purged. Deleting that one would destroy
 * the only copy of an acknowledged event the operator has not dealt with yet (a replay after
 * the prune found nothing to replay).
 */
function unresolved(sql: Sql | Tx) {
  return sql`((r.folded_at is null and r.dead_lettered_at is null)
    or (r.dead_lettered_at is not null and exists (select 1 from dead_letters d where d.raw_event_id = r.id and d.replayed_at is null)))`;
}

function eligible(sql: Sql | Tx, kind: EventKind, scope: PruneScope) {
  return sql`x.raw_pruned_at is null and ${finished(sql, kind)} and x.last_event_at < ${scope.cutoff.toISOString()}::timestamptz
    ${scope.tenant === undefined ? sql`` : sql`and x.tenant = ${scope.tenant}`}`;
}

/** Counts per tenant and kind of what `prunePass` would archive and delete now. */
export async function prunePlan(sql: Sql, scope: PruneScope): Promise<PrunePlanRow[]> {
  const out: PrunePlanRow[] = [];
  for (const kind of KINDS) {
    const rows = await sql<{ tenant: string; records: string; raw_events: string; pending: string }[]>`
      select x.tenant,
             count(*) filter (where p.pending = 0) as records,
             coalesce(sum(p.stored) filter (where p.pending = 0), 0)::int8 as raw_events,
             count(*) filter (where p.pending > 0) as pending
      from ${table(sql, kind)} x
      cross join lateral (
        select count(*) filter (where r.folded_at is not null or r.dead_lettered_at is not null) as stored,
               count(*) filter (where ${unresolved(sql)}) as pending
        from raw_events r
        where r.tenant = x.tenant and r.kind = ${kind} and r.subject_id = x.id
      ) p
      where ${eligible(sql, kind, scope)}
      group by x.tenant`;
    for (const r of rows) out.push({ tenant: r.tenant, kind, records: Number(r.records), rawEvents: Number(r.raw_events), pending: Number(r.pending) });
  }
  return out.sort((a, b) => (a.tenant === b.tenant ? a.kind.localeCompare(b.kind) : a.tenant < b.tenant ? -1 : 1));
}

/** Where a prune walk stands: the last record looked at, per kind. */
export interface PruneCursor {
  kind: EventKind;
  tenant: string;
  id: string;
}

export interface PrunePassResult {
  /** Records looked at in this pass (the next cursor is after the last of them). */
  scanned: number;
  /** Records stamped raw_pruned_at, with the number of raw events deleted for each (tenant, kind). */
  archived: { tenant: string; kind: EventKind; records: number; rawEvents: number }[];
  /** Candidates left alone: raw events still waiting to be folded or in unresolved dead letters (or archived meanwhile). */
  skipped: number;
  /** null when this kind is walked to the end. */
  cursor: PruneCursor | null;
}

/**
 * One transaction of a prune: up to `limit` finished, old records of `kind` after `after`.
 * Each record is locked like a fold (so no fold of it runs meanwhile), checked again,
 * stamped raw_pruned_at, and its folded or dead-lettered raw events deleted,
 * PRUNE_DELETE_CHUNK rows per statement. A record with an event still waiting to be folded,
 * or dead-lettered and neither replayed nor purged, is skipped (a later run takes it); an event inserted while the transaction runs is
 * unfolded, so it is not deleted, and its fold dead-letters it.
 */
export async function prunePass(sql: Sql, kind: EventKind, scope: PruneScope, after: PruneCursor | null, limit: number): Promise<PrunePassResult> {
  const cursorCond = after && after.kind === kind ? sql`and (x.tenant, x.id) > (${after.tenant}, ${after.id})` : sql``;
  const candidates = await sql<{ tenant: string; id: string }[]>`
    select x.tenant, x.id from ${table(sql, kind)} x
    where ${eligible(sql, kind, scope)} ${cursorCond}
    order by x.tenant, x.id
    limit ${limit}`;
  const last = candidates[candidates.length - 1];
  if (!last) return { scanned: 0, archived: [], skipped: 0, cursor: null };

  return sql.begin(async (tx) => {
    const keys: SubjectKey[] = candidates.map((c) => ({ tenant: c.tenant, kind, subjectId: c.id }));
    await lockSubjects(tx, keys);
    const stamped = await tx<{ tenant: string; id: string }[]>`
      update ${table(tx, kind)} x set raw_pruned_at = now()
      from unnest(${pgArrayLiteral(candidates.map((c) => c.tenant))}::text[], ${pgArrayLiteral(candidates.map((c) => c.id))}::text[]) as u(t, i)
      where x.tenant = u.t and x.id = u.i and ${eligible(tx, kind, scope)}
        and not exists (
          select 1 from raw_events r
          where r.tenant = x.tenant and r.kind = ${kind} and r.subject_id = x.id and ${unresolved(tx)})
      returning x.tenant, x.id`;
    const perTenant = new Map<string, { records: number; rawEvents: number }>();
    for (const s of stamped) {
      const t = perTenant.get(s.tenant) ?? perTenant.set(s.tenant, { records: 0, rawEvents: 0 }).get(s.tenant)!;
      t.records++;
    }
    if (stamped.length > 0) {
      const tenants = tx.array(stamped.map((s) => s.tenant));
      const ids = tx.array(stamped.map((s) => s.id));
      for (;;) {
        const deleted = await tx<{ tenant: string; n: string }[]>`
          with doomed as (
            select r.id from raw_events r
            join unnest(${tenants}::text[], ${ids}::text[]) as u(t, i) on r.tenant = u.t and r.kind = ${kind} and r.subject_id = u.i
            where r.folded_at is not null or r.dead_lettered_at is not null
            limit ${PRUNE_DELETE_CHUNK}
          ), gone as (
            -- Checked again on the row itself: a dead letter replayed meanwhile (its raw event
            -- unfolded again, committed while this waited for the row) is not deleted.
            delete from raw_events r using doomed d where r.id = d.id and (r.folded_at is not null or r.dead_lettered_at is not null) returning r.tenant
          )
          select tenant, count(*) as n from gone group by tenant`;
        let n = 0;
        for (const d of deleted) {
          perTenant.get(d.tenant)!.rawEvents += Number(d.n);
          n += Number(d.n);
        }
        if (n < PRUNE_DELETE_CHUNK) break;
      }
    }
    return {
      scanned: candidates.length,
      archived: [...perTenant].map(([tenant, c]) => ({ tenant, kind, ...c })),
      skipped: candidates.length - stamped.length,
      cursor: { kind, tenant: last.tenant, id: last.id },
    };
  });
}

export const PRUNE_KINDS: readonly EventKind[] = KINDS;
