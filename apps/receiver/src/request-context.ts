import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '@cxfold/log';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** The sender's x-request-id when sane, else a new one: it follows the request into logs, jobs and the response. */
export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const offered = headers['x-request-id'];
  return typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
}

export interface AccessLine {
  requestId: unknown;
  method: string;
  path: string;
  status: number;
  ms: number;
  outcome: unknown;
}

/** One line per failed request; successful ones only at debug level, to keep the hot path quiet. */
export function logAccess(log: Logger, line: AccessLine): void {
  if (line.status >= 500) log.warn(line, 'request failed');
  else if (line.status >= 400) log.info(line, 'request rejected');
  else log.debug(line, 'request');
}
