import { maskEventCardNumbers, toEpochMs, type FlowEventBody, type ValidTaskEvent } from '@cxfold/contracts';
import type { RawEventInput } from '@cxfold/db';

/** raw_events.mask_count is a smallint; the count is informational, the masking itself is not capped. */
const MAX_MASK_COUNT = 32_767;

/**
 * The raw event stored for one validated event, whoever received it (HTTP or `cxfold import`):
 * card numbers masked (identifiers kept), the task type normalised into the payload so the
 * worker need not consult the URL again. The event id is the caller's: it depends on how the
 * event arrived (headers, body bytes, batch position).
 */
export interface RawEventOrigin {
  tenant: string;
  maskCardData: boolean;
  eventId: string;
  requestId: string | null;
}

export function taskRawEvent(task: ValidTaskEvent, origin: RawEventOrigin): RawEventInput {
  const { value, count } = origin.maskCardData ? maskEventCardNumbers(task.body) : { value: task.body, count: 0 };
  return {
    tenant: origin.tenant,
    eventId: origin.eventId,
    kind: 'task',
    eventType: task.type,
    subjectId: task.body.taskId,
    occurredAtMs: toEpochMs(task.body.timestamp)!,
    payload: { ...value, eventType: task.type },
    maskCount: Math.min(count, MAX_MASK_COUNT),
    requestId: origin.requestId,
  };
}

export function flowRawEvent(event: FlowEventBody, origin: RawEventOrigin): RawEventInput {
  const { value, count } = origin.maskCardData ? maskEventCardNumbers(event) : { value: event, count: 0 };
  return {
    tenant: origin.tenant,
    eventId: origin.eventId,
    kind: 'flow',
    eventType: event.type,
    subjectId: event.executionId,
    occurredAtMs: toEpochMs(event.timestamp)!,
    payload: value,
    maskCount: Math.min(count, MAX_MASK_COUNT),
    requestId: origin.requestId,
  };
}
