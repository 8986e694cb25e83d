import { CALL_VARIABLE } from '@cxfold/contracts';

export function mergeVariables(into: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  return { ...into, ...next };
}

/** Seed 002: cv_1..cv_10 are call variables, user_* are ECC variables, the rest are extension variables. */
export function splitVariables(all: Record<string, unknown>) {
  const call: Record<string, unknown> = {};
  const ecc: Record<string, unknown> = {};
  const extension: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(all)) {
    if (CALL_VARIABLE.test(name)) call[name] = value;
    else if (name.startsWith('user_')) ecc[name] = value;
    else extension[name] = value;
  }
  return { call, ecc, extension };
}
