import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import { parseTaskEventType, jsonSchemas, type TaskEventType } from '@cxfold/contracts';
import type { IngestEngine, IngestOutcome, IngestSource } from '@cxfold/ingest';
import { sendProblem } from './problem';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(' ') : v;
}

/** Maps every engine outcome to exactly one HTTP answer. */
function respond(res: Response, outcome: IngestOutcome): void {
  switch (outcome.kind) {
    case 'accepted':
      res.status(202).json(outcome.batch ? { results: outcome.results } : outcome.results[0]);
      return;
    case 'unknown_tenant':
      sendProblem(res, { status: 404, title: 'Unknown tenant' });
      return;
    case 'unauthorized':
      sendProblem(res, { status: 401, title: 'Unauthorized', detail: outcome.reason });
      return;
    case 'malformed':
      sendProblem(res, { status: 400, title: 'Malformed JSON', detail: outcome.detail });
      return;
    case 'invalid':
      sendProblem(res, { status: 422, title: 'Invalid event', detail: `${outcome.errors.length} field(s) failed validation`, errors: outcome.errors });
      return;
    case 'rate_limited':
      res.setHeader('Retry-After', String(outcome.retryAfterS));
      sendProblem(res, { status: 429, title: 'Too many requests', detail: `this tenant's rate limit is reached; retry after ${outcome.retryAfterS} s` });
      return;
    case 'unavailable':
      res.setHeader('Retry-After', String(outcome.retryAfterS));
      sendProblem(res, { status: 503, title: 'Service unavailable', detail: `${outcome.reason}; nothing was stored, send it again` });
      return;
    default: {
      const never: never = outcome;
      throw new Error(`unhandled outcome ${JSON.stringify(never)}`);
    }
  }
}

export interface HookRoutesOptions {
  engine: IngestEngine;
  bodyLimitBytes: number;
}

/**
 * Thin HTTP layer: check content type, read raw bytes under a cap, hand them to the
 * engine, map the outcome. Signatures are verified on these exact bytes.
 */
export function hookRoutes({ engine, bodyLimitBytes }: HookRoutesOptions): Router {
  const router = express.Router({ caseSensitive: false });

  const requireJson = (req: Request, res: Response, next: NextFunction) => {
    if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      sendProblem(res, { status: 415, title: 'Unsupported media type', detail: 'send Content-Type: application/json' });
      return;
    }
    next();
  };
  const rawBody = express.raw({ type: () => true, limit: bodyLimitBytes });

  const ingest = (source: (req: Request) => IngestSource | null) => async (req: Request, res: Response) => {
    const src = source(req);
    if (!src) {
      sendProblem(res, { status: 404, title: 'Unknown event', detail: 'event must be created, queued, routed, transferred or closed' });
      return;
    }
    const outcome = await engine.ingest({
      tenant: String(req.params.tenant),
      source: src,
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      requestId: res.locals.requestId as string,
      headers: {
        webhookId: header(req, 'webhook-id'),
        webhookTimestamp: header(req, 'webhook-timestamp'),
        webhookSignature: header(req, 'webhook-signature'),
        hubSignature: header(req, 'x-hub-signature'),
        authorization: header(req, 'authorization'),
      },
    });
    res.locals.outcome = outcome.kind;
    respond(res, outcome);
  };

  // Webex Connect checks a webhook URL with HEAD (or GET) before saving it.
  const probe = (_req: Request, res: Response) => {
    res.status(200).json({ ok: true });
  };
  const taskPaths = ['/v1/hooks/:tenant/tasks', '/v1/hooks/:tenant/tasks/:event'];
  router.get(taskPaths, probe);
  router.get('/v1/hooks/:tenant/flows/events', probe);

  router.post(
    '/v1/hooks/:tenant/tasks/:event',
    requireJson,
    rawBody,
    ingest((req) => {
      const type: TaskEventType | null = parseTaskEventType(req.params.event);
      return type ? { kind: 'task', pathType: type } : null;
    }),
  );
  router.post('/v1/hooks/:tenant/tasks', requireJson, rawBody, ingest(() => ({ kind: 'task', pathType: null })));
  router.post('/v1/hooks/:tenant/flows/events', requireJson, rawBody, ingest(() => ({ kind: 'flow' })));

  router.get('/v1/schemas', (_req, res) => {
    res.json({ schemas: Object.keys(jsonSchemas).map((name) => ({ name, href: `/v1/schemas/${name}` })) });
  });
  router.get('/v1/schemas/:name', (req, res) => {
    const schema = (jsonSchemas as Record<string, unknown>)[String(req.params.name)];
    if (!schema) {
      sendProblem(res, { status: 404, title: 'Unknown schema' });
      return;
    }
    res.type('application/schema+json').send(JSON.stringify(schema));
  });
  return router;
}
