import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { checkTimestamp } from './timestamps';
import {
  taskEventSchema,
  parseTaskEventType,
  CALL_VARIABLE,
  CALL_VARIABLE_MAX_BYTES,
  ECC_VARIABLE_MAX_BYTES,
  type TaskEventBody,
  type TaskEventType,
} from './task-events';
import { flowEventSchemas, FLOW_EVENT_TYPES, MAX_FLOW_BATCH, type FlowEventBody, type FlowEventType } from './flow-events';
import { escapePointer, type ParsedBody } from './safe-json';

export interface FieldError {
  /** JSON Pointer into the request body, e.g. "/queue/id" or "/3/seq" in a batch. */
  path: string;
  message: string;
}
export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * Validates a parsed body by what its sender wrote. A body whose long integers parseJsonBody
 * kept as digit strings must pass twice: with them as the numbers they were sent as (so a field
 * that wants a string refuses a long number, as it refuses a short one, and a field that wants a
 * number checks its range), and as stored (a long number in a field of limited length). Errors
 * of the first check come first: they speak of the value as sent. The result holds the stored form.
 */
export function validateAsSent<T>(parsed: ParsedBody, validate: (body: unknown) => Validation<T>): Validation<T> {
  if (!('asNumbers' in parsed)) return validate(parsed.value);
  const asSent = validate(parsed.asNumbers);
  return asSent.ok ? validate(parsed.value) : asSent;
}

/** JSON Schemas published to senders; generated from the zod schemas so they cannot drift. */
export const jsonSchemas = {
  taskEvent: z.toJSONSchema(taskEventSchema, { target: 'draft-7', io: 'input' }),
  'flowEvent.execution.started': z.toJSONSchema(flowEventSchemas['execution.started'], { target: 'draft-7', io: 'input' }),
  'flowEvent.step.executed': z.toJSONSchema(flowEventSchemas['step.executed'], { target: 'draft-7', io: 'input' }),
  'flowEvent.execution.ended': z.toJSONSchema(flowEventSchemas['execution.ended'], { target: 'draft-7', io: 'input' }),
};

// Compiled once at module load: the hot path only calls the generated functions.
const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
const validateTaskShape = ajv.compile(jsonSchemas.taskEvent);
const validateFlowShape: Record<FlowEventType, ValidateFunction> = {
  'execution.started': ajv.compile(jsonSchemas['flowEvent.execution.started']),
  'step.executed': ajv.compile(jsonSchemas['flowEvent.step.executed']),
  'execution.ended': ajv.compile(jsonSchemas['flowEvent.execution.ended']),
};

function ajvErrors(errors: ErrorObject[] | null | undefined, prefix: string): FieldError[] {
  return (errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? `/${escapePointer(String(e.params.missingProperty))}` : '';
    return { path: `${prefix}${e.instancePath}${missing}` || '/', message: e.message ?? 'is invalid' };
  });
}

/** Union branches report one error per branch; keep one line per path. */
function dedupeByPath(errors: FieldError[]): FieldError[] {
  const seen = new Map<string, FieldError>();
  for (const e of errors) if (!seen.has(e.path)) seen.set(e.path, e);
  return [...seen.values()];
}

export interface ValidTaskEvent {
  type: TaskEventType;
  body: TaskEventBody;
}

/**
 * Validates one task event. `pathType` is the event named in the URL; without it
 * the body's `eventType` decides.
 */
/** `stored`: re-checking a stored event, which must keep folding as it did when it arrived. */
export interface ValidateOptions {
  stored?: boolean;
}

export function validateTaskEvent(body: unknown, pathType: TaskEventType | null, nowMs = Date.now(), opts: ValidateOptions = {}): Validation<ValidTaskEvent> {
  const errors: FieldError[] = [];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, errors: [{ path: '/', message: 'must be a JSON object' }] };
  }
  if (!validateTaskShape(body)) errors.push(...ajvErrors(validateTaskShape.errors, ''));
  const record = body as Record<string, unknown>;
  const bodyType = record.eventType === undefined ? null : parseTaskEventType(record.eventType);
  if (record.eventType !== undefined && bodyType === null) {
    errors.push({ path: '/eventType', message: 'must be one of CREATED, QUEUED, ROUTED, TRANSFERRED, CLOSED' });
  } else if (pathType && bodyType && bodyType !== pathType) {
    errors.push({ path: '/eventType', message: `contradicts the event in the URL (${pathType})` });
  } else if (!pathType && !bodyType) {
    errors.push({ path: '/eventType', message: 'is required when the URL names no event' });
  }
  if (record.timestamp !== undefined) {
    const why = checkTimestamp(record.timestamp, nowMs, { calendar: !opts.stored });
    if (why) errors.push({ path: '/timestamp', message: why });
  }
  errors.push(...checkVariables(record.variables));
  if (errors.length) return { ok: false, errors: dedupeByPath(errors) };
  return { ok: true, value: { type: (pathType ?? bodyType) as TaskEventType, body: body as TaskEventBody } };
}

function checkVariables(variables: unknown): FieldError[] {
  if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) return [];
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(variables)) {
    const path = `/variables/${escapePointer(name)}`;
    if (name.startsWith('cv_')) {
      if (!CALL_VARIABLE.test(name)) errors.push({ path, message: 'call variables are cv_1 to cv_10' });
      else if (typeof value === 'string' && Buffer.byteLength(value) > CALL_VARIABLE_MAX_BYTES) {
        errors.push({ path, message: `call variables hold at most ${CALL_VARIABLE_MAX_BYTES} bytes` });
      }
    } else if (name.startsWith('user_') && typeof value === 'string' && Buffer.byteLength(value) > ECC_VARIABLE_MAX_BYTES) {
      errors.push({ path, message: `ECC variables hold at most ${ECC_VARIABLE_MAX_BYTES} bytes` });
    }
  }
  return errors;
}

const FLOW_TIMESTAMP_FIELDS = ['timestamp', 'startedAt', 'endedAt'] as const;

function validateOneFlowEvent(item: unknown, prefix: string, nowMs: number, opts: ValidateOptions): FieldError[] {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return [{ path: prefix || '/', message: 'must be a JSON object' }];
  const record = item as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !(FLOW_EVENT_TYPES as readonly string[]).includes(type)) {
    return [{ path: `${prefix}/type`, message: `must be one of ${FLOW_EVENT_TYPES.join(', ')}` }];
  }
  const validate = validateFlowShape[type as FlowEventType];
  const errors = validate(item) ? [] : ajvErrors(validate.errors, prefix);
  for (const field of FLOW_TIMESTAMP_FIELDS) {
    if (record[field] === undefined) continue;
    const why = checkTimestamp(record[field], nowMs, { calendar: !opts.stored });
    if (why) errors.push({ path: `${prefix}/${field}`, message: why });
  }
  return errors;
}

export interface ValidFlowEvents {
  batch: boolean;
  events: FlowEventBody[];
}

/** One flow event or a batch (array) of up to 500; a batch with any invalid item fails whole. */
export function validateFlowEvents(body: unknown, nowMs = Date.now(), opts: ValidateOptions = {}): Validation<ValidFlowEvents> {
  if (Array.isArray(body)) {
    if (body.length === 0) return { ok: false, errors: [{ path: '/', message: 'batch is empty' }] };
    if (body.length > MAX_FLOW_BATCH) return { ok: false, errors: [{ path: '/', message: `batch holds at most ${MAX_FLOW_BATCH} events` }] };
    const errors = body.flatMap((item, i) => validateOneFlowEvent(item, `/${i}`, nowMs, opts));
    if (errors.length) return { ok: false, errors: dedupeByPath(errors) };
    return { ok: true, value: { batch: true, events: body as FlowEventBody[] } };
  }
  const errors = validateOneFlowEvent(body, '', nowMs, opts);
  if (errors.length) return { ok: false, errors: dedupeByPath(errors) };
  return { ok: true, value: { batch: false, events: [body as FlowEventBody] } };
}
