import type { Request, Response, NextFunction } from 'express';
import { eq } from 'drizzle-orm';
import { findApiKey, tenants, type ApiPrincipal, type Db } from '@cxfold/db';
import { sendProblem } from '@cxfold/receiver';

export interface Caller extends ApiPrincipal {
  timeZone: string;
}

/**
 * `Authorization: Bearer <api key>` → the caller (tenant, role, queues, tenant time zone).
 * Lookups are cached briefly so a page load costs no extra round trips; revocation takes
 * effect within `ttlMs`.
 */
export function apiKeyAuth(db: Db, ttlMs = 5_000) {
  const cache = new Map<string, { caller: Caller | null; expires: number }>();
  return async (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendProblem(res, { status: 401, title: 'Unauthorized', detail: 'send Authorization: Bearer <api key>' });
      return;
    }
    const key = match[1]!;
    const now = Date.now();
    let hit = cache.get(key);
    if (!hit || hit.expires < now) {
      const principal = await findApiKey(db, key);
      let caller: Caller | null = null;
      if (principal) {
        const [t] = await db.select({ timeZone: tenants.timeZone }).from(tenants).where(eq(tenants.slug, principal.tenant));
        caller = { ...principal, timeZone: t?.timeZone ?? 'UTC' };
      }
      hit = { caller, expires: now + ttlMs };
      if (cache.size > 10_000) cache.clear();
      cache.set(key, hit);
    }
    if (!hit.caller) {
      sendProblem(res, { status: 401, title: 'Unauthorized', detail: 'API key is not valid' });
      return;
    }
    res.locals.caller = hit.caller;
    next();
  };
}

export const callerOf = (res: Response): Caller => res.locals.caller as Caller;
