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
  const body = JSON.stringify({ type: problem.type ?? `https://cxfold.dev/problems/${problem.status}`, ...problem });
  res.statusCode = problem.status;
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
