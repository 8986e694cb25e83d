import { z } from 'zod';
import { timestamp, reference, text } from './primitives';

export const TASK_EVENT_TYPES = ['CREATED', 'QUEUED', 'ROUTED', 'TRANSFERRED', 'CLOSED'] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

/** Lifecycle rank breaks ties between events with the same timestamp. */
export const TASK_LIFECYCLE_RANK: Record<TaskEventType, number> = {
  CREATED: 0,
  QUEUED: 1,
  ROUTED: 2,
  TRANSFERRED: 3,
  CLOSED: 4,
};

export function parseTaskEventType(value: unknown): TaskEventType | null {
  if (typeof value !== 'string') return null;
  const upper = value.toUpperCase();
  return (TASK_EVENT_TYPES as readonly string[]).includes(upper) ? (upper as TaskEventType) : null;
}

export const KNOWN_MEDIA_TYPES = ['sms', 'chat', 'email', 'webcallback', 'voice', 'facebook', 'whatsapp'] as const;
export const TRANSFER_REASONS = ['agent_transfer', 'rona', 'agent_logout'] as const;
export const CLOSE_REASONS = ['agent', 'customer', 'system'] as const;

/** Call variables cv_1..cv_10 (40 bytes), ECC variables user_* (210 bytes), anything else is an extension variable. */
export const CALL_VARIABLE = /^cv_([1-9]|10)$/;
export const CALL_VARIABLE_MAX_BYTES = 40;
export const ECC_VARIABLE_MAX_BYTES = 210;
/**
 * A chat thread id (extension variable ChatThreadID or LiveChatThreadID) links a web callback
 * to the chat it replaced. The record indexes it, and an index entry holds at most ~2.7 KB, so
 * only one of up to 2,000 bytes is linked; a longer one stays a plain variable.
 * Not refused at the door: extension variables are free text, and a stored event must keep
 * folding as it did when it arrived.
 */
export const THREAD_ID_MAX_BYTES = 2_000;

const variableValue = z.union([z.string().max(4000), z.number(), z.boolean(), z.null()]);

/**
 * A Digital Routing task callback as Webex Connect relays it. Unknown fields are kept
 * (loose object) so senders can add context without a schema change.
 */
export const taskEventSchema = z
  .looseObject({
    eventType: z.string().max(20).optional().describe('CREATED | QUEUED | ROUTED | TRANSFERRED | CLOSED (any case); required on /tasks without a path event'),
    taskId: text(200).min(1).describe('CCE task id; stays the same across transfers'),
    eventId: text(200).min(1).optional().describe('sender-side idempotency key; the webhook-id header wins'),
    timestamp: timestamp.describe('when it happened: ISO-8601 with zone or epoch milliseconds'),
    mediaType: text(40).optional().describe('sms, chat, email, webcallback, voice, facebook, whatsapp, or other text'),
    destination: text(320).optional().describe('asset AppID or service number the customer contacted'),
    origin: text(320).optional().describe('customer address: phone number, email, chat user id'),
    customerName: text(200).optional(),
    scriptSelector: text(200).optional(),
    direction: z.enum(['inbound', 'outbound']).optional(),
    queue: reference.optional(),
    agent: reference.optional(),
    ewt: z.number().min(-1).max(1e7).optional().describe('estimated wait time in seconds; -1 = unknown'),
    dispositionCode: z.union([text(100), z.number().int().min(-1e9).max(1e9)]).optional(),
    dispositionName: text(200).optional(),
    reason: text(500).optional().describe('TRANSFERRED: agent_transfer | rona | agent_logout; CLOSED: agent | customer | system, or free text'),
    text: text(10_000).optional().describe('message text carried by the event (first message of a text channel)'),
    variables: z
      .record(text(100).min(1), variableValue)
      .optional()
      .describe('cv_1..cv_10 (40 bytes), user_* ECC variables (210 bytes), extension variables'),
  })
  .describe('CCE Digital Routing task event');

export type TaskEventBody = z.infer<typeof taskEventSchema>;
