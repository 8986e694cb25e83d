import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from './projections';

/** A cell as the bulk writer sends it: text forms only (ISO dates, JSON text), or null. */
export type Cell = string | number | boolean | null;
export type BulkRow = Record<string, Cell>;

/**
 * Writes many rows with one statement whose text never changes: one array parameter per
 * column, spread into rows by `unnest`. postgres.js prepares a statement once per distinct
 * text, so a multi-row VALUES list (one parameter per cell, a new text for every row count)
 * was described and planned anew on almost every call, an extra round trip each time, and
 * filled each connection's statement cache. The arrays go as Postgres array literals built
 * here, so nothing depends on postgres.js having learnt the array types yet.
 */
export interface BulkInsertOptions {
  /** Conflict target: rows already there are updated (upsert). */
  upsertOn?: readonly string[];
  /**
   * With `upsertOn`: update a row only when one of its other columns changed, ignoring these
   * (e.g. `updated_at`). A record is recomputed whole each time one of its events arrives;
   * most of its rows come out the same, and skipping them saves Postgres a new row version,
   * its index entries and WAL.
   */
  unlessUnchanged?: { ignore: readonly string[] };
}

export async function bulkInsert(tx: Tx, table: PgTable, rows: BulkRow[], opts: BulkInsertOptions = {}): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const text = statementFor(table, columns, opts);
  await tx.unsafe(text, columnArrays(columns, rows), { prepare: true });
}

/**
 * Deletes the child rows of the given parents that are not among `kept` (matched on the
 * parent columns plus `childKey`): with an upsert of `kept`, this replaces each parent's
 * children while leaving unchanged rows alone.
 */
export async function deleteOtherChildren(
  tx: Tx,
  table: PgTable,
  parentColumns: readonly [string, string],
  childKey: string,
  parents: readonly (readonly [string, string])[],
  kept: BulkRow[],
): Promise<void> {
  if (parents.length === 0) return;
  const name = getTableName(table);
  const types = columnTypes(table);
  const [a, b] = parentColumns;
  const cast = (c: string) => `::${types.get(c)}[]`;
  const text = cached(`delete|${name}|${a},${b},${childKey}`, () =>
    `delete from "${name}" s using unnest($1${cast(a)}, $2${cast(b)}) as p(a, b)
     where s."${a}" = p.a and s."${b}" = p.b
       and (s."${a}", s."${b}", s."${childKey}") not in (select * from unnest($3${cast(a)}, $4${cast(b)}, $5${cast(childKey)}))`,
  );
  const params = [
    pgArrayLiteral(parents.map((p) => p[0])),
    pgArrayLiteral(parents.map((p) => p[1])),
    ...columnArrays([a, b, childKey], kept),
  ];
  await tx.unsafe(text, params, { prepare: true });
}

const columnArrays = (columns: string[], rows: BulkRow[]) => columns.map((c) => pgArrayLiteral(rows.map((r) => r[c] ?? null)));

/** `{"a",NULL,"b \"quoted\""}`: the text form of a one-dimensional Postgres array. */
export function pgArrayLiteral(values: readonly Cell[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) out += 'NULL';
    else {
      const text = String(v);
      // Most cells (ids, names, dates, numbers) need no escaping; skip the regex for them.
      out += text.includes('"') || text.includes('\\') ? `"${text.replace(/[\\"]/g, '\\$&')}"` : `"${text}"`;
    }
  }
  return `${out}}`;
}

const statements = new Map<string, string>();

function cached(key: string, build: () => string): string {
  let text = statements.get(key);
  if (text === undefined) {
    text = build();
    statements.set(key, text);
  }
  return text;
}

function statementFor(table: PgTable, columns: string[], opts: BulkInsertOptions): string {
  const name = getTableName(table);
  const { upsertOn, unlessUnchanged } = opts;
  const key = `insert|${name}|${columns.join(',')}|${upsertOn?.join(',') ?? ''}|${unlessUnchanged?.ignore.join(',') ?? '-'}`;
  return cached(key, () => {
    const types = columnTypes(table);
    const quoted = columns.map((c) => `"${c}"`);
    const arrays = columns.map((c, i) => {
      const type = types.get(c);
      if (!type) throw new Error(`bulkInsert: ${name} has no column ${c}`);
      return `$${i + 1}::${type}[]`;
    });
    let text = `insert into "${name}" (${quoted.join(', ')}) select * from unnest(${arrays.join(', ')})`;
    if (upsertOn) {
      const updated = columns.filter((c) => !upsertOn.includes(c));
      text += ` on conflict (${upsertOn.map((c) => `"${c}"`).join(', ')}) do update set ${updated.map((c) => `"${c}" = excluded."${c}"`).join(', ')}`;
      if (unlessUnchanged) {
        const compared = updated.filter((c) => !unlessUnchanged.ignore.includes(c));
        text += ` where (${compared.map((c) => `"${name}"."${c}"`).join(', ')}) is distinct from (${compared.map((c) => `excluded."${c}"`).join(', ')})`;
      }
    }
    return text;
  });
}

/** Database column name → the SQL type to cast its array to (precision dropped: `timestamp (3) with time zone` → `timestamptz`). */
function columnTypes(table: PgTable): Map<string, string> {
  const out = new Map<string, string>();
  for (const col of Object.values(getTableColumns(table))) {
    const type = col.getSQLType().replace(/\s*\(\d+\)/, '');
    out.set(col.name, type === 'timestamp with time zone' ? 'timestamptz' : type);
  }
  return out;
}
