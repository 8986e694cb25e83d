import type postgres from 'postgres';
import { foldFlowExecution, foldInteraction, type FlowEventEnvelope, type TaskEventEnvelope } from '@cxfold/fold';
import { decodeFlowEvent, decodeTaskEvent } from '@cxfold/projector';
import { pgArrayLiteral, type EventKind, type StoredEvent } from '@cxfold/db';

type Sql = postgres.Sql;
type Row = Record<string, unknown>;

export interface AckCheck {
  /** Acknowledged event ids with no raw event. */
  lost: number;
  /** Event ids (acknowledged or not) stored more than once. */
  duplicated: number;
  lostSamples: string[];
  duplicatedSamples: string[];
}

/** Every acknowledged event id must be in raw_events exactly once. */
export async function checkAcknowledged(sql: Sql, tenant: string, acked: Iterable<string>): Promise<AckCheck> {
  const ids = [...acked];
  const found = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 5_000) {
    const chunk = ids.slice(i, i + 5_000);
    const rows = await sql<{ event_id: string; n: number }[]>`
      select event_id, count(*)::int as n from raw_events
      where tenant = ${tenant} and event_id = any(${pgArrayLiteral(chunk)}::text[])
      group by event_id`;
    for (const r of rows) found.set(r.event_id, r.n);
  }
  const missing = ids.filter((id) => !found.has(id));
  // The unique index should make this impossible; checked over the whole tenant all the same.
  const dupes = await sql<{ event_id: string; n: number }[]>`
    select event_id, count(*)::int as n from raw_events where tenant = ${tenant} group by event_id having count(*) > 1`;
  return {
    lost: missing.length,
    duplicated: dupes.length,
    lostSamples: missing.slice(0, 5),
    duplicatedSamples: dupes.slice(0, 5).map((d) => `${d.event_id} ×${d.n}`),
  };
}

export interface SettleCheck {
  rawEvents: number;
  folded: number;
  /** Raw events neither folded nor dead-lettered. */
  unfolded: number;
  /** Raw events flagged dead-lettered. */
  deadLettered: number;
  /** dead_letters rows of the tenant. */
  deadLetterRows: number;
  deadLetterSamples: string[];
}

export async function checkSettled(sql: Sql, tenant: string): Promise<SettleCheck> {
  const [row] = await sql<{ total: number; folded: number; unfolded: number; dead: number }[]>`
    select count(*)::int as total,
           count(folded_at)::int as folded,
           count(*) filter (where folded_at is null and dead_lettered_at is null)::int as unfolded,
           count(dead_lettered_at)::int as dead
    from raw_events where tenant = ${tenant}`;
  const dl = await sql<{ event_id: string; error_code: string | null; error: string }[]>`
    select event_id, error_code, error from dead_letters where tenant = ${tenant} order by id`;
  return {
    rawEvents: row?.total ?? 0,
    folded: row?.folded ?? 0,
    unfolded: row?.unfolded ?? 0,
    deadLettered: row?.dead ?? 0,
    deadLetterRows: dl.length,
    deadLetterSamples: dl.slice(0, 5).map((d) => `${d.event_id} ${d.error_code ?? ''}: ${d.error.slice(0, 200)}`),
  };
}

/** Raw events of the tenant still waiting to be folded. */
export async function pendingCount(sql: Sql, tenant: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from raw_events where tenant = ${tenant} and folded_at is null and dead_lettered_at is null`;
  return row?.n ?? 0;
}

export interface ProjectionCheck {
  interactions: number;
  flowExecutions: number;
  /** Records (interaction or flow execution, with their legs / steps) that differ from a clean rebuild. */
  mismatches: number;
  samples: string[];
  /** Fields of the fold's records that have no column of that name (not compared). */
  uncompared: string[];
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** JSON text with object keys sorted, so jsonb's key order does not count as a difference. */
function canonical(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The stored value in the fold's terms: timestamps as epoch ms, int8 (a string in postgres.js) as a number. */
function normalise(stored: unknown, expected: unknown): unknown {
  if (stored instanceof Date) return stored.getTime();
  if (typeof stored === 'string' && typeof expected === 'number') return Number(stored);
  return stored;
}

function sameValue(stored: unknown, expected: unknown): boolean {
  const s = normalise(stored, expected);
  if ((s === null || s === undefined) && (expected === null || expected === undefined)) return true;
  if (typeof expected === 'object' && expected !== null) return canonical(s) === canonical(expected);
  return Object.is(s, expected) || (typeof s === 'number' && typeof expected === 'number' && s === expected);
}

const show = (column: string, v: unknown) => {
  const text =
    typeof v === 'number' && column.endsWith('_at') ? new Date(v).toISOString() : typeof v === 'object' && v !== null ? canonical(v) : String(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

/** Where two JSON values first differ, as a path like /settings/url. */
function firstJsonDiff(a: unknown, b: unknown, at = ''): string {
  if (canonical(a) === canonical(b)) return '';
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort()) {
      const d = firstJsonDiff(ao[k], bo[k], `${at}/${k}`);
      if (d) return d;
    }
  }
  return `${at || '/'} (stored ${show('', a)}, rebuilt ${show('', b)})`;
}

/** Differences between one stored row and the record the fold computes, field by field. */
export function diffRecord(label: string, stored: Row, expected: object, ignore: string[], uncompared: Set<string>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(expected)) {
    const column = snake(key);
    if (ignore.includes(column)) continue;
    if (!(column in stored)) {
      uncompared.add(column);
      continue;
    }
    if (sameValue(stored[column], value)) continue;
    const s = normalise(stored[column], value);
    if (typeof value === 'object' && value !== null) out.push(`${label} ${column} differs at ${firstJsonDiff(s, value)}`);
    else out.push(`${label} ${column}: stored ${show(column, s)}, rebuilt ${show(column, value)}`);
  }
  return out;
}

function diffLegs(label: string, storedRows: Row[], expected: object[], keyField: string, uncompared: Set<string>): string[] {
  const out: string[] = [];
  const byKey = new Map(storedRows.map((r) => [Number(r[snake(keyField)]), r]));
  if (storedRows.length !== expected.length) out.push(`${label}: ${storedRows.length} stored, ${expected.length} rebuilt`);
  for (const e of expected) {
    const k = Number((e as Record<string, unknown>)[keyField]);
    const s = byKey.get(k);
    if (!s) {
      out.push(`${label} ${keyField} ${k}: missing`);
      continue;
    }
    out.push(...diffRecord(`${label} ${keyField} ${k}`, s, e, ['tenant', 'interaction_id', 'execution_id'], uncompared));
  }
  return out;
}

const groupBy = (rows: Row[], column: string) => {
  const m = new Map<string, Row[]>();
  for (const r of rows) {
    const k = String(r[column]);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
};

/**
 * Rebuilds every interaction and flow execution of the tenant from its raw events with the
 * pure reducers (what a clean `rebuild` would write) and compares with the stored rows:
 * every field of the records, legs and steps; updated_at is not part of the fold.
 * Dead-lettered events are left out, as the worker leaves them out.
 */
export async function checkProjections(sql: Sql, tenant: string, chunkSize = 500): Promise<ProjectionCheck> {
  const result: ProjectionCheck = { interactions: 0, flowExecutions: 0, mismatches: 0, samples: [], uncompared: [] };
  const uncompared = new Set<string>();
  const note = (diffs: string[]) => {
    if (diffs.length === 0) return;
    result.mismatches++;
    if (result.samples.length < 5) result.samples.push(diffs.slice(0, 4).join('; ') + (diffs.length > 4 ? ` (+${diffs.length - 4} more)` : ''));
  };

  for (const kind of ['task', 'flow'] as const) {
    const table = kind === 'task' ? 'interactions' : 'flow_executions';
    // Every record either side could hold: subjects with raw events, and stored rows.
    const subjects = await sql<{ id: string }[]>`
      select subject_id as id from raw_events where tenant = ${tenant} and kind = ${kind} and dead_lettered_at is null
      union
      select id from ${sql(table)} where tenant = ${tenant}
      order by 1`;
    if (kind === 'task') result.interactions = subjects.length;
    else result.flowExecutions = subjects.length;

    for (let i = 0; i < subjects.length; i += chunkSize) {
      const ids = subjects.slice(i, i + chunkSize).map((s) => s.id);
      const events = await loadEvents(sql, tenant, kind, ids);
      const eventsBySubject = new Map<string, StoredEvent[]>();
      for (const e of events) {
        const list = eventsBySubject.get(e.subjectId);
        if (list) list.push(e);
        else eventsBySubject.set(e.subjectId, [e]);
      }
      // The two kinds differ only in tables, keys and reducer; the comparison is the same.
      const spec = kind === 'task' ? TASK_SPEC : FLOW_SPEC;
      const stored = new Map((await sql<Row[]>`select * from ${sql(spec.table)} where tenant = ${tenant} and id = any(${pgArrayLiteral(ids)}::text[])`).map((r) => [String(r.id), r]));
      const children = groupBy(await sql<Row[]>`select * from ${sql(spec.childTable)} where tenant = ${tenant} and ${sql(spec.parentKey)} = any(${pgArrayLiteral(ids)}::text[])`, spec.parentKey);
      for (const id of ids) {
        const label = `${spec.label} ${id}`;
        const evs = eventsBySubject.get(id) ?? [];
        const row = stored.get(id);
        if (evs.length === 0) {
          note(row ? [`${label}: stored, but it has no foldable raw events`] : []);
          continue;
        }
        if (!row) {
          note([`${label}: ${evs.length} raw events, no stored row`]);
          continue;
        }
        let rebuilt;
        try {
          rebuilt = spec.rebuild(evs);
        } catch (err) {
          note([`${label}: the rebuild failed: ${String(err)}`]);
          continue;
        }
        note([
          ...diffRecord(label, row, rebuilt.record, ['tenant', 'updated_at'], uncompared),
          ...diffLegs(`${label} ${spec.childLabel}`, children.get(id) ?? [], rebuilt.children, spec.childKey, uncompared),
        ]);
      }
    }
  }
  result.uncompared = [...uncompared].sort();
  return result;
}

/** What differs between checking interactions and flow executions against a clean rebuild. */
const TASK_SPEC = {
  table: 'interactions',
  childTable: 'segments',
  parentKey: 'interaction_id',
  childKey: 'number',
  label: 'interaction',
  childLabel: 'segment',
  rebuild: (evs: StoredEvent[]) => {
    const r = foldInteraction(evs.map((e): TaskEventEnvelope => decodeTaskEvent(e)));
    return { record: r.interaction, children: r.segments };
  },
};
const FLOW_SPEC = {
  table: 'flow_executions',
  childTable: 'flow_steps',
  parentKey: 'execution_id',
  childKey: 'seq',
  label: 'flow execution',
  childLabel: 'step',
  rebuild: (evs: StoredEvent[]) => {
    const r = foldFlowExecution(evs.map((e): FlowEventEnvelope => decodeFlowEvent(e)));
    return { record: r.execution, children: r.steps };
  },
};

async function loadEvents(sql: Sql, tenant: string, kind: EventKind, subjectIds: string[]): Promise<StoredEvent[]> {
  const rows = await sql<{ id: string; event_id: string; event_type: string; subject_id: string; occurred_ms: string; payload: unknown; folded: boolean }[]>`
    select id, event_id, event_type, subject_id, (extract(epoch from occurred_at) * 1000)::bigint as occurred_ms, payload, folded_at is not null as folded
    from raw_events
    where tenant = ${tenant} and kind = ${kind} and subject_id = any(${pgArrayLiteral(subjectIds)}::text[]) and dead_lettered_at is null
    order by id`;
  return rows.map((r) => ({
    id: Number(r.id),
    tenant,
    kind,
    eventId: r.event_id,
    eventType: r.event_type,
    subjectId: r.subject_id,
    occurredAtMs: Number(r.occurred_ms),
    payload: r.payload,
    folded: r.folded,
  }));
}
