/**
 * Parses a request body from raw bytes, refusing what Postgres jsonb or our own code
 * could choke on later: invalid UTF-8, NUL characters, unpaired surrogates,
 * prototype-polluting keys and absurd nesting. One walk, done once per request. An integer
 * beyond ±(2^53 − 1) is kept as a string of its exact digits (exact-integers.ts).
 */
import { quoteUnsafeIntegers } from './exact-integers';

export type ParseFailure =
  | { ok: false; status: 400; reason: 'invalid_utf8' | 'invalid_json'; detail: string }
  | { ok: false; status: 422; reason: 'forbidden_key' | 'nul_character' | 'lone_surrogate' | 'too_deep' | 'number_out_of_range'; detail: string; path: string };
/**
 * `value` is what is stored: integers beyond ±(2^53 − 1) as strings of their exact digits.
 * `asNumbers`, present only when there were such integers, is the same body as JSON.parse reads
 * it (those integers rounded numbers): what the sender's types say, for validation
 * (`validateAsSent`).
 */
export type ParsedBody = { ok: true; value: unknown; asNumbers?: unknown };
export type ParseResult = ParsedBody | ParseFailure;

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
  const exactText = quoteUnsafeIntegers(text);
  let value: unknown;
  let asNumbers: unknown;
  try {
    // The text as sent first: its syntax error (if any) names positions the sender can find.
    asNumbers = JSON.parse(text);
    value = exactText === text ? asNumbers : JSON.parse(exactText);
  } catch (err) {
    const msg = err instanceof Error ? err.message : 'unparseable';
    return { ok: false, status: 400, reason: 'invalid_json', detail: `body is not valid JSON: ${msg}` };
  }
  // NUL and unpaired surrogates can only enter through \u escapes: JSON text forbids raw
  // control characters and the fatal decoder already refused invalid UTF-8. Most bodies have
  // no \u at all, and then their strings need no check.
  const checkStrings = text.includes('\\u');
  if (value === asNumbers) return inspect(value, [], 0, checkStrings) ?? { ok: true, value };
  // An integer of over 309 digits is Infinity as a number: refused, as it always was.
  return inspect(asNumbers, [], 0, checkStrings) ?? inspect(value, [], 0, checkStrings) ?? { ok: true, value, asNumbers };
}

type Path = (string | number)[];

/** The JSON Pointer of a path, built only when something is wrong (the walk itself allocates none). */
const pointer = (path: Path, last?: string | number) =>
  [...path, ...(last === undefined ? [] : [last])].map((p) => `/${typeof p === 'number' ? p : escapePointer(p)}`).join('');

function inspect(value: unknown, path: Path, depth: number, checkStrings: boolean): ParseFailure | null {
  if (typeof value === 'string') return checkStrings ? inspectString(value, path) : null;
  // 1e400 parses to Infinity, which JSON.stringify (and so the stored payload) turns into null.
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { ok: false, status: 422, reason: 'number_out_of_range', detail: 'number is beyond the double-precision range', path: pointer(path) };
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_JSON_DEPTH) {
    return { ok: false, status: 422, reason: 'too_deep', detail: `nesting deeper than ${MAX_JSON_DEPTH} levels`, path: pointer(path) };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      const p = inspect(value[i], path, depth + 1, checkStrings);
      path.pop();
      if (p) return p;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      return { ok: false, status: 422, reason: 'forbidden_key', detail: `key "${key}" is not allowed`, path: pointer(path, key) };
    }
    path.push(key);
    const p = (checkStrings ? inspectString(key, path) : null) ?? inspect((value as Record<string, unknown>)[key], path, depth + 1, checkStrings);
    path.pop();
    if (p) return p;
  }
  return null;
}

function inspectString(s: string, path: Path): ParseFailure | null {
  if (s.includes('\u0000')) {
    return { ok: false, status: 422, reason: 'nul_character', detail: 'NUL characters are not allowed in text', path: pointer(path) };
  }
  if (!s.isWellFormed()) {
    return { ok: false, status: 422, reason: 'lone_surrogate', detail: 'text contains an unpaired UTF-16 surrogate', path: pointer(path) };
  }
  return null;
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
