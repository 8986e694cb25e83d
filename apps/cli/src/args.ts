import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TENANT_SLUG } from '@cxfold/db';

/** A mistake in how the command was called: exit code 2 and a pointer to --help. */
export class UsageError extends Error {
  readonly code = 'USAGE' as const;
}

export function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  return parseArgs({ args, options, allowPositionals: true, strict: true });
}

export function checkSlug(slug: string | undefined): string {
  if (!slug || !TENANT_SLUG.test(slug)) throw new UsageError('a tenant slug is lowercase letters, digits and dashes (max 63)');
  return slug;
}
