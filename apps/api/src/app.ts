import helmet from 'helmet';
import express, { type Express, type Request, type Response, type NextFunction, type Router } from 'express';
import type { Db } from '@cxfold/db';
import type { Logger } from '@cxfold/log';
import { requestIds, accessLog, errorHandler, sendProblem } from '@cxfold/receiver';
import { httpMetrics, opsRoutes, type OpsRoutesOptions } from '@cxfold/observability';
import { CursorError, RangeError_ } from '@cxfold/query';
import { apiRoutes, ROUTES } from './routes';
import { buildOpenApi, docsPage } from './openapi';
import { ParamError } from './validate';
import { consoleRoutes } from './console';
import { CONSOLE_DIST_DIR } from '@cxfold/console';

/** Expected request errors → 400 problem+json naming the parameter; everything else falls through. */
function paramErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  // An export that failed halfway has no answer left to give: the error handler cuts it and logs why.
  if (res.headersSent) return next(err);
  if (err instanceof ParamError) {
    sendProblem(res, { status: 400, title: 'Bad parameter', detail: err.message, errors: err.errors.map((e) => ({ path: e.param, param: e.param, message: e.message })) });
    return;
  }
  if (err instanceof CursorError) {
    sendProblem(res, { status: 400, title: 'Bad parameter', detail: err.message, errors: [{ path: 'cursor', param: 'cursor', message: err.message }] });
    return;
  }
  if (err instanceof RangeError_) {
    sendProblem(res, { status: 400, title: 'Bad parameter', detail: err.message, errors: [{ path: err.param, param: err.param, message: err.message }] });
    return;
  }
  const dataError = databaseDataError(err);
  if (dataError) {
    // Validation should have caught it: a backstop so a value the database cannot take is the
    // caller's 400, not our 500. Which parameter is unknown here; the database says why.
    sendProblem(res, { status: 400, title: 'Bad parameter', detail: `a value in the request cannot be used: ${dataError}`, errors: [{ path: 'request', param: 'request', message: dataError }] });
    return;
  }
  if ((err as { type?: string }).type === 'entity.parse.failed') {
    sendProblem(res, { status: 400, title: 'Malformed JSON', detail: 'request body is not valid JSON' });
    return;
  }
  next(err);
}

/**
 * The message of a Postgres data exception (SQLSTATE class 22: bad date, NUL byte, number out
 * of range...), found on the error or on drizzle's wrapper's cause; null for anything else.
 */
function databaseDataError(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (name === 'PostgresError' && typeof code === 'string' && code.startsWith('22')) return typeof message === 'string' ? message : code;
  }
  return null;
}

export interface ApiRouterOptions {
  /** The built console served at `/`; null serves none. Default: apps/console/dist. */
  consoleDir?: string | null;
}

/** The API as a router: mounted by `apps/api` alone, or beside the receiver by `npm start`. */
export function apiRouter(db: Db, opts: ApiRouterOptions = {}): Router {
  const doc = buildOpenApi(ROUTES);
  const html = docsPage(doc);
  const r = express.Router();
  const consoleDir = opts.consoleDir === undefined ? CONSOLE_DIST_DIR : opts.consoleDir;
  // Before the API's own headers: the console needs a CSP that lets it run its scripts.
  if (consoleDir) r.use(consoleRoutes(consoleDir));
  // Security headers; the docs page inlines only its own CSS and loads nothing else.
  r.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], frameAncestors: ["'none'"] } },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  r.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  r.get('/docs', (_req, res) => {
    res.type('html').send(html);
  });
  r.use(apiRoutes(db));
  r.use(paramErrors);
  return r;
}

/** The API alone: `ops` brings /healthz, /readyz, /metrics and /admin/queues, mounted before the API's own routes. */
export function createApiApp(db: Db, logger: Logger, ops: OpsRoutesOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestIds);
  app.use(accessLog(logger));
  app.use(httpMetrics(ops.metrics));
  app.use(opsRoutes(ops));
  app.use(apiRouter(db));
  app.use((_req: Request, res: Response) => sendProblem(res, { status: 404, title: 'Not found' }));
  app.use(errorHandler(logger));
  return app;
}
