import { validateFlowEvents, validateTaskEvent, type FieldError, type Validation } from './validate';
import { MAX_FLOW_BATCH } from './flow-events';

const NOW = Date.UTC(2024, 5, 10, 12, 0, 0);
const DAY = 24 * 60 * 60 * 1000;

function task(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { taskId: 'task-1', timestamp: '2024-06-10T11:59:00.000Z', ...extra };
}
function errorsOf<T>(v: Validation<T>): FieldError[] {
  if (v.ok) throw new Error(`expected a validation failure, got ${JSON.stringify(v.value)}`);
  return v.errors;
}
const paths = <T>(v: Validation<T>) => errorsOf(v).map((e) => e.path);

describe('validateTaskEvent', () => {
  it('accepts a minimal event, taking the type from the URL', () => {
    const body = task();
    expect(validateTaskEvent(body, 'QUEUED', NOW)).toEqual({ ok: true, value: { type: 'QUEUED', body } });
  });

  it('takes the type from the body (any case) when the URL names none', () => {
    const body = task({ eventType: 'routed', timestamp: NOW - 1_000 });
    expect(validateTaskEvent(body, null, NOW)).toEqual({ ok: true, value: { type: 'ROUTED', body } });
  });

  it('accepts a body type that agrees with the URL', () => {
    const v = validateTaskEvent(task({ eventType: 'Closed' }), 'CLOSED', NOW);
    expect(v.ok && v.value.type).toBe('CLOSED');
  });

  it('keeps unknown fields', () => {
    const body = task({ eventType: 'CREATED', crmCaseId: 'CASE-9', extra: { nested: [1, 2] }, queue: { id: 'Q1', skill: 'billing' } });
    const v = validateTaskEvent(body, null, NOW);
    expect(v).toEqual({ ok: true, value: { type: 'CREATED', body } });
    expect(v.ok && v.value.body).toMatchObject({ crmCaseId: 'CASE-9', extra: { nested: [1, 2] }, queue: { id: 'Q1', skill: 'billing' } });
  });

  it('accepts a full, realistic CLOSED event', () => {
    const body = task({
      eventType: 'CLOSED',
      eventId: 'evt-1',
      mediaType: 'chat',
      destination: 'app-7',
      origin: 'chat-user-42',
      customerName: 'Jane Doe',
      direction: 'inbound',
      queue: { id: 'Q1', name: 'Sales' },
      agent: { id: 'A1', name: 'Alice' },
      ewt: -1,
      dispositionCode: 21,
      dispositionName: 'Resolved',
      reason: 'agent',
      variables: { cv_1: 'x'.repeat(40), cv_10: 7, user_DR_CustomerName: 'Jane', ChatThreadID: 'thread-9', flag: true, empty: null },
    });
    expect(validateTaskEvent(body, null, NOW).ok).toBe(true);
  });

  it('reports missing taskId and timestamp', () => {
    expect(errorsOf(validateTaskEvent({ eventType: 'CREATED' }, null, NOW))).toEqual([
      { path: '/taskId', message: "must have required property 'taskId'" },
      { path: '/timestamp', message: "must have required property 'timestamp'" },
    ]);
  });

  it('rejects a non-object body', () => {
    for (const body of [null, [], 'CREATED', 42]) {
      expect(errorsOf(validateTaskEvent(body, 'CREATED', NOW))).toEqual([{ path: '/', message: 'must be a JSON object' }]);
    }
  });

  it('rejects an unknown eventType', () => {
    expect(errorsOf(validateTaskEvent(task({ eventType: 'OPENED' }), null, NOW))).toEqual([
      { path: '/eventType', message: 'must be one of CREATED, QUEUED, ROUTED, TRANSFERRED, CLOSED' },
    ]);
  });

  it('requires an eventType when the URL names no event', () => {
    expect(errorsOf(validateTaskEvent(task(), null, NOW))).toEqual([{ path: '/eventType', message: 'is required when the URL names no event' }]);
  });

  it('rejects a body type that contradicts the URL', () => {
    expect(errorsOf(validateTaskEvent(task({ eventType: 'closed' }), 'QUEUED', NOW))).toEqual([
      { path: '/eventType', message: 'contradicts the event in the URL (QUEUED)' },
    ]);
  });

  describe('timestamps', () => {
    it('accepts up to 24 hours in the future and rejects beyond', () => {
      expect(validateTaskEvent(task({ timestamp: NOW + DAY }), 'CREATED', NOW).ok).toBe(true);
      expect(errorsOf(validateTaskEvent(task({ timestamp: NOW + DAY + 1 }), 'CREATED', NOW))).toEqual([
        { path: '/timestamp', message: 'is more than 24 hours in the future' },
      ]);
      expect(errorsOf(validateTaskEvent(task({ timestamp: '2999-01-01T00:00:00Z' }), 'CREATED', NOW))).toEqual([
        { path: '/timestamp', message: 'is more than 24 hours in the future' },
      ]);
    });

    it('accepts 2000-01-01 and rejects anything earlier', () => {
      expect(validateTaskEvent(task({ timestamp: '2000-01-01T00:00:00Z' }), 'CREATED', NOW).ok).toBe(true);
      expect(errorsOf(validateTaskEvent(task({ timestamp: '1999-12-31T23:59:59.999Z' }), 'CREATED', NOW))).toEqual([
        { path: '/timestamp', message: 'is before 2000-01-01' },
      ]);
      expect(errorsOf(validateTaskEvent(task({ timestamp: 0 }), 'CREATED', NOW))).toEqual([{ path: '/timestamp', message: 'is before 2000-01-01' }]);
    });

    it('rejects ISO strings without a zone and non-integer epochs', () => {
      expect(errorsOf(validateTaskEvent(task({ timestamp: '2024-06-10T11:59:00' }), 'CREATED', NOW))).toEqual([
        { path: '/timestamp', message: 'must be an ISO-8601 date-time with zone or epoch milliseconds' },
      ]);
      expect(paths(validateTaskEvent(task({ timestamp: 1718020000000.5 }), 'CREATED', NOW))).toEqual(['/timestamp']);
    });
  });

  describe('variables', () => {
    it('rejects call variables beyond cv_10', () => {
      expect(errorsOf(validateTaskEvent(task({ variables: { cv_10: 'ok', cv_11: 'x', cv_0: 'y' } }), 'CREATED', NOW))).toEqual([
        { path: '/variables/cv_11', message: 'call variables are cv_1 to cv_10' },
        { path: '/variables/cv_0', message: 'call variables are cv_1 to cv_10' },
      ]);
    });

    it('limits call variables to 40 bytes, counting UTF-8 bytes not characters', () => {
      expect(validateTaskEvent(task({ variables: { cv_1: 'é'.repeat(20) } }), 'CREATED', NOW).ok).toBe(true);
      expect(validateTaskEvent(task({ variables: { cv_1: 'a'.repeat(40) } }), 'CREATED', NOW).ok).toBe(true);
      // 21 characters, 42 bytes.
      expect(errorsOf(validateTaskEvent(task({ variables: { cv_1: 'é'.repeat(21) } }), 'CREATED', NOW))).toEqual([
        { path: '/variables/cv_1', message: 'call variables hold at most 40 bytes' },
      ]);
      // 13 characters, 39 bytes, then 14 characters, 42 bytes; an emoji is 4 bytes in 2 UTF-16 units.
      expect(validateTaskEvent(task({ variables: { cv_2: '€'.repeat(13) } }), 'CREATED', NOW).ok).toBe(true);
      expect(paths(validateTaskEvent(task({ variables: { cv_2: '€'.repeat(14) } }), 'CREATED', NOW))).toEqual(['/variables/cv_2']);
      expect(paths(validateTaskEvent(task({ variables: { cv_3: '😀'.repeat(10) + 'a' } }), 'CREATED', NOW))).toEqual(['/variables/cv_3']);
    });

    it('limits ECC variables to 210 bytes', () => {
      expect(validateTaskEvent(task({ variables: { user_note: 'ü'.repeat(105) } }), 'CREATED', NOW).ok).toBe(true);
      expect(errorsOf(validateTaskEvent(task({ variables: { user_note: 'ü'.repeat(106) } }), 'CREATED', NOW))).toEqual([
        { path: '/variables/user_note', message: 'ECC variables hold at most 210 bytes' },
      ]);
    });

    it('does not limit extension variables to the ECC size', () => {
      expect(validateTaskEvent(task({ variables: { EmailSubject: 'ü'.repeat(500) } }), 'CREATED', NOW).ok).toBe(true);
    });

    it('escapes variable names in the JSON pointer', () => {
      expect(paths(validateTaskEvent(task({ variables: { 'cv_1/x~y': 'v' } }), 'CREATED', NOW))).toEqual(['/variables/cv_1~1x~0y']);
    });
  });

  it('lists every failing path once', () => {
    const body = {
      taskId: 5,
      timestamp: '2024-06-10T11:59:00',
      eventType: 'OPENED',
      direction: 'sideways',
      ewt: -2,
      queue: {},
      agent: { id: '' },
      variables: { cv_11: 'x', cv_1: 'é'.repeat(21), user_big: 'x'.repeat(211), Other: 'fine' },
    };
    expect(paths(validateTaskEvent(body, null, NOW)).sort()).toEqual(
      [
        '/taskId',
        '/direction',
        '/ewt',
        '/queue/id',
        '/agent/id',
        '/eventType',
        '/timestamp',
        '/variables/cv_11',
        '/variables/cv_1',
        '/variables/user_big',
      ].sort(),
    );
  });
});

describe('validateFlowEvents', () => {
  const startedEvent = { type: 'execution.started', executionId: 'exec-1', timestamp: NOW - 5_000, flowName: 'Inbound' };
  const stepEvent = (seq: number) => ({ type: 'step.executed', executionId: 'exec-1', timestamp: NOW - 4_000 + seq, seq, stepType: 'menu' });
  const endedEvent = { type: 'execution.ended', executionId: 'exec-1', timestamp: '2024-06-10T11:59:59Z', endReason: 'completed' };

  it('accepts a single event', () => {
    expect(validateFlowEvents(startedEvent, NOW)).toEqual({ ok: true, value: { batch: false, events: [startedEvent] } });
  });

  it('accepts a batch and keeps unknown fields', () => {
    const batch = [startedEvent, { ...stepEvent(0), custom: { a: 1 } }, endedEvent];
    expect(validateFlowEvents(batch, NOW)).toEqual({ ok: true, value: { batch: true, events: batch } });
  });

  it('fails a whole batch on one invalid item, pointing into the item', () => {
    const bad = { type: 'step.executed', executionId: 'exec-1', timestamp: NOW, stepType: 'menu' };
    expect(errorsOf(validateFlowEvents([startedEvent, stepEvent(0), bad], NOW))).toEqual([
      { path: '/2/seq', message: "must have required property 'seq'" },
    ]);
  });

  it('lists errors of several items', () => {
    const batch = [{ ...stepEvent(1), httpStatus: 700 }, 5, { ...endedEvent, endReason: 'done', endedAt: NOW + 2 * DAY }, { ...stepEvent(2), seq: -1 }];
    expect(paths(validateFlowEvents(batch, NOW))).toEqual(['/0/httpStatus', '/1', '/2/endReason', '/2/endedAt', '/3/seq']);
  });

  it('checks startedAt and endedAt against the clock too', () => {
    expect(errorsOf(validateFlowEvents({ ...startedEvent, startedAt: '1999-01-01T00:00:00Z' }, NOW))).toEqual([
      { path: '/startedAt', message: 'is before 2000-01-01' },
    ]);
  });

  it('reports a missing executionId on a single event without an index', () => {
    const { executionId: _, ...noId } = startedEvent;
    expect(errorsOf(validateFlowEvents(noId, NOW))).toEqual([{ path: '/executionId', message: "must have required property 'executionId'" }]);
  });

  it('rejects an unknown type', () => {
    expect(errorsOf(validateFlowEvents({ ...startedEvent, type: 'execution.paused' }, NOW))).toEqual([
      { path: '/type', message: 'must be one of execution.started, step.executed, execution.ended' },
    ]);
    expect(paths(validateFlowEvents([startedEvent, { ...startedEvent, type: undefined }], NOW))).toEqual(['/1/type']);
  });

  it(`accepts ${MAX_FLOW_BATCH} events and rejects more`, () => {
    const full = Array.from({ length: MAX_FLOW_BATCH }, (_, i) => stepEvent(i));
    const v = validateFlowEvents(full, NOW);
    expect(v.ok && v.value.events.length).toBe(MAX_FLOW_BATCH);
    expect(errorsOf(validateFlowEvents([...full, stepEvent(MAX_FLOW_BATCH)], NOW))).toEqual([{ path: '/', message: 'batch holds at most 500 events' }]);
  });

  it('rejects an empty batch and non-object bodies', () => {
    expect(errorsOf(validateFlowEvents([], NOW))).toEqual([{ path: '/', message: 'batch is empty' }]);
    expect(errorsOf(validateFlowEvents('hello', NOW))).toEqual([{ path: '/', message: 'must be a JSON object' }]);
    expect(errorsOf(validateFlowEvents(null, NOW))).toEqual([{ path: '/', message: 'must be a JSON object' }]);
  });
});
