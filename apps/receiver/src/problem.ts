import type { ServerResponse } from 'node:http';

/** RFC 9457 problem details. `errors` lists every failing field as a JSON Pointer. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string; param?: string }[];
  [extra: string]: unknown;
}

/**
 * Writes a problem answer with Node's own response methods, so the receiver's fast path (which
 * never enters Express) and every Express route answer alike: the same status, Content-Type and
 * body. Headers set before (x-request-id, Retry-After) are kept; Node drops the body of a HEAD.
 */
export function sendProblem(res: ServerResponse, problem: Problem): void {
  sendJsonText(res, problem.status, 'application/problem+json', JSON.stringify({ type: problem.type ?? `https://cxfold.dev/problems/${problem.status}`, ...problem }));
}

/**
 * A JSON answer as Express' `res.send` writes it (etag and x-powered-by are off here), with
 * Node's own methods: every problem and every 202 of the receiver goes through this.
 */
export function sendJsonText(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
