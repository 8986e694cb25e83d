import { and, sql, type SQL, type AnyColumn } from 'drizzle-orm';
import type { Cursor } from './cursor';

export type SortKind = 'time' | 'text' | 'number';

export interface SortSpec {
  expr: SQL | AnyColumn;
  kind: SortKind;
  /** NOT NULL columns sort without NULLS LAST, so a plain (tenant, column, id) index serves the order. */
  notNull?: boolean;
}

const cast = (kind: SortKind, v: string | number): SQL => (kind === 'time' ? sql`${v}::timestamptz` : kind === 'number' ? sql`${v}::float8` : sql`${v}::text`);

/**
 * Keyset pagination over any column: order by (column NULLS LAST, id), and continue after the
 * cursor's (value, id). Rows present across the whole scroll are seen exactly once, even while
 * new rows are inserted, which offset pagination cannot promise.
 */
export function keysetAfter(spec: SortSpec, idCol: AnyColumn, order: 'asc' | 'desc', c: Cursor): SQL {
  const cmp = order === 'asc' ? sql`>` : sql`<`;
  if (spec.notNull && c.v !== null) return sql`(${spec.expr}, ${idCol}) ${cmp} (${cast(spec.kind, c.v)}, ${c.id})`;
  if (c.v === null) return and(sql`${spec.expr} is null`, sql`${idCol} ${cmp} ${c.id}`)!;
  const v = cast(spec.kind, c.v);
  return sql`(${spec.expr} ${cmp} ${v} or (${spec.expr} = ${v} and ${idCol} ${cmp} ${c.id}) or ${spec.expr} is null)`;
}

export function keysetOrder(spec: SortSpec, idCol: AnyColumn, order: 'asc' | 'desc'): SQL[] {
  if (spec.notNull) return order === 'asc' ? [sql`${spec.expr} asc`, sql`${idCol} asc`] : [sql`${spec.expr} desc`, sql`${idCol} desc`];
  return order === 'asc' ? [sql`${spec.expr} asc nulls last`, sql`${idCol} asc`] : [sql`${spec.expr} desc nulls last`, sql`${idCol} desc`];
}

/** A sorted, filtered list: fetch `take` rows after a cursor (null = from the start). */
export type KeysetFetch<R> = (after: Cursor | null, take: number) => Promise<(R & { id: string; sortValue: unknown })[]>;

/** Sort values come back as text for timestamps and bigints (postgres.js): keep them as text. */
function cursorValue(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'number' ? v : String(v);
}

/** One page plus the cursor of the next (null on the last page). */
export async function keysetPage<R>(fetch: KeysetFetch<R>, after: Cursor | null, limit: number): Promise<{ rows: R[]; next: Cursor | null }> {
  const rows = await fetch(after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { v: cursorValue(last.sortValue), id: last.id } : null };
}

/** Every row up to `max`, a thousand at a time (exports). */
export async function* keysetAll<R>(fetch: KeysetFetch<R>, max: number): AsyncGenerator<R> {
  let after: Cursor | null = null;
  let sent = 0;
  while (sent < max) {
    const take = Math.min(1000, max - sent);
    const rows = await fetch(after, take);
    for (const r of rows) yield r as R;
    sent += rows.length;
    const last = rows.at(-1);
    if (rows.length < take || !last) return;
    after = { v: cursorValue(last.sortValue), id: last.id };
  }
}
