import type { ServerResponse } from 'node:http';
import express, { type Express, type Request, type Response, type NextFunction } from 'express';
import type { Logger } from '@cxfold/log';
import { httpMetrics, opsRoutes, type OpsRoutesOptions } from '@cxfold/observability';
import { hookRoutes, type HookRoutesOptions } from './routes';
import { hookFastPath, type RequestListener } from './fast-hooks';
import { logAccess, requestIdFrom } from './request-context';
import { sendProblem, type Problem } from './problem';

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

/**
 * The answer an error deserves when it is the sender's fault (a body that is too large, cut
 * short or in an unknown encoding...), or null for our own failures, which are logged and
 * answered 500. Shared by Express' error handler and the receiver's fast path.
 */
export function clientProblemFor(err: unknown): Problem | null {
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  if (e.type === 'entity.too.large') return { status: 413, title: 'Payload too large', detail: e.message };
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return { status: 415, title: 'Unsupported encoding', detail: e.message };
  if (e.type === 'request.aborted' || e.type === 'request.size.invalid') return { status: 400, title: 'Bad request', detail: e.message };
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) return { status: e.status, title: 'Bad request', detail: e.message };
  // The router's URIError for a malformed %-escape in a path parameter carries status 400 but no `expose`.
  if (err instanceof URIError && e.status === 400) return { status: 400, title: 'Bad request', detail: 'the URL holds a malformed percent-encoding' };
  return null;
}

/** Answers an error as problem+json; never a stack trace in a response. */
export function answerError(logger: Logger, err: unknown, res: ServerResponse, requestId: unknown): void {
  if (res.headersSent) {
    // Too late for an answer (a stream failed halfway): cut the connection so the client sees a failure, not a short body.
    logger.error({ err, requestId }, 'error after the answer started');
    res.destroy();
    return;
  }
  const problem = clientProblemFor(err);
  if (problem) return sendProblem(res, problem);
  logger.error({ err, requestId }, 'unhandled error');
  sendProblem(res, { status: 500, title: 'Internal error', detail: `request ${String(requestId)} failed; it was not stored` });
}

/** Turns exceptions into problem+json; never a stack trace in a response. */
export function errorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction) => answerError(logger, err, res, res.locals.requestId);
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

/**
 * The receiver's HTTP request listener: event deliveries in their usual form take the fast path
 * (fast-hooks.ts says which), everything else the Express app above.
 */
export function createReceiverListener(opts: ReceiverAppOptions): RequestListener {
  const app = createReceiverApp(opts);
  return hookFastPath(
    {
      engine: opts.engine,
      bodyLimitBytes: opts.bodyLimitBytes,
      logger: opts.logger,
      metrics: opts.ops.metrics,
      answerError: (err, res, requestId) => answerError(opts.logger, err, res, requestId),
    },
    app,
  );
}
