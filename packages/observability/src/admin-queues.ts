import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { findApiKey, type ApiPrincipal, type Db } from '@cxfold/db';
import { sendProblem } from './problem';

export const ADMIN_QUEUES_PATH = '/admin/queues';
const BASIC_USER = 'admin';
const CHALLENGES = ['Basic realm="cxfold admin", charset="UTF-8"', 'Bearer'];

/** The API key a request offers: `Bearer <key>`, or HTTP Basic `admin:<key>` (what a browser can send). */
export function offeredKey(authorization: string | undefined): { key: string } | { error: string } {
  const header = authorization ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return { key: bearer[1]! };
  const basic = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { error: 'malformed Basic credentials' };
    if (decoded.slice(0, colon) !== BASIC_USER) return { error: `the Basic user name must be ${BASIC_USER}` };
    const key = decoded.slice(colon + 1);
    return key ? { key } : { error: 'the Basic password must be an operator API key' };
  }
  return { error: 'send Authorization: Bearer <operator API key>, or Basic with user admin and the key as password' };
}

/**
 * Operator API keys only (`findApiKey`: an admin key made with `--operator`): 401 without a
 * valid key, 403 for any other key. Lookups are cached for `ttlMs` (the board polls every few seconds), negative
 * ones too, so guessing keys cannot hammer Postgres; revocation takes effect within `ttlMs`.
 */
export function adminAuth(db: Db, ttlMs = 5_000) {
  const cache = new Map<string, { principal: ApiPrincipal | null; expires: number }>();
  const unauthorized = (res: Response, detail: string) => {
    res.setHeader('WWW-Authenticate', CHALLENGES);
    sendProblem(res, { status: 401, title: 'Unauthorized', detail });
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    const offered = offeredKey(req.headers.authorization);
    if ('error' in offered) {
      unauthorized(res, offered.error);
      return;
    }
    const now = Date.now();
    let hit = cache.get(offered.key);
    if (!hit || hit.expires < now) {
      let principal: ApiPrincipal | null;
      try {
        principal = await findApiKey(db, offered.key);
      } catch {
        res.setHeader('Retry-After', '30');
        sendProblem(res, { status: 503, title: 'Service unavailable', detail: 'the API key could not be checked: storage unavailable' });
        return;
      }
      hit = { principal, expires: now + ttlMs };
      if (cache.size > 1_000) cache.clear();
      cache.set(offered.key, hit);
    }
    if (!hit.principal) {
      unauthorized(res, 'API key is not valid');
      return;
    }
    if (!hit.principal.operator) {
      // One board serves every tenant's jobs (and pausing or emptying the queue stops all of
      // them): a tenant's admin key, which sees that tenant only, must not open it.
      sendProblem(res, { status: 403, title: 'Forbidden', detail: 'the queue board shows and controls every tenant\'s jobs: it needs an operator key (cxfold api-keys create --role admin --operator)' });
      return;
    }
    res.locals.admin = hit.principal;
    next();
  };
}

/**
 * bull-board at `/admin/queues`, behind `adminAuth`. The board shows every tenant's jobs (ids
 * only: a fold job carries the raw event id, tenant, subject and event ids, never the payload),
 * so only operator keys open it.
 */
export interface AdminQueuesOptions {
  /** For `findApiKey`. */
  db: Db;
  queues: Queue[];
  basePath?: string;
  ttlMs?: number;
}

export function adminQueuesRouter(opts: AdminQueuesOptions): Router {
  const basePath = opts.basePath ?? ADMIN_QUEUES_PATH;
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: opts.queues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'cxfold queues' } },
  });
  const r = express.Router();
  // getRouter() is typed `any` by @bull-board/express; it is an Express application.
  r.use(basePath, adminAuth(opts.db, opts.ttlMs), serverAdapter.getRouter() as express.Express);
  return r;
}
