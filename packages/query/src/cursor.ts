import type { SortKind } from './keyset';

/**
 * Opaque keyset cursor: the last row's sort value and id, and the list, sort and order it was
 * issued for (`k`): a cursor continues only the scroll it came from. Base64url JSON, validated
 * on the way in, so a hand-made or stale cursor is a 400, never a database error.
 */
export interface Cursor {
  v: string | number | null;
  id: string;
}

export class CursorError extends Error {
  readonly code = 'BAD_CURSOR' as const;
}

/** Which scroll a cursor belongs to, e.g. `interactions:created:desc`. */
export interface CursorScope {
  list: string;
  sort: string;
  order: 'asc' | 'desc';
  kind: SortKind;
}

const scopeKey = (s: CursorScope) => `${s.list}:${s.sort}:${s.order}`;

export function encodeCursor(c: Cursor, scope: CursorScope): string {
  return Buffer.from(JSON.stringify({ k: scopeKey(scope), v: c.v, id: c.id })).toString('base64url');
}

/** Timestamps come back from Postgres as text or ISO strings; anything else is not ours. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;
const NUMERIC = /^-?\d{1,20}(\.\d+)?$/;

function valueFits(kind: SortKind, v: unknown): boolean {
  if (v === null) return true;
  switch (kind) {
    case 'time':
      // The shape only: a well-formed but impossible date (February 30) is the database's to refuse.
      return typeof v === 'string' && TIMESTAMP.test(v);
    case 'number':
      return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && NUMERIC.test(v));
    case 'text':
      return typeof v === 'string' && !v.includes('\u0000');
  }
}

export function decodeCursor(s: string, scope: CursorScope): Cursor {
  let c: { k?: unknown; v?: unknown; id?: unknown };
  try {
    c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as typeof c;
  } catch {
    throw new CursorError('cursor is not one this API issued');
  }
  if (typeof c !== 'object' || c === null || typeof c.id !== 'string' || c.id.includes('\u0000') || !('v' in c)) throw new CursorError('cursor is not one this API issued');
  if (c.k !== scopeKey(scope)) throw new CursorError(`cursor belongs to another list, sort or order (this is ${scopeKey(scope)}): start again without it`);
  if (!valueFits(scope.kind, c.v)) throw new CursorError('cursor is not one this API issued');
  return { v: c.v as Cursor['v'], id: c.id };
}
