import { and, sql, type SQL, type AnyColumn } from 'drizzle-orm';
import type { Cursor } from './cursor';

export type SortKind = 'time' | 'text' | 'number';

export interface SortSpec {
  expr: SQL | AnyColumn;
  kind: SortKind;
}

const cast = (kind: SortKind, v: string | number): SQL => (kind === 'time' ? sql`${v}::timestamptz` : kind === 'number' ? sql`${v}::float8` : sql`${v}::text`);

/**
 * Keyset pagination over any column: order by (column NULLS LAST, id), and continue after the
 * cursor's (value, id). Rows present across the whole scroll are seen exactly once, even while
 * new rows are inserted, which offset pagination cannot promise.
 */
export function keysetAfter(spec: SortSpec, idCol: AnyColumn, order: 'asc' | 'desc', c: Cursor): SQL {
  const cmp = order === 'asc' ? sql`>` : sql`<`;
  if (c.v === null) return and(sql`${spec.expr} is null`, sql`${idCol} ${cmp} ${c.id}`)!;
  const v = cast(spec.kind, c.v);
  return sql`(${spec.expr} ${cmp} ${v} or (${spec.expr} = ${v} and ${idCol} ${cmp} ${c.id}) or ${spec.expr} is null)`;
}

export function keysetOrder(spec: SortSpec, idCol: AnyColumn, order: 'asc' | 'desc'): SQL[] {
  return order === 'asc' ? [sql`${spec.expr} asc nulls last`, sql`${idCol} asc`] : [sql`${spec.expr} desc nulls last`, sql`${idCol} desc`];
}
