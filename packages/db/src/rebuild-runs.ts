import type { Sql } from './client';
import type { EventKind, SubjectKey, Tx } from './projections';

/**
 * Queries of `cxfold rebuild`: walking every subject (record) of raw_events in a stable
 * order, and the progress row (rebuild_runs) committed with each batch.
 */

/** Which subjects a rebuild covers; null = all. */
export interface RebuildScope {
  tenant: string | null;
  kind: EventKind | null;
}

/** The last subject of the last committed batch; the walk continues after it. */
export type RebuildCursor = SubjectKey;

export interface RebuildRun {
  id: number;
  tenant: string | null;
  kind: EventKind | null;
  status: 'running' | 'finished' | 'superseded';
  startedAt: Date;
  cursor: RebuildCursor | null;
  done: number;
  total: number;
  events: number;
  archived: number;
}

interface RunRow {
  id: string;
  tenant: string | null;
  kind: EventKind | null;
  status: RebuildRun['status'];
  started_ms: string;
  last_tenant: string | null;
  last_kind: EventKind | null;
  last_subject: string | null;
  done: string;
  total: string;
  events: string;
  archived: string;
}

const toRun = (r: RunRow): RebuildRun => ({
  id: Number(r.id),
  tenant: r.tenant,
  kind: r.kind,
  status: r.status,
  startedAt: new Date(Number(r.started_ms)),
  cursor: r.last_tenant !== null && r.last_kind !== null && r.last_subject !== null ? { tenant: r.last_tenant, kind: r.last_kind, subjectId: r.last_subject } : null,
  done: Number(r.done),
  total: Number(r.total),
  events: Number(r.events),
  archived: Number(r.archived),
});

const RUN_COLUMNS = 'id, tenant, kind, status, (extract(epoch from started_at) * 1000)::bigint as started_ms, last_tenant, last_kind, last_subject, done, total, events, archived';

/** The unfinished (interrupted) run of exactly this scope, if any: the newest one. */
export async function findOpenRebuildRun(sql: Sql, scope: RebuildScope): Promise<RebuildRun | null> {
  const [row] = await sql<RunRow[]>`
    select ${sql.unsafe(RUN_COLUMNS)} from rebuild_runs
    where status = 'running' and tenant is not distinct from ${scope.tenant} and kind is not distinct from ${scope.kind}
    order by id desc limit 1`;
  return row ? toRun(row) : null;
}

/** --restart: unfinished runs of this scope are given up; their progress is no longer used. */
export async function supersedeRebuildRuns(sql: Sql, scope: RebuildScope): Promise<number> {
  const rows = await sql`
    update rebuild_runs set status = 'superseded', updated_at = now()
    where status = 'running' and tenant is not distinct from ${scope.tenant} and kind is not distinct from ${scope.kind}
    returning id`;
  return rows.length;
}

export async function createRebuildRun(sql: Sql, scope: RebuildScope, total: number): Promise<RebuildRun> {
  const [row] = await sql<RunRow[]>`
    insert into rebuild_runs (tenant, kind, total) values (${scope.tenant}, ${scope.kind}, ${total})
    returning ${sql.unsafe(RUN_COLUMNS)}`;
  return toRun(row!);
}

/** On resume: the total is what is done plus what is left now (events may have arrived meanwhile). */
export async function setRebuildTotal(sql: Sql, id: number, total: number): Promise<void> {
  await sql`update rebuild_runs set total = ${total}, updated_at = now() where id = ${id}`;
}

/** Committed in the transaction that folded the batch, so progress and projections agree. */
export async function advanceRebuildRun(tx: Tx, id: number, cursor: RebuildCursor, delta: { done: number; events: number; archived: number }): Promise<void> {
  await tx`
    update rebuild_runs set last_tenant = ${cursor.tenant}, last_kind = ${cursor.kind}, last_subject = ${cursor.subjectId},
      done = done + ${delta.done}, events = events + ${delta.events}, archived = archived + ${delta.archived},
      total = greatest(total, done + ${delta.done}), updated_at = now()
    where id = ${id}`;
}

export async function finishRebuildRun(sql: Sql, id: number): Promise<void> {
  await sql`update rebuild_runs set status = 'finished', finished_at = now(), updated_at = now() where id = ${id}`;
}

function scopeConditions(sql: Sql, scope: RebuildScope, after: RebuildCursor | null) {
  return sql`true
    ${scope.tenant !== null ? sql`and r.tenant = ${scope.tenant}` : sql``}
    ${scope.kind !== null ? sql`and r.kind = ${scope.kind}` : sql``}
    ${after ? sql`and (r.tenant, r.kind, r.subject_id) > (${after.tenant}, ${after.kind}, ${after.subjectId})` : sql``}`;
}

/** Distinct subjects of raw_events in scope, after the cursor. */
export async function countRebuildSubjects(sql: Sql, scope: RebuildScope, after: RebuildCursor | null): Promise<number> {
  const [row] = await sql<{ n: string }[]>`
    select count(*) as n from (select distinct r.tenant, r.kind, r.subject_id from raw_events r where ${scopeConditions(sql, scope, after)}) s`;
  return Number(row!.n);
}

export interface RebuildSubject extends SubjectKey {
  /** The record was archived by prune: it must be left as it is. */
  archived: boolean;
}

/**
 * The next `limit` subjects after the cursor, in (tenant, kind, subject_id) order (the order
 * of raw_events_subject_idx, so each batch is an index range scan).
 */
export async function nextRebuildSubjects(sql: Sql, scope: RebuildScope, after: RebuildCursor | null, limit: number): Promise<RebuildSubject[]> {
  const rows = await sql<{ tenant: string; kind: EventKind; subject_id: string; archived: boolean }[]>`
    select s.tenant, s.kind, s.subject_id, coalesce(i.raw_pruned_at, f.raw_pruned_at) is not null as archived
    from (
      select distinct r.tenant, r.kind, r.subject_id from raw_events r
      where ${scopeConditions(sql, scope, after)}
      order by r.tenant, r.kind, r.subject_id
      limit ${limit}
    ) s
    left join interactions i on s.kind = 'task' and i.tenant = s.tenant and i.id = s.subject_id
    left join flow_executions f on s.kind = 'flow' and f.tenant = s.tenant and f.id = s.subject_id
    order by s.tenant, s.kind, s.subject_id`;
  return rows.map((r) => ({ tenant: r.tenant, kind: r.kind, subjectId: r.subject_id, archived: r.archived }));
}

/** Session-level lock so two rebuilds of one scope do not share (and race on) one progress row. */
export function rebuildLockKey(scope: RebuildScope): string {
  return `cxfold:rebuild:${scope.tenant ?? '*'}:${scope.kind ?? '*'}`;
}
