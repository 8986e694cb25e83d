import { z } from 'zod';
import { timestamp, text } from './primitives';

export const FLOW_EVENT_TYPES = ['execution.started', 'step.executed', 'execution.ended'] as const;
export type FlowEventType = (typeof FLOW_EVENT_TYPES)[number];

export const KNOWN_STEP_TYPES = ['play_message', 'collect_digits', 'http_request', 'menu', 'queue_contact', 'end_flow'] as const;
export const END_REASONS = ['completed', 'error', 'abandoned', 'timeout'] as const;

/** Rank breaks ties between flow events with the same timestamp. */
export const FLOW_LIFECYCLE_RANK: Record<FlowEventType, number> = {
  'execution.started': 0,
  'step.executed': 1,
  'execution.ended': 2,
};

const common = {
  executionId: text(200).min(1).describe('Webex Connect flow transaction id'),
  timestamp: timestamp.describe('when it happened: ISO-8601 with zone or epoch milliseconds'),
  eventId: text(200).min(1).optional(),
  taskId: text(200).min(1).optional().describe('CCE task id, when the flow knows it'),
};

export const executionStartedSchema = z.looseObject({
  type: z.literal('execution.started'),
  ...common,
  flowId: text(200).optional(),
  flowName: text(200).optional(),
  flowVersionId: text(200).optional(),
  version: z.union([text(50), z.number()]).optional().describe('version label'),
  tag: text(100).optional(),
  entryPoint: text(200).optional(),
  from: text(320).optional(),
  to: text(320).optional(),
  channel: text(40).optional().describe('communication type: Email, Messaging, Phone, Task, Video...'),
  trigger: z.enum(['event', 'schedule']).optional(),
  variablesCategory: text(200).optional(),
  variablesSubCategory: text(200).optional(),
  data: z.unknown().optional(),
  startedAt: timestamp.optional(),
});

export const stepExecutedSchema = z.looseObject({
  type: z.literal('step.executed'),
  ...common,
  seq: z.number().int().min(0).max(1_000_000),
  nodeId: text(200).optional(),
  stepType: text(60).describe('play_message, collect_digits, http_request, menu, queue_contact, end_flow, or other text'),
  name: text(200).optional(),
  startedAt: timestamp.optional(),
  endedAt: timestamp.optional(),
  result: text(200).optional().describe('the edge taken'),
  httpStatus: z.number().int().min(100).max(599).optional(),
  httpMethod: text(10).optional(),
  url: text(2000).optional(),
  error: z.looseObject({ code: z.union([text(100), z.number()]).optional(), message: text(2000).optional() }).optional(),
  settings: z.unknown().optional(),
  valuesBefore: z.unknown().optional(),
  valuesAfter: z.unknown().optional(),
  details: z.unknown().optional(),
});

export const executionEndedSchema = z.looseObject({
  type: z.literal('execution.ended'),
  ...common,
  endedAt: timestamp.optional(),
  endReason: z.enum(END_REASONS).optional(),
  actionData: z.unknown().optional().describe('e.g. end, createInteraction'),
});

export const flowEventSchemas = {
  'execution.started': executionStartedSchema,
  'step.executed': stepExecutedSchema,
  'execution.ended': executionEndedSchema,
} as const;

export const flowEventSchema = z.discriminatedUnion('type', [executionStartedSchema, stepExecutedSchema, executionEndedSchema]);

export type ExecutionStarted = z.infer<typeof executionStartedSchema>;
export type StepExecuted = z.infer<typeof stepExecutedSchema>;
export type ExecutionEnded = z.infer<typeof executionEndedSchema>;
export type FlowEventBody = z.infer<typeof flowEventSchema>;

export const MAX_FLOW_BATCH = 500;
