/**
 * Parses a request body from raw bytes, refusing what Postgres jsonb or our own code
 * could choke on later: invalid UTF-8, NUL characters, unpaired surrogates,
 * prototype-polluting keys and absurd nesting. One walk, done once per request.
 */
export type ParseFailure =
  | { ok: false; status: 400; reason: 'invalid_utf8' | 'invalid_json'; detail: string }
  | { ok: false; status: 422; reason: 'forbidden_key' | 'nul_character' | 'lone_surrogate' | 'too_deep' | 'number_out_of_range'; detail: string; path: string };
export type ParseResult = { ok: true; value: unknown } | ParseFailure;

export const MAX_JSON_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function parseJsonBody(raw: Uint8Array): ParseResult {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, status: 400, reason: 'invalid_utf8', detail: 'body is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : 'unparseable';
    return { ok: false, status: 400, reason: 'invalid_json', detail: `body is not valid JSON: ${msg}` };
  }
  const problem = inspect(value, '', 0);
  return problem ?? { ok: true, value };
}

function inspect(value: unknown, path: string, depth: number): ParseFailure | null {
  if (typeof value === 'string') return inspectString(value, path);
  // 1e400 parses to Infinity, which JSON.stringify (and so the stored payload) turns into null.
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { ok: false, status: 422, reason: 'number_out_of_range', detail: 'number is beyond the double-precision range', path };
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_JSON_DEPTH) {
    return { ok: false, status: 422, reason: 'too_deep', detail: `nesting deeper than ${MAX_JSON_DEPTH} levels`, path };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = inspect(value[i], `${path}/${i}`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const childPath = `${path}/${escapePointer(key)}`;
    if (FORBIDDEN_KEYS.has(key)) {
      return { ok: false, status: 422, reason: 'forbidden_key', detail: `key "${key}" is not allowed`, path: childPath };
    }
    const keyProblem = inspectString(key, childPath);
    if (keyProblem) return keyProblem;
    const p = inspect((value as Record<string, unknown>)[key], childPath, depth + 1);
    if (p) return p;
  }
  return null;
}

function inspectString(s: string, path: string): ParseFailure | null {
  if (s.includes('\u0000')) {
    return { ok: false, status: 422, reason: 'nul_character', detail: 'NUL characters are not allowed in text', path };
  }
  if (!s.isWellFormed()) {
    return { ok: false, status: 422, reason: 'lone_surrogate', detail: 'text contains an unpaired UTF-16 surrogate', path };
  }
  return null;
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
