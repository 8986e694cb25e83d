import type { z } from 'zod';

/** Thrown once at start-up when the environment does not match an app's schema. */
export class EnvError extends Error {
  readonly code = 'ENV_INVALID' as const;
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid environment:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/**
 * Parses the environment once, at start-up. Packages never read process.env:
 * they take the typed result of this function.
 */
export function loadEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}
