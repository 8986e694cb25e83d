import type { Request } from 'express';
import type { z } from 'zod';

/** A bad query or path parameter: 400 problem+json naming each parameter. */
export class ParamError extends Error {
  readonly code = 'BAD_PARAMETER' as const;
  constructor(readonly errors: { param: string; message: string }[]) {
    super(errors.map((e) => `${e.param}: ${e.message}`).join('; '));
  }
}

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const r = schema.safeParse(req.query);
  if (!r.success) {
    throw new ParamError(
      r.error.issues.map((i) => ({
        param: i.code === 'unrecognized_keys' ? i.keys.join(',') : String(i.path[0] ?? 'query'),
        message: i.code === 'unrecognized_keys' ? 'unknown parameter' : i.message,
      })),
    );
  }
  return r.data;
}
