import { parseTaskEventType, toEpochMs, validateFlowEvents, validateTaskEvent } from '@cxfold/contracts';
import type { FlowEventEnvelope, TaskEventEnvelope } from '@cxfold/fold';
import type { StoredEvent } from '@cxfold/db';

export class PoisonEventError extends Error {
  readonly code = 'POISON_EVENT' as const;
}

// Stored events are re-checked against the contract without the "now" window: a rebuild
// months later must accept what was valid when it arrived.
const NO_FUTURE_LIMIT = Number.MAX_SAFE_INTEGER / 2;

/** Re-validates a stored task event; a payload that no longer fits the contract is poison. */
export function decodeTaskEvent(e: StoredEvent): TaskEventEnvelope {
  const type = parseTaskEventType(e.eventType);
  const v = validateTaskEvent(e.payload, type, NO_FUTURE_LIMIT, { stored: true });
  if (!type || !v.ok) throw new PoisonEventError(`stored task event fails the contract: ${v.ok ? `type ${e.eventType}` : JSON.stringify(v.errors)}`);
  assertSameSubject(v.value.body.taskId, e, 'taskId');
  return { eventId: e.eventId, type, at: toEpochMs(v.value.body.timestamp) ?? e.occurredAtMs, body: v.value.body };
}

export function decodeFlowEvent(e: StoredEvent): FlowEventEnvelope {
  const v = validateFlowEvents(e.payload, NO_FUTURE_LIMIT, { stored: true });
  const body = v.ok && !v.value.batch ? v.value.events[0] : undefined;
  if (!body) throw new PoisonEventError(`stored flow event fails the contract: ${v.ok ? 'batch stored as one event' : JSON.stringify(v.errors)}`);
  assertSameSubject(body.executionId, e, 'executionId');
  return { eventId: e.eventId, at: toEpochMs(body.timestamp) ?? e.occurredAtMs, body };
}

/**
 * The record is written under the id the payload names, and locked under the row's subject_id:
 * a row edited by hand so the two differ would be folded into a record whose lock it does not
 * hold (and the other record would never see it). It is set aside instead.
 */
function assertSameSubject(named: string, e: StoredEvent, field: string): void {
  if (named !== e.subjectId) throw new PoisonEventError(`stored ${e.kind} event names ${field} ${JSON.stringify(named)} but is stored under subject ${JSON.stringify(e.subjectId)}`);
}
