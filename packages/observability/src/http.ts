import express, { type Express, type Request, type Response, type NextFunction, type Router } from 'express';
import type { Metrics } from './metrics';
import type { Readiness } from './readiness';
import { sendProblem } from './problem';
import { adminQueuesRouter, type AdminQueuesOptions } from './admin-queues';

/**
 * The route pattern a request matched (`/v1/hooks/:tenant/tasks/:event`), never the concrete
 * path, so label values stay bounded whatever clients send. Requests no route answered (404s,
 * static files under a mounted router) get the router's mount path, or `unmatched`.
 */
export function routePattern(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  const base = req.baseUrl || '';
  if (route && route.path !== undefined) {
    return Array.isArray(route.path) ? (route.path as unknown[]).map((p) => base + String(p)).join('|') : base + String(route.path);
  }
  return base ? `${base}/*` : 'unmatched';
}

/** Request latency histogram; one timer per request, the label values computed when it finishes. */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      metrics.recordHttp(req.method, routePattern(req), res.statusCode, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}

export interface OpsRoutesOptions {
  metrics: Metrics;
  readiness: Readiness;
  /** bull-board at /admin/queues for admin API keys; the worker's ops server has none. */
  admin?: AdminQueuesOptions;
}

/**
 * `/healthz` (the process is alive and serving: no dependency is checked), `/readyz` (Postgres,
 * Redis and migrations, each under a deadline), `/metrics` (Prometheus text format) and, when
 * `admin` is given, bull-board at `/admin/queues`.
 */
export function opsRoutes({ metrics, readiness, admin }: OpsRoutesOptions): Router {
  const r = express.Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const report = await readiness.check();
    res.setHeader('Cache-Control', 'no-store');
    if (report.ready) {
      res.json({ status: 'ready', checks: report.checks });
      return;
    }
    const failing = Object.entries(report.checks).filter(([, v]) => v !== 'ok');
    sendProblem(res, {
      status: 503,
      title: 'Not ready',
      detail: failing.map(([k, v]) => `${k}: ${v}`).join('; '),
      checks: report.checks,
    });
  });
  r.get('/metrics', async (_req, res) => {
    const { contentType, body } = await metrics.exposition();
    res.setHeader('Cache-Control', 'no-store');
    res.type(contentType).send(body);
  });
  if (admin) r.use(adminQueuesRouter(admin));
  return r;
}

/** The worker's small HTTP server: health, readiness and metrics only. */
export function createOpsApp(opts: OpsRoutesOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(httpMetrics(opts.metrics));
  app.use(opsRoutes(opts));
  app.use((_req: Request, res: Response) => sendProblem(res, { status: 404, title: 'Not found' }));
  app.use((_err: unknown, _req: Request, res: Response, _next: NextFunction) => sendProblem(res, { status: 500, title: 'Internal error' }));
  return app;
}
