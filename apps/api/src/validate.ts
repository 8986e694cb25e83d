import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';

/** A bad query, path or body parameter: 400 problem+json naming each parameter. */
export class ParamError extends Error {
  readonly code = 'BAD_PARAMETER' as const;
  constructor(readonly errors: { param: string; message: string }[]) {
    super(errors.map((e) => `${e.param}: ${e.message}`).join('; '));
  }
}

const NUL_MESSAGE = 'must not contain a NUL character (\\u0000)';

/**
 * Postgres text cannot hold U+0000, so a NUL in a filter or a saved name would fail inside the
 * query as a 500. Refuse it up front, naming each parameter: the paths of every string holding
 * one (a repeated query parameter is named once, by its key).
 */
function nulPaths(value: unknown, path: string, depth = 0): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path] : [];
  // Deeper than any parameter or body the API takes: its schema refuses it, and a walk that
  // followed a 32 KB body of nested arrays would overflow the stack (a 500).
  if (depth >= MAX_WALK_DEPTH) return [];
  if (Array.isArray(value)) return value.some((v) => nulPaths(v, path, depth + 1).length > 0) ? [path] : [];
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const at = path ? `${path}.${k}` : k;
      return k.includes('\u0000') ? [at] : nulPaths(v, at, depth + 1);
    });
  }
  return [];
}
const MAX_WALK_DEPTH = 8;

export function nulErrors(value: unknown, prefix = ''): { param: string; message: string }[] {
  return nulPaths(value, prefix).map((param) => ({ param, message: NUL_MESSAGE }));
}

/** Zod issues → one error per parameter; each unknown key is its own error. */
export function zodParamErrors(issues: z.core.$ZodIssue[], prefix?: string): { param: string; message: string }[] {
  const name = (path: PropertyKey[]) => (prefix ? [prefix, ...path.map(String)].join('.') : String(path[0] ?? 'query'));
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ param: name([...i.path, k]), message: 'unknown parameter' })) : [{ param: name(i.path), message: i.message }],
  );
}

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const nul = nulErrors(req.query);
  if (nul.length) throw new ParamError(nul);
  const r = schema.safeParse(req.query);
  if (!r.success) throw new ParamError(zodParamErrors(r.error.issues));
  return r.data;
}

/** For `router.param`: a path segment with a NUL (`%00`) in it, refused as above. */
export function refuseNulPathParam(_req: Request, _res: Response, next: NextFunction, value: unknown, name: string): void {
  next(typeof value === 'string' && value.includes('\u0000') ? new ParamError([{ param: name, message: NUL_MESSAGE }]) : undefined);
}
