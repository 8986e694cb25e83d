import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IngestEngine, IngestSource } from '@cxfold/ingest';
import type { Logger } from '@cxfold/log';
import type { Metrics } from '@cxfold/observability';
import { JSON_TYPE, UNKNOWN_EVENT, authHeadersOf, respond, taskEventSource } from './routes';
import { logAccess, requestIdFrom } from './request-context';
import { sendProblem } from './problem';

/**
 * `/v1/hooks/:tenant/tasks/:event`, `/v1/hooks/:tenant/tasks` and `/v1/hooks/:tenant/flows/events`,
 * matched without a percent sign (so no decoding) and case-insensitively, as the router does.
 */
const HOOK_PATH = /^\/v1\/hooks\/([^/%]+)\/(?:(tasks)(?:\/([^/%]+))?|flows\/events)$/i;

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface HookFastPathOptions {
  engine: IngestEngine;
  bodyLimitBytes: number;
  logger: Logger;
  metrics: Metrics;
  /** Answers an error the engine did not (a body cut short, a bug) as the Express app would. */
  answerError: (err: unknown, res: ServerResponse, requestId: string) => void;
}

/**
 * Every event delivery goes through here, before Express. A delivery in its usual form (a POST
 * to a hook path without percent-encoding or a trailing slash, with a JSON Content-Type, a
 * Content-Length within BODY_LIMIT_BYTES and no Content-Encoding) is handled in one step with
 * Node's own request and response; any other request goes to `fallback`, the Express app, which
 * answers it exactly as before (chunked, compressed, too large, a wrong type, GET probes, ops).
 * It gets the same request id, access-log line, metrics, body checks and answers as the
 * Express route.
 *
 * Why not an Express middleware: even mounted first, Express' application and router code
 * took about 7% of the receiver's CPU per event, and the objects they make for each request
 * outlived young-generation collections (about 8 MB promoted per scavenge at 2,800 events/s,
 * scavenges of 8-11 ms every quarter second, measured in docs/performance.md): a bare Express
 * server shows the same, a bare Node server does not.
 */
export function hookFastPath(opts: HookFastPathOptions, fallback: RequestListener): RequestListener {
  const log = opts.logger.child({ component: 'http' });
  return (req, res) => {
    if (req.method !== 'POST') return fallback(req, res);
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const match = HOOK_PATH.exec(path);
    if (!match) return fallback(req, res);
    const length = contentLength(req);
    if (length === null || length > opts.bodyLimitBytes || !JSON_TYPE.test(req.headers['content-type'] ?? '')) return fallback(req, res);
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return fallback(req, res);

    const [, tenant, tasks, event] = match as unknown as [string, string, string | undefined, string | undefined];
    const route = tasks === undefined ? '/v1/hooks/:tenant/flows/events' : event === undefined ? '/v1/hooks/:tenant/tasks' : '/v1/hooks/:tenant/tasks/:event';
    const source: IngestSource | null = tasks === undefined ? { kind: 'flow' } : event === undefined ? { kind: 'task', pathType: null } : taskEventSource(event);

    const requestId = requestIdFrom(req.headers);
    res.setHeader('x-request-id', requestId);
    const start = process.hrtime.bigint();
    let outcome: string | undefined;
    // One listener for what the access-log and metrics middleware do on the Express path.
    res.on('finish', () => {
      const ns = Number(process.hrtime.bigint() - start);
      opts.metrics.recordHttp('POST', route, res.statusCode, ns / 1e9);
      logAccess(log, { requestId, method: 'POST', path, status: res.statusCode, ms: ns / 1e6, outcome });
    });

    readBody(req, length)
      .then(async (rawBody) => {
        if (!source) return sendProblem(res, UNKNOWN_EVENT);
        const result = await opts.engine.ingest({ tenant, source, rawBody, requestId, headers: authHeadersOf(req.headers) });
        outcome = result.kind;
        respond(res, result);
      })
      .catch((err: unknown) => opts.answerError(err, res, requestId));
  };
}

/** The declared body length, or null when there is none to trust (chunked, malformed). */
function contentLength(req: IncomingMessage): number | null {
  const v = req.headers['content-length'];
  if (v === undefined || req.headers['transfer-encoding'] !== undefined || !/^\d{1,15}$/.test(v)) return null;
  return Number(v);
}

/** Reads exactly `length` bytes; errors carry the `type` and `status` body-parser gives the same failures. */
function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const fail = (type: string, message: string) => {
      cleanup();
      reject(Object.assign(new Error(message), { type, status: 400, expose: true }));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > length) return fail('request.size.invalid', 'request size did not match content length');
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      if (received !== length) return fail('request.size.invalid', 'request size did not match content length');
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
    };
    const onAborted = () => fail('request.aborted', 'request aborted');
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onError);
  });
}
