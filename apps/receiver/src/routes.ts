import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import { parseTaskEventType, jsonSchemas } from '@cxfold/contracts';
import type { AuthHeaders, IngestEngine, IngestOutcome, IngestSource } from '@cxfold/ingest';
import { sendJsonText, sendProblem } from './problem';

export const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(' ') : v;
}

/** The headers that can authenticate a delivery (each scheme is checked by the engine). */
export function authHeadersOf(headers: IncomingHttpHeaders): AuthHeaders {
  return {
    webhookId: header(headers, 'webhook-id'),
    webhookTimestamp: header(headers, 'webhook-timestamp'),
    webhookSignature: header(headers, 'webhook-signature'),
    hubSignature: header(headers, 'x-hub-signature'),
    authorization: header(headers, 'authorization'),
  };
}

/** The source of `/tasks/:event`: null for an event name that is not a task event (404). */
export function taskEventSource(event: unknown): IngestSource | null {
  const type = parseTaskEventType(event);
  return type ? { kind: 'task', pathType: type } : null;
}

export const UNKNOWN_EVENT = { status: 404, title: 'Unknown event', detail: 'event must be created, queued, routed, transferred or closed' } as const;

/** Maps every engine outcome to exactly one HTTP answer. */
export function respond(res: ServerResponse, outcome: IngestOutcome): void {
  switch (outcome.kind) {
    case 'accepted':
      sendJsonText(res, 202, 'application/json', JSON.stringify(outcome.batch ? { results: outcome.results } : outcome.results[0]));
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
      sendProblem(res, UNKNOWN_EVENT);
      return;
    }
    const outcome = await engine.ingest({
      tenant: String(req.params.tenant),
      source: src,
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      requestId: res.locals.requestId as string,
      headers: authHeadersOf(req.headers),
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
    ingest((req) => taskEventSource(req.params.event)),
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
