import fc from 'fast-check';
import type { ExecutionEnded, ExecutionStarted, FlowEventBody, StepExecuted } from '@cxfold/contracts';
import { foldFlowExecution } from './fold-flow-execution';
import type { FlowEventEnvelope, FlowExecutionRecord, FlowStepRecord } from './types';

const EXEC = 'exec-1';
const F0 = Date.UTC(2024, 5, 10, 9, 0, 0);
const f = (ms: number) => F0 + ms;
const iso = (at: number) => new Date(at).toISOString();

let counter = 0;
function env(body: FlowEventBody, at: number, eventId?: string): FlowEventEnvelope {
  return { eventId: eventId ?? `fe-${++counter}`, at, body };
}
function started(at: number, extra: Partial<ExecutionStarted> = {}, eventId?: string): FlowEventEnvelope {
  return env({ type: 'execution.started', executionId: EXEC, timestamp: iso(at), ...extra } as ExecutionStarted, at, eventId);
}
function step(seq: number, at: number, extra: Partial<StepExecuted> = {}, eventId?: string): FlowEventEnvelope {
  return env({ type: 'step.executed', executionId: EXEC, timestamp: iso(at), seq, stepType: 'play_message', ...extra } as StepExecuted, at, eventId);
}
function ended(at: number, extra: Partial<ExecutionEnded> = {}, eventId?: string): FlowEventEnvelope {
  return env({ type: 'execution.ended', executionId: EXEC, timestamp: iso(at), ...extra } as ExecutionEnded, at, eventId);
}
function redeliver(e: FlowEventEnvelope, eventId: string): FlowEventEnvelope {
  return { ...e, eventId, body: structuredClone(e.body) };
}

function fullExecution(): FlowEventEnvelope[] {
  return [
    started(f(0), {
      flowId: 'flow-42',
      flowName: 'Live Chat Inbound',
      flowVersionId: 'fv-7',
      version: 7,
      tag: 'prod',
      from: 'chat-user-42',
      to: 'app-7',
      entryPoint: 'EP_Chat',
      channel: 'Messaging',
      trigger: 'event',
      variablesCategory: 'Support',
      variablesSubCategory: 'Refunds',
      data: { lang: 'en' },
    }),
    step(0, f(1_000), { stepType: 'Play Message', name: 'Welcome', nodeId: 'n1', startedAt: iso(f(500)), endedAt: iso(f(1_000)), result: 'onSuccess' }),
    step(1, f(3_000), {
      stepType: 'http-request',
      name: 'CRM lookup',
      nodeId: 'n2',
      startedAt: iso(f(1_000)),
      endedAt: f(2_250),
      httpStatus: 404,
      httpMethod: 'GET',
      url: 'https://crm.example.com/customers?phone=1',
      error: { code: 404, message: 'Not Found' },
      settings: { timeoutMs: 5000 },
      valuesBefore: { customerId: null },
      valuesAfter: { customerId: null },
      result: 'onError',
    }),
    step(2, f(4_000), { stepType: 'queue_contact', name: 'Queue to CCE', nodeId: 'n3' }),
    ended(f(5_000), { endReason: 'completed', endedAt: iso(f(5_500)), actionData: { action: 'createInteraction' }, taskId: 'task-1' }),
  ];
}

describe('foldFlowExecution', () => {
  it('throws on an empty event list', () => {
    expect(() => foldFlowExecution([])).toThrow(RangeError);
  });

  describe('started → steps → ended', () => {
    it('builds the full execution record', () => {
      const { execution } = foldFlowExecution(fullExecution());
      const expected: FlowExecutionRecord = {
        id: EXEC,
        interactionId: 'task-1',
        flowId: 'flow-42',
        flowName: 'Live Chat Inbound',
        flowVersionId: 'fv-7',
        version: '7',
        tag: 'prod',
        from: 'chat-user-42',
        to: 'app-7',
        entryPoint: 'EP_Chat',
        channel: 'Messaging',
        trigger: 'event',
        startedAt: f(0),
        startInferred: false,
        endedAt: f(5_500),
        durationMs: 5_500,
        status: 'completed',
        endReason: 'completed',
        lastStepName: 'Queue to CCE',
        lastStepType: 'queue_contact',
        currentStepName: null,
        currentStepType: null,
        currentStepNodeId: null,
        stepCount: 3,
        errorCount: 1,
        httpErrorCount: 1,
        variablesCategory: 'Support',
        variablesSubCategory: 'Refunds',
        data: { lang: 'en' },
        actionData: { action: 'createInteraction' },
        lastEventAt: f(5_000),
        eventCount: 5,
      };
      expect(execution).toEqual(expected);
    });

    it('builds one step record per seq with normalised types and durations', () => {
      const events = fullExecution();
      const { steps } = foldFlowExecution(events);
      const expected: FlowStepRecord[] = [
        {
          seq: 0,
          nodeId: 'n1',
          type: 'play_message',
          name: 'Welcome',
          startedAt: f(500),
          endedAt: f(1_000),
          durationMs: 500,
          result: 'onSuccess',
          httpStatus: null,
          httpMethod: null,
          url: null,
          errorCode: null,
          errorMessage: null,
          settings: null,
          valuesBefore: null,
          valuesAfter: null,
          raw: events[1]!.body,
        },
        {
          seq: 1,
          nodeId: 'n2',
          type: 'http_request',
          name: 'CRM lookup',
          startedAt: f(1_000),
          endedAt: f(2_250),
          durationMs: 1_250,
          result: 'onError',
          httpStatus: 404,
          httpMethod: 'GET',
          url: 'https://crm.example.com/customers?phone=1',
          errorCode: '404',
          errorMessage: 'Not Found',
          settings: { timeoutMs: 5000 },
          valuesBefore: { customerId: null },
          valuesAfter: { customerId: null },
          raw: events[2]!.body,
        },
        {
          seq: 2,
          nodeId: 'n3',
          type: 'queue_contact',
          name: 'Queue to CCE',
          // No startedAt/endedAt in the event: it started at the event time and has no duration.
          startedAt: f(4_000),
          endedAt: null,
          durationMs: null,
          result: null,
          httpStatus: null,
          httpMethod: null,
          url: null,
          errorCode: null,
          errorMessage: null,
          settings: null,
          valuesBefore: null,
          valuesAfter: null,
          raw: events[3]!.body,
        },
      ];
      expect(steps).toEqual(expected);
    });

    it.each([
      ['completed', 'completed'],
      ['error', 'failed'],
      ['timeout', 'failed'],
      ['abandoned', 'abandoned'],
    ] as const)('endReason %s gives status %s', (endReason, status) => {
      const { execution } = foldFlowExecution([started(f(0)), step(0, f(10)), ended(f(20), { endReason })]);
      expect(execution.status).toBe(status);
      expect(execution.endReason).toBe(endReason);
      expect(execution.endedAt).toBe(f(20));
      expect(execution.durationMs).toBe(20);
      expect(execution.currentStepName).toBeNull();
    });

    it('an end without endReason is completed', () => {
      const { execution } = foldFlowExecution([started(f(0)), ended(f(7))]);
      expect([execution.status, execution.endReason, execution.durationMs]).toEqual(['completed', 'completed', 7]);
    });

    it('takes startedAt from the started event, falling back to its timestamp (ISO with offset)', () => {
      const withField = foldFlowExecution([started(f(100), { startedAt: f(40) }), ended(f(1_040))]).execution;
      expect([withField.startedAt, withField.durationMs]).toEqual([f(40), 1_000]);
      const offset = env({ type: 'execution.started', executionId: EXEC, timestamp: '2024-06-10T11:00:00.250+02:00' }, f(250));
      expect(foldFlowExecution([offset]).execution.startedAt).toBe(f(250));
    });

    it('never reports a negative duration', () => {
      const { execution, steps } = foldFlowExecution([
        started(f(1_000)),
        step(0, f(1_100), { startedAt: f(1_100), endedAt: f(1_050) }),
        ended(f(1_200), { endedAt: f(900) }),
      ]);
      expect(execution.durationMs).toBe(0);
      expect(steps[0]!.durationMs).toBe(0);
    });

    it('does not mutate its input', () => {
      const events = fullExecution();
      const before = structuredClone(events);
      foldFlowExecution([...events].reverse());
      expect(events).toEqual(before);
    });
  });

  describe('out of order and missing start', () => {
    it('steps and the end arriving before the start give the same record', () => {
      const events = fullExecution();
      const expected = foldFlowExecution(events);
      const [s, a, b, c, e] = events as [FlowEventEnvelope, FlowEventEnvelope, FlowEventEnvelope, FlowEventEnvelope, FlowEventEnvelope];
      expect(foldFlowExecution([e, c, b, a, s])).toEqual(expected);
      expect(foldFlowExecution([b, e, a, s, c])).toEqual(expected);
    });

    it('infers the start from the earliest step when execution.started never arrived', () => {
      const { execution, steps } = foldFlowExecution([
        step(1, f(20_000), { name: 'Menu', stepType: 'menu' }),
        step(0, f(10_000), { name: 'Welcome', startedAt: iso(f(8_000)) }),
        ended(f(30_000), { endReason: 'abandoned' }),
      ]);
      expect(execution).toMatchObject({
        startInferred: true,
        startedAt: f(8_000),
        endedAt: f(30_000),
        durationMs: 22_000,
        status: 'abandoned',
        flowId: null,
        flowName: null,
        version: null,
        trigger: null,
        data: null,
        stepCount: 2,
        lastStepName: 'Menu',
        lastStepType: 'menu',
        eventCount: 3,
      });
      expect(steps.map((x) => x.seq)).toEqual([0, 1]);
    });

    it('an execution known only from its steps is active', () => {
      const { execution } = foldFlowExecution([step(0, f(5)), step(1, f(9), { name: 'Ask', stepType: 'collect_digits', nodeId: 'n9' })]);
      expect(execution).toMatchObject({
        startInferred: true,
        startedAt: f(5),
        endedAt: null,
        durationMs: null,
        status: 'active',
        endReason: null,
        currentStepName: 'Ask',
        currentStepType: 'collect_digits',
        currentStepNodeId: 'n9',
      });
    });
  });

  describe('current step', () => {
    it('is the highest seq while the execution is active', () => {
      const { execution } = foldFlowExecution([
        started(f(0)),
        step(2, f(30), { name: 'Queue', stepType: 'queue_contact', nodeId: 'n3' }),
        step(0, f(10), { name: 'Welcome', nodeId: 'n1' }),
        step(1, f(20), { name: 'Menu', stepType: 'menu', nodeId: 'n2' }),
      ]);
      expect([execution.currentStepName, execution.currentStepType, execution.currentStepNodeId]).toEqual(['Queue', 'queue_contact', 'n3']);
      expect([execution.lastStepName, execution.lastStepType]).toEqual(['Queue', 'queue_contact']);
      expect(execution.status).toBe('active');
    });

    it('is cleared once the execution ended, while the last step stays', () => {
      const { execution } = foldFlowExecution([started(f(0)), step(0, f(10), { name: 'Welcome', nodeId: 'n1' }), ended(f(20), { endReason: 'error' })]);
      expect([execution.currentStepName, execution.currentStepType, execution.currentStepNodeId]).toEqual([null, null, null]);
      expect([execution.lastStepName, execution.lastStepType]).toEqual(['Welcome', 'play_message']);
    });

    it('is null for an active execution without steps', () => {
      const { execution } = foldFlowExecution([started(f(0))]);
      expect(execution).toMatchObject({ status: 'active', stepCount: 0, currentStepName: null, lastStepName: null, durationMs: null });
    });
  });

  describe('duplicates', () => {
    it('the same eventId twice counts once', () => {
      const events = fullExecution();
      expect(foldFlowExecution([...events, ...events])).toEqual(foldFlowExecution(events));
    });

    it('the same step under a new eventId (batch re-sent with a new webhook-id) counts once', () => {
      const events = fullExecution();
      const resent = events.map((e, i) => redeliver(e, `resent-${i}`));
      const folded = foldFlowExecution([...events, ...resent]);
      expect(folded).toEqual(foldFlowExecution(events));
      expect(folded.execution.eventCount).toBe(5);
      expect(folded.execution.stepCount).toBe(3);
    });

    it('keeps the first delivery of a seq in event-time order, whatever the arrival order', () => {
      const first = step(1, f(20), { name: 'CRM lookup', stepType: 'http_request', httpStatus: 200, result: 'onSuccess' });
      const retry = step(1, f(25), { name: 'CRM lookup', stepType: 'http_request', httpStatus: 500, result: 'onError' });
      const base = [started(f(0)), step(0, f(10))];
      for (const order of [
        [...base, first, retry],
        [retry, ...base, first],
      ]) {
        const { execution, steps } = foldFlowExecution(order);
        expect(steps.map((x) => [x.seq, x.httpStatus, x.result])).toEqual([
          [0, null, null],
          [1, 200, 'onSuccess'],
        ]);
        expect(execution.stepCount).toBe(2);
        expect(execution.httpErrorCount).toBe(0);
        expect(execution.lastEventAt).toBe(f(25));
      }
    });

    it('uses the first start and the first end in event-time order', () => {
      const { execution } = foldFlowExecution([
        started(f(5), { flowName: 'Second' }),
        started(f(0), { flowName: 'First' }),
        ended(f(90), { endReason: 'timeout' }),
        ended(f(60), { endReason: 'completed' }),
      ]);
      expect([execution.flowName, execution.startedAt, execution.endedAt, execution.status]).toEqual(['First', f(0), f(60), 'completed']);
    });
  });

  describe('error counts', () => {
    it('counts HTTP statuses of 400 and above and steps carrying an error code or message', () => {
      const { execution } = foldFlowExecution([
        started(f(0)),
        step(0, f(1), { stepType: 'http_request', httpStatus: 200 }),
        step(1, f(2), { stepType: 'http_request', httpStatus: 301 }),
        step(2, f(3), { stepType: 'http_request', httpStatus: 399 }),
        step(3, f(4), { stepType: 'http_request', httpStatus: 400 }),
        step(4, f(5), { stepType: 'http_request', httpStatus: 503, error: { message: 'upstream down' } }),
        step(5, f(6), { stepType: 'menu', error: { code: 'NO_MATCH' } }),
        step(6, f(7), { stepType: 'menu', error: {} }),
        step(7, f(8), { stepType: 'collect_digits', error: { code: 0 } }),
      ]);
      expect(execution.httpErrorCount).toBe(2);
      expect(execution.errorCount).toBe(3);
      expect(execution.stepCount).toBe(8);
    });

    it('are zero without failing steps', () => {
      const { execution } = foldFlowExecution([started(f(0)), step(0, f(1), { httpStatus: 204 })]);
      expect([execution.errorCount, execution.httpErrorCount]).toEqual([0, 0]);
    });
  });

  describe('interactionId', () => {
    it('comes from the taskId of the earliest event that carries one', () => {
      const { execution } = foldFlowExecution([
        started(f(0)),
        step(0, f(10), { taskId: 'task-9' }),
        step(1, f(5), { taskId: 'task-8' }),
        ended(f(20), { taskId: 'task-7' }),
      ]);
      expect(execution.interactionId).toBe('task-8');
    });

    it('is null when no event names a task', () => {
      expect(foldFlowExecution([started(f(0)), step(0, f(1))]).execution.interactionId).toBeNull();
    });
  });

  describe('property: any arrival order, any duplication', () => {
    const stepArb = fc.record({
      stepType: fc.constantFrom('play_message', 'collect_digits', 'HTTP Request', 'menu', 'queue_contact', 'end_flow', 'custom-node'),
      name: fc.option(fc.constantFrom('Welcome', 'Menu', 'Lookup', 'Queue'), { nil: undefined }),
      httpStatus: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
      error: fc.option(fc.record({ code: fc.option(fc.constantFrom('E1', 500), { nil: undefined }) }), { nil: undefined }),
      explicitTimes: fc.boolean(),
      duration: fc.integer({ min: 0, max: 5_000 }),
      taskId: fc.option(fc.constantFrom('task-1', 'task-2'), { nil: undefined }),
    });
    const scenarioArb = fc.record({
      start: fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2026, 0, 1) }),
      withStart: fc.boolean(),
      startTaskId: fc.option(fc.constant('task-1'), { nil: undefined }),
      steps: fc.array(stepArb, { maxLength: 6 }),
      retriedSeq: fc.option(fc.nat(), { nil: undefined }),
      end: fc.option(fc.record({ endReason: fc.option(fc.constantFrom('completed', 'error', 'abandoned', 'timeout'), { nil: undefined }) }), { nil: undefined }),
      gaps: fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 60_000 }), weight: 5 }), {
        minLength: 12,
        maxLength: 12,
      }),
    });
    type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

    function build(sc: Scenario): FlowEventEnvelope[] {
      const events: FlowEventEnvelope[] = [];
      let t = sc.start;
      const next = () => (t += sc.gaps[events.length % sc.gaps.length]!);
      if (sc.withStart || (sc.steps.length === 0 && !sc.end)) {
        events.push(started(next(), { flowName: 'Flow', ...(sc.startTaskId ? { taskId: sc.startTaskId } : {}) }, `p-${events.length}`));
      }
      sc.steps.forEach((st, seq) => {
        const at = next();
        const { explicitTimes, duration, ...fields } = st;
        const times = explicitTimes ? { startedAt: iso(at - duration), endedAt: at } : {};
        const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
        events.push(step(seq, at, { ...clean, ...times }, `p-${events.length}`));
      });
      if (sc.retriedSeq !== undefined && sc.steps.length) {
        // A genuine retry of an earlier step, later in time: the earlier delivery must win.
        events.push(step(sc.retriedSeq % sc.steps.length, next() + 1, { stepType: 'menu', name: 'Retry', httpStatus: 500 }, `p-${events.length}`));
      }
      if (sc.end) events.push(ended(next(), sc.end.endReason ? { endReason: sc.end.endReason } : {}, `p-${events.length}`));
      return events;
    }

    const caseArb = scenarioArb.chain((sc) => {
      const events = build(sc);
      return fc.record({
        sc: fc.constant(sc),
        events: fc.constant(events),
        permuted: fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        dups: fc.array(fc.record({ index: fc.nat(), newId: fc.boolean(), position: fc.nat() }), { maxLength: 8 }),
      });
    });

    it('folds a permuted, duplicated delivery to the same record as the original list', () => {
      fc.assert(
        fc.property(caseArb, ({ sc, events, permuted, dups }) => {
          const delivered = [...permuted];
          dups.forEach((d, k) => {
            const src = events[d.index % events.length]!;
            const copy = d.newId ? redeliver(src, `${src.eventId}-again-${k}`) : { ...src, body: structuredClone(src.body) };
            delivered.splice(d.position % (delivered.length + 1), 0, copy);
          });
          const expected = foldFlowExecution(events);
          expect(foldFlowExecution(delivered)).toEqual(expected);

          const { execution, steps } = expected;
          expect(steps.map((x) => x.seq)).toEqual(sc.steps.map((_, i) => i));
          expect(execution.stepCount).toBe(sc.steps.length);
          expect(execution.eventCount).toBe(events.length);
          expect(execution.startInferred).toBe(!events.some((e) => e.body.type === 'execution.started'));
          expect(execution.status === 'active').toBe(!sc.end);
          if (execution.status !== 'active') expect(execution.currentStepName).toBeNull();
          expect(steps.some((x) => x.name === 'Retry')).toBe(false);
          expect(execution.httpErrorCount).toBe(sc.steps.filter((x) => x.httpStatus !== undefined && x.httpStatus >= 400).length);
          expect(execution.errorCount).toBe(sc.steps.filter((x) => x.error?.code !== undefined).length);
          if (execution.durationMs !== null) expect(execution.durationMs).toBeGreaterThanOrEqual(0);
        }),
        { numRuns: 200 },
      );
    });
  });
});
