/**
 * Failures that say "Postgres is unreachable right now", not "this event is bad": connection
 * errors from postgres.js and the network, and SQLSTATE classes 08 (connection), 53 (insufficient
 * resources: too many connections, disk full, out of memory) and 57P (operator shutdown).
 * Folding waits them out instead of spending the event's attempts, so a server out of
 * connection slots does not fill dead_letters with good events.
 */
const CONNECTION_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'DEADLINE_EXCEEDED']);

export function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('53') || code.startsWith('57P');
}
