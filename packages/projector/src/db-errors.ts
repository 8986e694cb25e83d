/**
 * Failures that say "Postgres is unreachable right now", not "this event is bad": connection
 * errors from postgres.js and the network, and SQLSTATE class 08 (connection), 53000-53300
 * (insufficient resources, disk full, out of memory, too many connections; not 53400, a
 * statement over a configured limit such as temp_file_limit, which is that statement's doing)
 * and 57P (operator shutdown).
 * Folding waits them out instead of spending the event's attempts, so a server out of
 * connection slots does not fill dead_letters with good events.
 */
const RESOURCE_CODES = new Set(['53000', '53100', '53200', '53300']);
const CONNECTION_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'DEADLINE_EXCEEDED']);

export function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return CONNECTION_CODES.has(code) || code.startsWith('08') || RESOURCE_CODES.has(code) || code.startsWith('57P');
}
