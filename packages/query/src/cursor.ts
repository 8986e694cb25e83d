/** Opaque keyset cursor: the last row's sort value and id. Base64url JSON, validated on the way in. */
export interface Cursor {
  v: string | number | null;
  id: string;
}

export class CursorError extends Error {
  readonly code = 'BAD_CURSOR' as const;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if (typeof c !== 'object' || c === null || typeof c.id !== 'string' || !['string', 'number', 'object'].includes(typeof c.v)) throw new Error('shape');
    if (typeof c.v === 'object' && c.v !== null) throw new Error('shape');
    return c;
  } catch {
    throw new CursorError('cursor is not one this API issued');
  }
}
