import express, { type Express, type Request, type Response, type NextFunction } from 'express';
import type { Logger } from '@cxfold/log';
import { httpMetrics, opsRoutes, type OpsRoutesOptions } from '@cxfold/observability';
import { hookRoutes, type HookRoutesOptions } from './routes';
import { hookFastPath } from './fast-hooks';
import { logAccess, requestIdFrom } from './request-context';
import { sendProblem } from './problem';

/** Carries a request id (the sender's x-request-id when sane) into logs, jobs and the response. */
export function requestIds(req: Request, res: Response, next: NextFunction): void {
  const id = requestIdFrom(req.headers);
  res.locals.requestId = id;
  res.setHeader('x-request-id', id);
  next();
}

/** One line per failed request; successful ones only at debug level, to keep the hot path quiet. */
export function accessLog(logger: Logger) {
  const log = logger.child({ component: 'http' });
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    // Read now: inside a mounted router (the queue board) req.path is relative to the mount.
    const path = req.path;
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      logAccess(log, { requestId: res.locals.requestId, method: req.method, path, status: res.statusCode, ms, outcome: res.locals.outcome });
    });
    next();
  };
}

/** Turns exceptions into problem+json; never a stack trace in a response. */
export function errorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
    if (e.type === 'entity.too.large') {
      sendProblem(res, { status: 413, title: 'Payload too large', detail: e.message });
      return;
    }
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
      sendProblem(res, { status: 415, title: 'Unsupported encoding', detail: e.message });
      return;
    }
    if (e.type === 'request.aborted' || e.type === 'request.size.invalid') {
      sendProblem(res, { status: 400, title: 'Bad request', detail: e.message });
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
      sendProblem(res, { status: e.status, title: 'Bad request', detail: e.message });
      return;
    }
    // The router's URIError for a malformed %-escape in a path parameter carries status 400 but no `expose`.
    if (err instanceof URIError && e.status === 400) {
      sendProblem(res, { status: 400, title: 'Bad request', detail: 'the URL holds a malformed percent-encoding' });
      return;
    }
    logger.error({ err, requestId: res.locals.requestId }, 'unhandled error');
    sendProblem(res, { status: 500, title: 'Internal error', detail: `request ${String(res.locals.requestId)} failed; it was not stored` });
  };
}

export interface ReceiverAppOptions extends HookRoutesOptions {
  logger: Logger;
  /** /healthz, /readyz, /metrics and /admin/queues; mounted after the hook routes. */
  ops: OpsRoutesOptions;
  /** Extra routers mounted before the 404 handler (the API in the all-in-one server). */
  extraRoutes?: express.Router[];
}

export function createReceiverApp(opts: ReceiverAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Event deliveries in their usual form skip the router, the body parser and the middleware
  // below; anything else passes through to them (fast-hooks.ts says which requests).
  app.use(hookFastPath({ engine: opts.engine, bodyLimitBytes: opts.bodyLimitBytes, logger: opts.logger, metrics: opts.ops.metrics }));
  app.use(requestIds);
  app.use(accessLog(opts.logger));
  app.use(httpMetrics(opts.ops.metrics));
  // The hot path first: every event request would otherwise be matched against each ops route.
  app.use(hookRoutes(opts));
  app.use(opsRoutes(opts.ops));
  for (const r of opts.extraRoutes ?? []) app.use(r);
  app.use((_req: Request, res: Response) => sendProblem(res, { status: 404, title: 'Not found' }));
  app.use(errorHandler(opts.logger));
  return app;
}
