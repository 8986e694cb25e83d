import fc from 'fast-check';
import type { TaskEventBody, TaskEventType } from '@cxfold/contracts';
import { foldInteraction } from './fold-interaction';
import { MAX_CHAIN_SECOND_EVENTS, taskEventsInFoldOrder } from './causal-order';
import type { InteractionRecord, SegmentRecord, TaskEventEnvelope } from './types';

const TASK = 'task-1';
const T0 = Date.UTC(2024, 5, 10, 9, 0, 0);
const s = (seconds: number) => T0 + seconds * 1000;

type BodyExtras = Partial<Omit<TaskEventBody, 'taskId' | 'timestamp'>> & { taskId?: string };

let counter = 0;
/** One stored task event; the body always carries taskId and timestamp like a validated callback. */
function ev(type: TaskEventType, at: number, extra: BodyExtras = {}, eventId?: string): TaskEventEnvelope {
  const { taskId = TASK, ...rest } = extra;
  return {
    eventId: eventId ?? `ev-${++counter}`,
    type,
    at,
    body: { taskId, timestamp: new Date(at).toISOString(), eventType: type, ...rest } as TaskEventBody,
  };
}

function redeliver(e: TaskEventEnvelope, eventId: string): TaskEventEnvelope {
  return { ...e, eventId, body: structuredClone(e.body) };
}

const SALES = { id: 'Q1', name: 'Sales' };
const BILLING = { id: 'Q2', name: 'Billing' };
const ALICE = { id: 'A1', name: 'Alice' };
const BOB = { id: 'A2', name: 'Bob' };

function leg(partial: Partial<SegmentRecord> & Pick<SegmentRecord, 'number' | 'type' | 'startType' | 'startedAt'>): SegmentRecord {
  const endedAt = partial.endedAt ?? null;
  return {
    endType: null,
    queueId: null,
    queueName: null,
    agentId: null,
    agentName: null,
    endedAt,
    durationMs: endedAt === null ? null : endedAt - partial.startedAt,
    cancelled: false,
    ...partial,
  };
}

function happyPath(): TaskEventEnvelope[] {
  return [
    ev('CREATED', s(0), {
      mediaType: 'Chat',
      origin: 'chat-user-42',
      destination: 'app-7',
      customerName: 'Jane Doe',
      scriptSelector: 'Support_Chat',
      direction: 'inbound',
      text: 'Hello, I was charged twice for my last order and would like a refund of the second charge please.',
    }),
    // The first QUEUED is fired before the CCE script runs: no EWT (-1) and no queue yet.
    ev('QUEUED', s(30), { ewt: -1 }),
    ev('QUEUED', s(35), { ewt: 120, queue: SALES }),
    ev('ROUTED', s(95), { agent: ALICE }),
    ev('CLOSED', s(395), { reason: 'agent', dispositionCode: 21, dispositionName: 'Resolved' }),
  ];
}

describe('foldInteraction', () => {
  it('throws on an empty event list', () => {
    expect(() => foldInteraction([])).toThrow(RangeError);
  });

  describe('happy path CREATED → QUEUED(-1) → QUEUED(120) → ROUTED → CLOSED', () => {
    it('builds the full interaction record', () => {
      const { interaction } = foldInteraction(happyPath());
      const expected: InteractionRecord = {
        id: TASK,
        channel: 'chat',
        direction: 'inbound',
        origin: 'chat-user-42',
        destination: 'app-7',
        customerName: 'Jane Doe',
        scriptSelector: 'Support_Chat',
        status: 'closed',
        createdAt: s(0),
        createdInferred: false,
        firstQueuedAt: s(30),
        firstRoutedAt: s(95),
        closedAt: s(395),
        lastQueueId: 'Q1',
        lastQueueName: 'Sales',
        lastAgentId: 'A1',
        lastAgentName: 'Alice',
        dispositionCode: '21',
        dispositionName: 'Resolved',
        closeReason: 'agent',
        abandoned: false,
        transferCount: 0,
        totalMs: 395_000,
        selfServiceMs: 30_000,
        queueMs: 65_000,
        handleMs: 300_000,
        ewtFirst: 120,
        ewtLast: 120,
        callVariables: {},
        eccVariables: {},
        extensionVariables: {},
        conversationId: null,
        chatThreadId: null,
        textPreview: 'Hello, I was charged twice for my last order and would like a refund of the seco',
        lastEventAt: s(395),
        eventCount: 5,
      };
      expect(interaction).toEqual(expected);
      expect(interaction.textPreview).toHaveLength(80);
    });

    it('text preview: 80 characters as a reader counts them, never half an emoji', () => {
      const preview = (text: string) => foldInteraction([ev('CREATED', s(0), { text })]).interaction.textPreview;
      expect(preview('a'.repeat(79) + '😀 and more')).toBe('a'.repeat(79) + '😀');
      // A family emoji (four people joined by zero-width joiners) is one character.
      expect(preview('👨‍👩‍👧‍👦'.repeat(81))).toBe('👨‍👩‍👧‍👦'.repeat(80));
      expect(preview('short')).toBe('short');
      // One cluster can be any length: the preview stays a preview.
      expect(preview('a' + '\u0301'.repeat(200_000))!.length).toBeLessThanOrEqual(80 * 16);
    });

    it('builds a queue leg (queued → routed) and an agent leg (routed → closed)', () => {
      const { segments } = foldInteraction(happyPath());
      expect(segments).toEqual([
        leg({ number: 0, type: 'queue', startType: 'queued', endType: 'routed', queueId: 'Q1', queueName: 'Sales', startedAt: s(30), endedAt: s(95) }),
        leg({
          number: 1,
          type: 'agent',
          startType: 'routed',
          endType: 'closed',
          queueId: 'Q1',
          queueName: 'Sales',
          agentId: 'A1',
          agentName: 'Alice',
          startedAt: s(95),
          endedAt: s(395),
        }),
      ]);
      expect(segments.map((x) => x.durationMs)).toEqual([65_000, 300_000]);
    });

    it('reports the status of an unfinished interaction at each step', () => {
      const events = happyPath();
      const statusAfter = (n: number) => foldInteraction(events.slice(0, n)).interaction.status;
      expect([1, 2, 3, 4, 5].map(statusAfter)).toEqual(['new', 'queued', 'queued', 'active', 'closed']);
    });

    it('leaves the agent leg open and the totals partial while the task is active', () => {
      const { interaction, segments } = foldInteraction(happyPath().slice(0, 4));
      expect(interaction.closedAt).toBeNull();
      expect(interaction.totalMs).toBeNull();
      expect(interaction.queueMs).toBe(65_000);
      expect(interaction.handleMs).toBe(0);
      expect(interaction.lastEventAt).toBe(s(95));
      expect(segments.map((x) => [x.type, x.startType, x.endType, x.endedAt, x.durationMs])).toEqual([
        ['queue', 'queued', 'routed', s(95), 65_000],
        ['agent', 'routed', null, null, null],
      ]);
    });

    it('does not mutate its input', () => {
      const events = happyPath();
      const before = structuredClone(events);
      foldInteraction(events);
      expect(events).toEqual(before);
    });
  });

  describe('EWT updates', () => {
    it('keeps the first and last known EWT and ignores -1', () => {
      const { interaction, segments } = foldInteraction([
        ev('CREATED', s(0)),
        ev('QUEUED', s(10), { ewt: -1, queue: SALES }),
        ev('QUEUED', s(20), { ewt: 300, queue: SALES }),
        ev('QUEUED', s(80), { ewt: 240, queue: SALES }),
        ev('QUEUED', s(140), { ewt: 0, queue: SALES }),
        ev('QUEUED', s(150), { ewt: -1, queue: SALES }),
      ]);
      expect(interaction.ewtFirst).toBe(300);
      expect(interaction.ewtLast).toBe(0);
      expect(interaction.firstQueuedAt).toBe(s(10));
      expect(interaction.status).toBe('queued');
      expect(interaction.eventCount).toBe(6);
      // Updates to the same queue do not open new legs.
      expect(segments).toEqual([leg({ number: 0, type: 'queue', startType: 'queued', queueId: 'Q1', queueName: 'Sales', startedAt: s(10) })]);
    });

    it('leaves EWT null when every QUEUED has -1 or none', () => {
      const { interaction } = foldInteraction([ev('CREATED', s(0)), ev('QUEUED', s(1), { ewt: -1 }), ev('QUEUED', s(2))]);
      expect(interaction.ewtFirst).toBeNull();
      expect(interaction.ewtLast).toBeNull();
    });

    it('orders EWT updates by event time, not by arrival', () => {
      const events = [ev('QUEUED', s(50), { ewt: 30 }), ev('QUEUED', s(10), { ewt: 90 }), ev('QUEUED', s(30), { ewt: 60 })];
      const { interaction } = foldInteraction(events);
      expect([interaction.ewtFirst, interaction.ewtLast]).toEqual([90, 30]);
    });
  });

  describe('closing in queue', () => {
    it('marks a chat closed by the customer before routing as abandoned', () => {
      const { interaction, segments } = foldInteraction([
        ev('CREATED', s(0), { mediaType: 'chat' }),
        ev('QUEUED', s(5), { ewt: -1, queue: SALES }),
        ev('QUEUED', s(6), { ewt: 180, queue: SALES }),
        ev('CLOSED', s(125), { reason: 'Customer' }),
      ]);
      expect(interaction).toMatchObject({
        status: 'closed',
        abandoned: true,
        closeReason: 'customer',
        closedAt: s(125),
        firstRoutedAt: null,
        lastAgentId: null,
        totalMs: 125_000,
        selfServiceMs: 5_000,
        queueMs: 120_000,
        handleMs: 0,
        dispositionCode: null,
      });
      expect(segments).toEqual([
        leg({ number: 0, type: 'queue', startType: 'queued', endType: 'abandoned', queueId: 'Q1', queueName: 'Sales', startedAt: s(5), endedAt: s(125), cancelled: true }),
      ]);
    });

    it('marks a system close on a queueing/routing failure as a failed queue leg, not an abandon', () => {
      const { interaction, segments } = foldInteraction([
        ev('CREATED', s(0)),
        ev('QUEUED', s(2), { queue: SALES }),
        ev('CLOSED', s(3602), { reason: 'system', dispositionCode: 'MAX_QUEUE_TIME' }),
      ]);
      expect(interaction).toMatchObject({ status: 'closed', abandoned: false, closeReason: 'system', dispositionCode: 'MAX_QUEUE_TIME', queueMs: 3_600_000, handleMs: 0 });
      expect(segments).toEqual([
        leg({ number: 0, type: 'queue', startType: 'queued', endType: 'failed', queueId: 'Q1', queueName: 'Sales', startedAt: s(2), endedAt: s(3602) }),
      ]);
    });

    it('keeps free-text close reasons and closes the queue leg as closed', () => {
      const { interaction, segments } = foldInteraction([ev('QUEUED', s(0), { queue: SALES }), ev('CLOSED', s(9), { reason: '  Max queue time exceeded ' })]);
      expect(interaction.closeReason).toBe('Max queue time exceeded');
      expect(interaction.abandoned).toBe(false);
      expect(segments.map((x) => [x.endType, x.cancelled])).toEqual([['closed', false]]);
    });

    it('closes the agent leg as closed whatever the reason once routed', () => {
      const { interaction, segments } = foldInteraction([
        ev('QUEUED', s(0), { queue: SALES }),
        ev('ROUTED', s(10), { agent: ALICE }),
        ev('CLOSED', s(70), { reason: 'customer' }),
      ]);
      expect(interaction.abandoned).toBe(false);
      expect(interaction.closeReason).toBe('customer');
      expect(segments.map((x) => [x.type, x.endType, x.cancelled, x.durationMs])).toEqual([
        ['queue', 'routed', false, 10_000],
        ['agent', 'closed', false, 60_000],
      ]);
    });

    it('closes a task that never queued without legs', () => {
      const { interaction, segments } = foldInteraction([ev('CREATED', s(0)), ev('CLOSED', s(4), { reason: 'system' })]);
      expect(segments).toEqual([]);
      expect(interaction).toMatchObject({ status: 'closed', totalMs: 4_000, selfServiceMs: null, queueMs: 0, handleMs: 0, firstQueuedAt: null });
    });
  });

  describe('transfers', () => {
    function rona(): TaskEventEnvelope[] {
      return [
        ev('CREATED', s(0), { mediaType: 'sms' }),
        ev('QUEUED', s(10), { ewt: -1, queue: SALES }),
        ev('ROUTED', s(20), { agent: ALICE, queue: SALES }),
        ev('TRANSFERRED', s(50), { reason: 'rona', agent: ALICE }),
        // The TRANSFERRED flow re-creates the task with the same taskId.
        ev('CREATED', s(51), { mediaType: 'sms' }),
        ev('QUEUED', s(52), { ewt: -1, queue: SALES }),
        ev('ROUTED', s(80), { agent: BOB }),
        ev('CLOSED', s(380), { reason: 'agent' }),
      ];
    }

    it('RONA re-queues the same task and hands it to another agent: 4 legs', () => {
      const { interaction, segments } = foldInteraction(rona());
      expect(segments).toEqual([
        leg({ number: 0, type: 'queue', startType: 'queued', endType: 'routed', queueId: 'Q1', queueName: 'Sales', startedAt: s(10), endedAt: s(20) }),
        leg({
          number: 1,
          type: 'agent',
          startType: 'routed',
          endType: 'transferred:rona',
          queueId: 'Q1',
          queueName: 'Sales',
          agentId: 'A1',
          agentName: 'Alice',
          startedAt: s(20),
          endedAt: s(50),
        }),
        leg({ number: 2, type: 'queue', startType: 'transferred:rona', endType: 'routed', queueId: 'Q1', queueName: 'Sales', startedAt: s(50), endedAt: s(80) }),
        leg({
          number: 3,
          type: 'agent',
          startType: 'routed',
          endType: 'closed',
          queueId: 'Q1',
          queueName: 'Sales',
          agentId: 'A2',
          agentName: 'Bob',
          startedAt: s(80),
          endedAt: s(380),
        }),
      ]);
      expect(interaction).toMatchObject({
        status: 'closed',
        transferCount: 1,
        createdAt: s(0),
        createdInferred: false,
        firstQueuedAt: s(10),
        firstRoutedAt: s(20),
        lastAgentId: 'A2',
        lastAgentName: 'Bob',
        // Alice's 30 s of ringing (RONA) are waiting, not handling.
        queueMs: 70_000,
        handleMs: 300_000,
        totalMs: 380_000,
        selfServiceMs: 10_000,
        eventCount: 8,
      });
    });

    it('keeps the interaction start when the original CREATED was lost and only the re-creation arrived', () => {
      const events = rona().filter((e, i) => i !== 0);
      const { interaction, segments } = foldInteraction(events);
      expect(interaction.createdAt).toBe(s(10));
      expect(interaction.createdInferred).toBe(true);
      expect(interaction.totalMs).toBe(370_000);
      expect(interaction.selfServiceMs).toBe(0);
      expect(segments).toHaveLength(4);
    });

    it('is queued again (status) between the transfer and the next ROUTED', () => {
      const { interaction, segments } = foldInteraction(rona().slice(0, 4));
      expect(interaction.status).toBe('queued');
      expect(interaction.transferCount).toBe(1);
      expect(segments.at(-1)).toEqual(leg({ number: 2, type: 'queue', startType: 'transferred:rona', startedAt: s(50) }));
    });

    it('the queue leg a transfer opens is in the queue the transfer names, before any QUEUED', () => {
      const { interaction, segments } = foldInteraction([
        ev('QUEUED', s(10), { queue: SALES }),
        ev('ROUTED', s(20), { agent: ALICE }),
        ev('TRANSFERRED', s(50), { reason: 'agent_transfer', agent: ALICE, queue: BILLING }),
        ev('CLOSED', s(90), { reason: 'customer' }),
      ]);
      expect(segments.at(-1)).toMatchObject({ type: 'queue', queueId: BILLING.id, queueName: BILLING.name, endType: 'abandoned' });
      expect(interaction).toMatchObject({ lastQueueId: BILLING.id, abandoned: true });
    });

    it('a transfer naming the queue it leaves opens one queue leg, in the queue the next QUEUED names', () => {
      // CCE's TRANSFERRED carries the task's queue at that moment, the one it leaves.
      const { segments } = foldInteraction([
        ev('QUEUED', s(10), { queue: SALES }),
        ev('ROUTED', s(20), { agent: ALICE }),
        ev('TRANSFERRED', s(50), { reason: 'agent_transfer', agent: ALICE, queue: SALES }),
        ev('QUEUED', s(52), { queue: BILLING }),
        ev('ROUTED', s(80), { agent: BOB }),
        ev('CLOSED', s(200), { reason: 'agent' }),
      ]);
      expect(segments.map((l) => [l.type, l.startType, l.endType, l.queueId, l.startedAt, l.endedAt])).toEqual([
        ['queue', 'queued', 'routed', SALES.id, s(10), s(20)],
        ['agent', 'routed', 'transferred:agent', SALES.id, s(20), s(50)],
        // Not a 2 s Sales leg ended "requeued" and a Billing one after it.
        ['queue', 'transferred:agent', 'routed', BILLING.id, s(50), s(80)],
        ['agent', 'routed', 'closed', BILLING.id, s(80), s(200)],
      ]);
    });

    it('an agent who let the task ring out (RONA) is not its agent, and the ringing is waiting', () => {
      const { interaction } = foldInteraction([
        ev('QUEUED', s(10), { queue: SALES, ewt: 30 }),
        ev('ROUTED', s(20), { agent: ALICE }),
        ev('TRANSFERRED', s(50), { reason: 'rona', agent: ALICE }),
        ev('QUEUED', s(52), { queue: SALES, ewt: 30 }),
        ev('CLOSED', s(120), { reason: 'customer' }),
      ]);
      expect(interaction).toMatchObject({ abandoned: true, lastAgentId: null, lastAgentName: null, handleMs: 0, queueMs: 110_000 });
    });

    it('agent logout with active tasks is a transferred:logout leg', () => {
      const { interaction, segments } = foldInteraction([
        ev('QUEUED', s(0), { queue: SALES }),
        ev('ROUTED', s(5), { agent: ALICE }),
        ev('TRANSFERRED', s(65), { reason: 'agent_logout' }),
        ev('QUEUED', s(66), { queue: SALES }),
        ev('ROUTED', s(90), { agent: BOB }),
      ]);
      expect(segments.map((x) => [x.type, x.startType, x.endType, x.agentId, x.durationMs])).toEqual([
        ['queue', 'queued', 'routed', null, 5_000],
        ['agent', 'routed', 'transferred:logout', 'A1', 60_000],
        ['queue', 'transferred:logout', 'routed', null, 25_000],
        ['agent', 'routed', null, 'A2', null],
      ]);
      expect(interaction).toMatchObject({ status: 'active', transferCount: 1, lastAgentId: 'A2', queueMs: 30_000, handleMs: 60_000 });
    });

    it('agent transfer to another queue is a transferred:agent leg in the new queue', () => {
      const { interaction, segments } = foldInteraction([
        ev('CREATED', s(0)),
        ev('QUEUED', s(1), { queue: SALES }),
        ev('ROUTED', s(11), { agent: ALICE }),
        ev('TRANSFERRED', s(71), { reason: 'agent_transfer', agent: ALICE }),
        ev('CREATED', s(72)),
        ev('QUEUED', s(73), { queue: BILLING, ewt: 45 }),
        ev('ROUTED', s(101), { agent: BOB }),
        ev('CLOSED', s(161), { reason: 'agent' }),
      ]);
      expect(segments).toEqual([
        leg({ number: 0, type: 'queue', startType: 'queued', endType: 'routed', queueId: 'Q1', queueName: 'Sales', startedAt: s(1), endedAt: s(11) }),
        leg({
          number: 1,
          type: 'agent',
          startType: 'routed',
          endType: 'transferred:agent',
          queueId: 'Q1',
          queueName: 'Sales',
          agentId: 'A1',
          agentName: 'Alice',
          startedAt: s(11),
          endedAt: s(71),
        }),
        leg({ number: 2, type: 'queue', startType: 'transferred:agent', endType: 'routed', queueId: 'Q2', queueName: 'Billing', startedAt: s(71), endedAt: s(101) }),
        leg({
          number: 3,
          type: 'agent',
          startType: 'routed',
          endType: 'closed',
          queueId: 'Q2',
          queueName: 'Billing',
          agentId: 'A2',
          agentName: 'Bob',
          startedAt: s(101),
          endedAt: s(161),
        }),
      ]);
      expect(interaction).toMatchObject({ transferCount: 1, lastQueueId: 'Q2', lastQueueName: 'Billing', ewtFirst: 45, ewtLast: 45, queueMs: 40_000, handleMs: 120_000 });
    });

    it('maps transfer reasons: logout alias, unknown and missing reasons are agent transfers', () => {
      const endTypes = (reason: string | undefined) =>
        foldInteraction([ev('ROUTED', s(0), { agent: ALICE }), ev('TRANSFERRED', s(1), reason === undefined ? {} : { reason })]).segments[0]?.endType;
      expect(endTypes('logout')).toBe('transferred:logout');
      expect(endTypes(' RONA ')).toBe('transferred:rona');
      expect(endTypes('skill_change')).toBe('transferred:agent');
      expect(endTypes(undefined)).toBe('transferred:agent');
    });

    it('counts every transfer', () => {
      const { interaction, segments } = foldInteraction([
        ev('QUEUED', s(0), { queue: SALES }),
        ev('ROUTED', s(10), { agent: ALICE }),
        ev('TRANSFERRED', s(20), { reason: 'rona' }),
        ev('QUEUED', s(21), { queue: SALES }),
        ev('ROUTED', s(30), { agent: BOB }),
        ev('TRANSFERRED', s(40), { reason: 'agent_transfer' }),
        ev('QUEUED', s(41), { queue: BILLING }),
        ev('ROUTED', s(50), { agent: ALICE }),
        ev('CLOSED', s(60), { reason: 'agent' }),
      ]);
      expect(interaction.transferCount).toBe(2);
      expect(segments.map((x) => `${x.startType}>${x.endType}`)).toEqual([
        'queued>routed',
        'routed>transferred:rona',
        'transferred:rona>routed',
        'routed>transferred:agent',
        'transferred:agent>routed',
        'routed>closed',
      ]);
      expect(segments.map((x) => x.number)).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it('fails the re-created queue leg when the transfer fails and the system closes the task', () => {
      const { interaction, segments } = foldInteraction([
        ev('QUEUED', s(0), { queue: SALES }),
        ev('ROUTED', s(10), { agent: ALICE }),
        ev('TRANSFERRED', s(20), { reason: 'agent_transfer' }),
        ev('CLOSED', s(21), { reason: 'system' }),
      ]);
      expect(segments.at(-1)).toEqual(leg({ number: 2, type: 'queue', startType: 'transferred:agent', endType: 'failed', startedAt: s(20), endedAt: s(21) }));
      expect(interaction.abandoned).toBe(false);
    });
  });

  describe('queue changes', () => {
    it('a QUEUED for another queue closes the queue leg as requeued and opens one in the new queue', () => {
      const { interaction, segments } = foldInteraction([
        ev('QUEUED', s(0), { queue: SALES }),
        ev('QUEUED', s(30), { queue: { id: 'Q9' } }),
        ev('ROUTED', s(45), { agent: ALICE }),
      ]);
      expect(segments).toEqual([
        leg({ number: 0, type: 'queue', startType: 'queued', endType: 'requeued', queueId: 'Q1', queueName: 'Sales', startedAt: s(0), endedAt: s(30) }),
        leg({ number: 1, type: 'queue', startType: 'requeued', endType: 'routed', queueId: 'Q9', startedAt: s(30), endedAt: s(45) }),
        leg({ number: 2, type: 'agent', startType: 'routed', queueId: 'Q9', agentId: 'A1', agentName: 'Alice', startedAt: s(45) }),
      ]);
      expect(interaction.queueMs).toBe(45_000);
      expect(interaction.lastQueueId).toBe('Q9');
      // The name of Q1 must not be reported as the name of Q9.
      expect(interaction.lastQueueName).toBeNull();
    });

    it('keeps the last queue name when a later event names the same queue without a name', () => {
      const { interaction } = foldInteraction([ev('QUEUED', s(0), { queue: SALES }), ev('QUEUED', s(5), { queue: { id: 'Q1' }, ewt: 10 })]);
      expect([interaction.lastQueueId, interaction.lastQueueName]).toEqual(['Q1', 'Sales']);
    });

    it('a transfer routed back to the same agent in the transfer\'s second opens a new leg for that agent', () => {
      const { interaction, segments } = foldInteraction([
        ev('CREATED', s(0)),
        ev('QUEUED', s(1), { queue: SALES }),
        ev('ROUTED', s(5), { agent: ALICE }),
        ev('TRANSFERRED', s(60), { agent: ALICE, reason: 'agent_transfer' }),
        ev('CREATED', s(60)),
        ev('QUEUED', s(60), { queue: BILLING }),
        ev('ROUTED', s(60), { agent: ALICE }),
      ]);
      expect(interaction.status).toBe('active');
      expect(segments.map((x) => [x.type, x.startType, x.endType, x.agentId ?? x.queueId])).toEqual([
        ['queue', 'queued', 'routed', 'Q1'],
        ['agent', 'routed', 'transferred:agent', 'A1'],
        ['queue', 'transferred:agent', 'routed', 'Q2'],
        ['agent', 'routed', null, 'A1'],
      ]);
    });

    it('keeps the last agent name when a later ROUTED names the same agent without a name, and drops it for another agent', () => {
      const same = foldInteraction([ev('QUEUED', s(0), { queue: SALES }), ev('ROUTED', s(5), { agent: ALICE }), ev('ROUTED', s(6), { agent: { id: ALICE.id } })]).interaction;
      expect([same.lastAgentId, same.lastAgentName]).toEqual([ALICE.id, ALICE.name]);
      const other = foldInteraction([ev('QUEUED', s(0), { queue: SALES }), ev('ROUTED', s(5), { agent: ALICE }), ev('ROUTED', s(6), { agent: { id: 'someone-else' } })]).interaction;
      expect([other.lastAgentId, other.lastAgentName]).toEqual(['someone-else', null]);
    });

    it('a QUEUED while an agent holds the task closes the agent leg as requeued', () => {
      const { segments } = foldInteraction([ev('QUEUED', s(0), { queue: SALES }), ev('ROUTED', s(10), { agent: ALICE }), ev('QUEUED', s(20), { queue: BILLING })]);
      expect(segments.map((x) => [x.type, x.startType, x.endType, x.queueId])).toEqual([
        ['queue', 'queued', 'routed', 'Q1'],
        ['agent', 'routed', 'requeued', 'Q1'],
        ['queue', 'requeued', null, 'Q2'],
      ]);
    });

    it('a ROUTED for the agent already holding the task opens no new leg', () => {
      const { segments, interaction } = foldInteraction([
        ev('QUEUED', s(0), { queue: SALES }),
        ev('ROUTED', s(10), { agent: ALICE }),
        ev('ROUTED', s(12), { agent: ALICE }),
        ev('CLOSED', s(20), { reason: 'agent' }),
      ]);
      expect(segments.map((x) => [x.type, x.startedAt, x.endedAt])).toEqual([
        ['queue', s(0), s(10)],
        ['agent', s(10), s(20)],
      ]);
      expect(interaction.firstRoutedAt).toBe(s(10));
      expect(interaction.eventCount).toBe(4);
    });
  });

  describe('media switch: chat cancelled for a web callback', () => {
    const chat = () => [
      ev('CREATED', s(0), { taskId: 'chat-1', mediaType: 'chat', variables: { user_DR_MediaResourceID: 'conv-9', ChatThreadID: 'thread-9' } }),
      ev('QUEUED', s(3), { taskId: 'chat-1', ewt: -1, queue: SALES }),
      ev('QUEUED', s(4), { taskId: 'chat-1', ewt: 300, queue: SALES }),
      ev('CLOSED', s(64), { taskId: 'chat-1', reason: 'Customer requested web callback' }),
    ];

    it('closes the chat as a media switch with a cancelled (not abandoned) queue leg', () => {
      const { interaction, segments } = foldInteraction(chat());
      expect(interaction).toMatchObject({
        id: 'chat-1',
        channel: 'chat',
        status: 'closed',
        closeReason: 'media_switch',
        abandoned: false,
        conversationId: 'conv-9',
        chatThreadId: 'thread-9',
        queueMs: 61_000,
      });
      expect(segments).toEqual([
        leg({ number: 0, type: 'queue', startType: 'queued', endType: 'cancelled', queueId: 'Q1', queueName: 'Sales', startedAt: s(3), endedAt: s(64), cancelled: true }),
      ]);
    });

    it.each(['media switch', 'MEDIA_SWITCH to voice', 'call back requested', 'webcallback'])('recognises %j as a media switch', (reason) => {
      const { interaction, segments } = foldInteraction([ev('QUEUED', s(0)), ev('CLOSED', s(1), { reason })]);
      expect(interaction.closeReason).toBe('media_switch');
      expect(segments[0]?.endType).toBe('cancelled');
      expect(segments[0]?.cancelled).toBe(true);
    });

    it('links the web callback task to the chat it replaced through LiveChatThreadID', () => {
      const callback = [
        ev('CREATED', s(65), {
          taskId: 'wcb-1',
          mediaType: 'WebCallback',
          origin: '+14155550123',
          variables: {
            user_DR_MediaResourceID: 'conv-9',
            user_DR_CustomerName: 'Jane Doe',
            LiveChatThreadID: 'thread-9',
            LiveChatUserID: 'chat-user-42',
            LiveChatAppID: 'app-7',
          },
        }),
        ev('QUEUED', s(66), { taskId: 'wcb-1', queue: { id: 'Q5', name: 'Callbacks' } }),
        ev('ROUTED', s(200), { taskId: 'wcb-1', agent: BOB }),
        ev('CLOSED', s(201), { taskId: 'wcb-1', reason: 'agent' }),
      ];
      const { interaction } = foldInteraction(callback);
      const chatRecord = foldInteraction(chat()).interaction;
      expect(interaction).toMatchObject({
        id: 'wcb-1',
        channel: 'webcallback',
        origin: '+14155550123',
        customerName: 'Jane Doe',
        conversationId: 'conv-9',
        chatThreadId: 'thread-9',
        closeReason: 'agent',
        queueMs: 134_000,
        handleMs: 1_000,
      });
      expect(interaction.extensionVariables).toEqual({ LiveChatThreadID: 'thread-9', LiveChatUserID: 'chat-user-42', LiveChatAppID: 'app-7' });
      expect(interaction.chatThreadId).toBe(chatRecord.chatThreadId);
    });

    it('does not link a thread id longer than an id may be, but keeps it as a variable', () => {
      const tooLong = 'é'.repeat(1001); // 2,002 bytes in UTF-8, 1,001 characters
      const justRight = 'é'.repeat(1000); // 2,000 bytes
      const fold = (vars: Record<string, string>) => foldInteraction([ev('CREATED', s(0), { taskId: 'wcb-2', mediaType: 'WebCallback', variables: vars })]).interaction;
      expect(fold({ ChatThreadID: tooLong })).toMatchObject({ chatThreadId: null, extensionVariables: { ChatThreadID: tooLong } });
      expect(fold({ ChatThreadID: justRight }).chatThreadId).toBe(justRight);
      // The live chat's id is still used when the other one cannot be.
      expect(fold({ ChatThreadID: tooLong, LiveChatThreadID: 'thread-9' }).chatThreadId).toBe('thread-9');
    });
  });

  describe('out-of-order input', () => {
    it('CLOSED arriving before ROUTED gives the same record as in order', () => {
      const inOrder = happyPath();
      const [created, q1, q2, routed, closed] = inOrder as [TaskEventEnvelope, TaskEventEnvelope, TaskEventEnvelope, TaskEventEnvelope, TaskEventEnvelope];
      const expected = foldInteraction(inOrder);
      expect(foldInteraction([created, q1, q2, closed, routed])).toEqual(expected);
      expect(foldInteraction([closed, routed, q2, q1, created])).toEqual(expected);
      expect(foldInteraction([routed, closed, created, q2, q1])).toEqual(expected);
    });

    it('breaks timestamp ties by lifecycle rank (ROUTED and CLOSED in the same millisecond)', () => {
      const expected = foldInteraction([ev('QUEUED', s(0), {}, 'x1'), ev('ROUTED', s(5), { agent: ALICE }, 'x2'), ev('CLOSED', s(5), { reason: 'agent' }, 'x3')]);
      const reversed = foldInteraction([ev('CLOSED', s(5), { reason: 'agent' }, 'x3'), ev('ROUTED', s(5), { agent: ALICE }, 'x2'), ev('QUEUED', s(0), {}, 'x1')]);
      expect(reversed).toEqual(expected);
      expect(expected.segments.map((x) => [x.type, x.endType, x.durationMs])).toEqual([
        ['queue', 'routed', 5_000],
        ['agent', 'closed', 0],
      ]);
    });

    it('infers the start from the earliest event when CREATED is missing', () => {
      const { interaction } = foldInteraction([ev('ROUTED', s(40), { agent: ALICE }), ev('QUEUED', s(10), { queue: SALES })]);
      expect(interaction.createdAt).toBe(s(10));
      expect(interaction.createdInferred).toBe(true);
      expect(interaction.selfServiceMs).toBe(0);
    });
  });

  describe('variables', () => {
    const events = () => [
      ev('CREATED', s(0), {
        variables: {
          cv_1: 'acct-1',
          cv_10: 'gold',
          cv_11: 'not a call variable',
          user_DR_CustomerName: 'Jane From ECC',
          user_DR_MediaResourceID: 'conv-77',
          user_Priority: 1,
          ChatThreadID: 'thread-1',
          EmailSubject: 'Refund',
        },
      }),
      ev('QUEUED', s(5), { variables: { cv_1: 'acct-2', user_Priority: 3, CallbackRequested: true } }),
      ev('ROUTED', s(9), { agent: ALICE, variables: { cv_2: null } }),
    ];

    it('splits call, ECC and extension variables, later events overriding earlier ones', () => {
      const { interaction } = foldInteraction(events());
      expect(interaction.callVariables).toEqual({ cv_1: 'acct-2', cv_10: 'gold', cv_2: null });
      expect(interaction.eccVariables).toEqual({ user_DR_CustomerName: 'Jane From ECC', user_DR_MediaResourceID: 'conv-77', user_Priority: 3 });
      expect(interaction.extensionVariables).toEqual({ cv_11: 'not a call variable', ChatThreadID: 'thread-1', EmailSubject: 'Refund', CallbackRequested: true });
      expect(interaction.customerName).toBe('Jane From ECC');
      expect(interaction.conversationId).toBe('conv-77');
      expect(interaction.chatThreadId).toBe('thread-1');
    });

    it('overrides by event time, not by arrival order', () => {
      expect(foldInteraction([...events()].reverse()).interaction.callVariables).toEqual({ cv_1: 'acct-2', cv_10: 'gold', cv_2: null });
    });

    it('prefers an explicit customerName over user_DR_CustomerName, the latest one winning', () => {
      const withName = [...events(), ev('CLOSED', s(20), { customerName: 'Jane Doe', reason: 'agent' })];
      expect(foldInteraction(withName).interaction.customerName).toBe('Jane Doe');
    });

    it('ignores empty or non-string ids', () => {
      const { interaction } = foldInteraction([ev('CREATED', s(0), { variables: { user_DR_MediaResourceID: '', user_DR_CustomerName: 7, LiveChatThreadID: 'lt-1' } })]);
      expect(interaction.conversationId).toBeNull();
      expect(interaction.customerName).toBeNull();
      expect(interaction.chatThreadId).toBe('lt-1');
    });
  });

  describe('descriptive fields', () => {
    it('takes channel, origin, destination and text preview from the first event carrying them', () => {
      const { interaction } = foldInteraction([
        ev('QUEUED', s(5), { mediaType: 'SMS', origin: '+1555', destination: '+1800', text: 'second' }),
        ev('CREATED', s(0), { origin: '+1444', text: 'first message' }),
        ev('ROUTED', s(6), { direction: 'outbound', scriptSelector: 'Sales_SMS' }),
      ]);
      expect(interaction).toMatchObject({
        channel: 'sms',
        origin: '+1444',
        destination: '+1800',
        textPreview: 'first message',
        direction: 'outbound',
        scriptSelector: 'Sales_SMS',
      });
    });
  });

  describe('duplicates', () => {
    it('counts the same eventId delivered twice once', () => {
      const events = happyPath();
      const doubled = [...events, ...events.map((e) => ({ ...e, body: structuredClone(e.body) }))];
      expect(foldInteraction(doubled)).toEqual(foldInteraction(events));
      expect(foldInteraction(doubled).interaction.eventCount).toBe(5);
    });

    it('treats the same content under a different eventId as one event (semantic duplicate)', () => {
      const events = happyPath();
      const redelivered = events.map((e, i) => redeliver(e, `retry-${i}`));
      const folded = foldInteraction([...redelivered, ...events]);
      expect(folded).toEqual(foldInteraction(events));
      expect(folded.interaction.eventCount).toBe(5);
      expect(folded.segments).toHaveLength(2);
    });

    it('a duplicated CLOSED changes nothing; a later CLOSED cannot reopen or re-close', () => {
      const events = happyPath();
      const closed = events[4]!;
      const dup = foldInteraction([...events, redeliver(closed, 'closed-again')]);
      expect(dup).toEqual(foldInteraction(events));

      const late = foldInteraction([...events, ev('CLOSED', s(900), { reason: 'system', dispositionCode: 99 })]);
      expect(late.segments).toEqual(foldInteraction(events).segments);
      expect(late.interaction).toMatchObject({ closedAt: s(395), closeReason: 'agent', dispositionCode: '21', totalMs: 395_000, lastEventAt: s(900), eventCount: 6 });
    });

    it('ignores state changes after CLOSED but still counts them', () => {
      const events = happyPath();
      const late = foldInteraction([...events, ev('QUEUED', s(500), { queue: BILLING, ewt: 5 }), ev('ROUTED', s(501), { agent: BOB })]);
      expect(late.segments).toEqual(foldInteraction(events).segments);
      expect(late.interaction).toMatchObject({ status: 'closed', lastQueueId: 'Q1', lastAgentId: 'A1', ewtLast: 120, eventCount: 7, lastEventAt: s(501) });
    });

    it('a duplicated TRANSFERRED is one transfer', () => {
      const events = [
        ev('QUEUED', s(0), { queue: SALES }),
        ev('ROUTED', s(10), { agent: ALICE }),
        ev('TRANSFERRED', s(40), { reason: 'rona' }),
        ev('QUEUED', s(41), { queue: SALES }),
        ev('ROUTED', s(60), { agent: BOB }),
      ];
      const transferred = events[2]!;
      const expected = foldInteraction(events);
      const withDup = foldInteraction([redeliver(transferred, 'tr-retry'), ...events, transferred]);
      expect(withDup).toEqual(expected);
      expect(withDup.interaction.transferCount).toBe(1);
      expect(withDup.segments.map((x) => x.startType)).toEqual(['queued', 'routed', 'transferred:rona', 'routed']);
    });

    it('keeps distinct QUEUED events that differ only in EWT', () => {
      const { interaction } = foldInteraction([ev('QUEUED', s(0), { ewt: 10 }), ev('QUEUED', s(0), { ewt: 20 })]);
      expect(interaction.eventCount).toBe(2);
      expect([interaction.ewtFirst, interaction.ewtLast].sort()).toEqual([10, 20]);
    });
  });

  describe('property: any arrival order, any duplication', () => {
    const agentArb = fc.constantFrom({ id: 'A1', name: 'Alice' }, { id: 'A2', name: 'Bob' }, { id: 'A3' });
    const queueArb = fc.constantFrom({ id: 'Q1', name: 'Sales' }, { id: 'Q2', name: 'Billing' }, { id: 'Q3' });
    const variablesArb = fc.option(
      fc.dictionary(fc.constantFrom('cv_1', 'cv_2', 'user_DR_CustomerName', 'user_DR_MediaResourceID', 'ChatThreadID', 'Other'), fc.string({ maxLength: 6 }), {
        maxKeys: 3,
      }),
      { nil: undefined },
    );
    const scenarioArb = fc.record({
      start: fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2026, 0, 1) }),
      withCreated: fc.boolean(),
      channel: fc.constantFrom('chat', 'sms', 'email', 'webcallback'),
      queue: queueArb,
      ewts: fc.array(fc.integer({ min: -1, max: 900 }), { maxLength: 3 }),
      cycles: fc.array(
        fc.record({
          agent: agentArb,
          reason: fc.constantFrom('rona', 'agent_logout', 'agent_transfer'),
          queue: queueArb,
          recreate: fc.boolean(),
        }),
        { maxLength: 3 },
      ),
      finalAgent: fc.option(agentArb, { nil: undefined }),
      close: fc.option(
        fc.record({
          reason: fc.constantFrom('agent', 'customer', 'system', 'customer requested web callback', 'Other text'),
          dispositionCode: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
        }),
        { nil: undefined },
      ),
      // Some zero gaps: events in the same millisecond must still fold the same in any order.
      gaps: fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 120_000 }), weight: 5 }), {
        minLength: 40,
        maxLength: 40,
      }),
      variables: fc.array(variablesArb, { minLength: 40, maxLength: 40 }),
    });

    type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

    function build(sc: Scenario): TaskEventEnvelope[] {
      const events: TaskEventEnvelope[] = [];
      let t = sc.start;
      const push = (type: TaskEventType, extra: BodyExtras) => {
        const i = events.length;
        t += sc.gaps[i % sc.gaps.length]!;
        const variables = sc.variables[i % sc.variables.length];
        events.push(ev(type, t, { mediaType: sc.channel, ...extra, ...(variables ? { variables } : {}) }, `p-${i}`));
      };
      if (sc.withCreated) push('CREATED', { origin: 'cust-1' });
      push('QUEUED', { ewt: -1, queue: sc.queue });
      for (const ewt of sc.ewts) push('QUEUED', { ewt, queue: sc.queue });
      for (const c of sc.cycles) {
        push('ROUTED', { agent: c.agent });
        push('TRANSFERRED', { reason: c.reason, agent: c.agent });
        if (c.recreate) push('CREATED', {});
        push('QUEUED', { ewt: -1, queue: c.queue });
      }
      if (sc.finalAgent) push('ROUTED', { agent: sc.finalAgent });
      if (sc.close) push('CLOSED', { reason: sc.close.reason, ...(sc.close.dispositionCode === undefined ? {} : { dispositionCode: sc.close.dispositionCode }) });
      return events;
    }

    const caseArb = scenarioArb.chain((sc) => {
      const events = build(sc);
      return fc.record({
        events: fc.constant(events),
        permuted: fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        dups: fc.array(fc.record({ index: fc.nat(), newId: fc.boolean(), position: fc.nat() }), { maxLength: 8 }),
      });
    });

    it('folds a permuted, duplicated delivery to the same record as the original list', () => {
      fc.assert(
        fc.property(caseArb, ({ events, permuted, dups }) => {
          const delivered = [...permuted];
          dups.forEach((d, k) => {
            const src = events[d.index % events.length]!;
            const copy = d.newId ? redeliver(src, `${src.eventId}-again-${k}`) : { ...src, body: structuredClone(src.body) };
            delivered.splice(d.position % (delivered.length + 1), 0, copy);
          });
          const expected = foldInteraction(events);
          expect(foldInteraction(delivered)).toEqual(expected);

          // Structural invariants of the legs.
          const { interaction, segments } = expected;
          expect(segments.map((x) => x.number)).toEqual(segments.map((_, i) => i));
          segments.forEach((x, i) => {
            if (i > 0) expect(x.startedAt).toBe(segments[i - 1]!.endedAt);
            if (x.endedAt !== null) expect(x.durationMs).toBe(x.endedAt - x.startedAt);
            if (i < segments.length - 1) expect(x.endType).not.toBeNull();
          });
          // Waiting: queue legs and agent legs that rang out (RONA); handling: the other agent legs.
          const rang = (x: SegmentRecord) => x.type === 'agent' && x.endType === 'transferred:rona';
          const sum = (test: (x: SegmentRecord) => boolean) => segments.filter(test).reduce((n, x) => n + (x.durationMs ?? 0), 0);
          expect(interaction.queueMs).toBe(sum((x) => x.type === 'queue' || rang(x)));
          expect(interaction.handleMs).toBe(sum((x) => x.type === 'agent' && !rang(x)));
          const answered = segments.filter((x) => x.type === 'agent' && !rang(x)).at(-1);
          expect(interaction.lastAgentId).toBe(answered?.agentId ?? null);
          if (interaction.status === 'closed') expect(segments.every((x) => x.endType !== null)).toBe(true);
          else if (segments.length) expect(segments.at(-1)?.endType).toBeNull();
          const strictlyIncreasing = events.every((e, i) => i === 0 || e.at > events[i - 1]!.at);
          if (strictlyIncreasing) {
            expect(interaction.transferCount).toBe(events.filter((e) => e.type === 'TRANSFERRED').length);
            expect(interaction.eventCount).toBe(events.length);
            expect(segments.filter((x) => x.type === 'agent').length).toBe(events.filter((e) => e.type === 'ROUTED').length);
          }
          expect(interaction.abandoned).toBe(segments.some((x) => x.endType === 'abandoned'));
        }),
        { numRuns: 200 },
      );
    });
  });
});

/** A task event at an exact epoch-ms time, for the same-second cases below. */
const mk = (eventId: string, type: TaskEventEnvelope['type'], at: number, body: Partial<TaskEventEnvelope['body']> = {}): TaskEventEnvelope => ({
  eventId,
  type,
  at,
  body: { taskId: 'same-second', timestamp: at, ...body },
});

describe('events stamped to the same second as a TRANSFERRED', () => {
  const events = [
    mk('e1', 'CREATED', 0),
    mk('e2', 'QUEUED', 1_000, { queue: { id: 'q1' } }),
    mk('e3', 'ROUTED', 5_000, { agent: { id: 'a1' }, queue: { id: 'q1' } }),
    // Transfer, re-creation, queueing and the next routing all in the same second.
    mk('e4', 'TRANSFERRED', 9_000, { agent: { id: 'a1' }, reason: 'agent_transfer' }),
    mk('e5', 'CREATED', 9_000),
    mk('e6', 'QUEUED', 9_000, { queue: { id: 'q2' } }),
    mk('e7', 'ROUTED', 9_000, { agent: { id: 'a2' }, queue: { id: 'q2' } }),
    mk('e8', 'CLOSED', 20_000, { agent: { id: 'a2' }, reason: 'agent' }),
  ];

  test('the re-created task’s events fold after the transfer, not before it', () => {
    const { interaction, segments } = foldInteraction(events);
    expect(segments.map((s) => [s.type, s.startType, s.endType, s.queueId, s.agentId, s.durationMs])).toEqual([
      ['queue', 'queued', 'routed', 'q1', null, 4_000],
      ['agent', 'routed', 'transferred:agent', 'q1', 'a1', 4_000],
      ['queue', 'transferred:agent', 'routed', 'q2', null, 0],
      ['agent', 'routed', 'closed', 'q2', 'a2', 11_000],
    ]);
    expect(interaction.transferCount).toBe(1);
    expect(interaction.createdAt).toBe(0);
  });

  test('and the result does not depend on arrival order', () => {
    const reversed = foldInteraction([...events].reverse());
    expect(reversed).toEqual(foldInteraction(events));
  });

  test('a TRANSFERRED that names no agent ends the leg of the agent routed before that second, not the next agent’s', () => {
    const anonymous = events.map((e) => (e.eventId === 'e4' ? mk('e4', 'TRANSFERRED', 9_000, { reason: 'agent_transfer' }) : e));
    const { interaction, segments } = foldInteraction(anonymous);
    expect(segments.map((s) => [s.type, s.startType, s.endType, s.agentId, s.durationMs])).toEqual([
      ['queue', 'queued', 'routed', null, 4_000],
      ['agent', 'routed', 'transferred:agent', 'a1', 4_000],
      ['queue', 'transferred:agent', 'routed', null, 0],
      ['agent', 'routed', 'closed', 'a2', 11_000],
    ]);
    expect(interaction).toMatchObject({ transferCount: 1, abandoned: false, lastAgentId: 'a2' });
    expect(foldInteraction([...anonymous].reverse())).toEqual(foldInteraction(anonymous));
  });

  test('a TRANSFERRED that names no agent, after a routing already ended, ends the routing of its own second', () => {
    const requeued = [
      mk('g1', 'CREATED', 0),
      mk('g2', 'QUEUED', 1_000, { queue: { id: 'q1' } }),
      mk('g3', 'ROUTED', 2_000, { agent: { id: 'a1' }, queue: { id: 'q1' } }),
      mk('g4', 'TRANSFERRED', 3_000, { agent: { id: 'a1' }, reason: 'rona' }),
      mk('g5', 'QUEUED', 4_000, { queue: { id: 'q1' } }),
      mk('g6', 'ROUTED', 9_000, { agent: { id: 'a2' }, queue: { id: 'q1' } }),
      mk('g7', 'TRANSFERRED', 9_000, { reason: 'rona' }),
    ];
    const { segments } = foldInteraction(requeued);
    expect(segments.filter((s) => s.type === 'agent').map((s) => [s.agentId, s.endType])).toEqual([
      ['a1', 'transferred:rona'],
      ['a2', 'transferred:rona'],
    ]);
  });

  test('a TRANSFERRED that names no agent, in the same second as the only ROUTED, ends that routing', () => {
    const onlyRouting = [
      mk('f1', 'CREATED', 0),
      mk('f2', 'QUEUED', 1_000, { queue: { id: 'q1' } }),
      mk('f3', 'ROUTED', 9_000, { agent: { id: 'a1' }, queue: { id: 'q1' } }),
      mk('f4', 'TRANSFERRED', 9_000, { reason: 'rona' }),
    ];
    const { segments } = foldInteraction(onlyRouting);
    expect(segments.map((s) => [s.type, s.endType, s.agentId])).toEqual([
      ['queue', 'routed', null],
      ['agent', 'transferred:rona', 'a1'],
      // Back in queue after the RONA, waiting.
      ['queue', null, null],
    ]);
  });
});

describe('a transfer chain stamped to one second', () => {
  test('a second of more events than a chain can hold (a flood from one sender) takes the plain canonical order', () => {
    const at = 7_000;
    const flood = [mk('f-0000', 'CREATED', at)];
    for (let i = 1; i <= 1_500; i++) {
      const n = String(i).padStart(4, '0');
      flood.push(
        mk(`f-${n}-q`, 'QUEUED', at, { queue: { id: `q${i}` } }),
        mk(`f-${n}-r`, 'ROUTED', at, { agent: { id: `a${i}` } }),
        mk(`f-${n}-t`, 'TRANSFERRED', at, { agent: { id: `a${i}` }, reason: 'agent_transfer' }),
      );
    }
    expect(flood.length).toBeGreaterThan(MAX_CHAIN_SECOND_EVENTS);
    const ordered = taskEventsInFoldOrder(flood);
    // Lifecycle rank, then id: no chain rebuilt (its search grows with the cube of the second).
    const rank = { CREATED: 0, QUEUED: 1, ROUTED: 2, TRANSFERRED: 3, CLOSED: 4 } as const;
    const canonical = [...flood].sort((a, b) => rank[a.type] - rank[b.type] || (a.eventId < b.eventId ? -1 : 1));
    expect(ordered.map((e) => e.eventId)).toEqual(canonical.map((e) => e.eventId));
    expect(foldInteraction(flood).interaction.transferCount).toBe(1_500);
    // At the limit the chain is still rebuilt: transfers interleave with the routings they end.
    const small = flood.slice(0, 1 + 3 * 33);
    expect(small.length).toBeLessThanOrEqual(MAX_CHAIN_SECOND_EVENTS);
    expect(taskEventsInFoldOrder(small).map((e) => e.type).slice(0, 4)).not.toEqual(['CREATED', 'QUEUED', 'QUEUED', 'QUEUED']);
  });

  const legsOf = (events: TaskEventEnvelope[]) => foldInteraction(events).segments.map((x) => [x.type, x.agentId, x.startType, x.endType]);
  /** The same events under every assignment of the given ids: the ids' order must not matter. */
  const underEveryIdOrder = (events: TaskEventEnvelope[]) => permutations(events.map((e) => e.eventId)).map((ids) => events.map((e, i) => ({ ...e, eventId: ids[i]! })));

  test('a1 → a2 → queue in one second folds as that chain, whatever the event ids', () => {
    const chain = [
      mk('x1', 'CREATED', 0),
      mk('x2', 'QUEUED', 1_000, { queue: { id: 'q1' } }),
      mk('x3', 'ROUTED', 5_000, { agent: { id: 'a1' }, queue: { id: 'q1' } }),
      mk('x4', 'TRANSFERRED', 9_000, { agent: { id: 'a1' }, reason: 'agent_transfer' }),
      mk('x5', 'QUEUED', 9_000, { queue: { id: 'q2' } }),
      mk('x6', 'ROUTED', 9_000, { agent: { id: 'a2' }, queue: { id: 'q2' } }),
      mk('x7', 'TRANSFERRED', 9_000, { agent: { id: 'a2' }, reason: 'agent_transfer' }),
    ];
    const expected = [
      ['queue', null, 'queued', 'routed'],
      ['agent', 'a1', 'routed', 'transferred:agent'],
      ['queue', null, 'transferred:agent', 'routed'],
      ['agent', 'a2', 'routed', 'transferred:agent'],
      ['queue', null, 'transferred:agent', null],
    ];
    // Only the second's ids are exchanged: x4..x7 in all 24 orders.
    for (const same of underEveryIdOrder(chain.slice(3))) {
      expect(legsOf([...chain.slice(0, 3), ...same])).toEqual(expected);
    }
  });

  test('a transfer by an agent routed in that second goes after that routing, and ends it', () => {
    const chain = [
      mk('y1', 'QUEUED', 1_000, { queue: { id: 'q1' } }),
      mk('y2', 'ROUTED', 4_000, { agent: { id: 'a1' } }),
      mk('y3', 'TRANSFERRED', 4_000, { agent: { id: 'a1' }, reason: 'rona' }),
      mk('y4', 'ROUTED', 4_000, { agent: { id: 'a2' } }),
      mk('y5', 'TRANSFERRED', 4_000, { agent: { id: 'a2' }, reason: 'rona' }),
      mk('y6', 'ROUTED', 4_000, { agent: { id: 'a3' } }),
    ];
    for (const same of underEveryIdOrder(chain.slice(1))) {
      const agents = legsOf([chain[0]!, ...same]).filter((l) => l[0] === 'agent');
      // a1 and a2 are both routed and transferred in the second: only their ids could order them,
      // so the check is on what content fixes: two transferred legs, then a3 still routed.
      expect(agents.map((l) => l[3])).toEqual(['transferred:rona', 'transferred:rona', null]);
      expect(agents[2]?.[1]).toBe('a3');
    }
  });

  test('a task whose CREATED, QUEUED, ROUTED and TRANSFERRED share its first second keeps its creation and first queue leg', () => {
    const firstSecond = [
      mk('z1', 'CREATED', 0),
      mk('z2', 'QUEUED', 0, { queue: { id: 'q1' } }),
      mk('z3', 'ROUTED', 0, { agent: { id: 'a1' }, queue: { id: 'q1' } }),
      mk('z4', 'TRANSFERRED', 0, { agent: { id: 'a1' }, reason: 'rona' }),
      mk('z5', 'QUEUED', 0, { queue: { id: 'q2' } }),
      mk('z6', 'ROUTED', 7_000, { agent: { id: 'a2' }, queue: { id: 'q2' } }),
    ];
    for (const events of underEveryIdOrder(firstSecond.slice(0, 5))) {
      const { interaction, segments } = foldInteraction([...events, firstSecond[5]!]);
      expect(interaction).toMatchObject({ createdInferred: false, createdAt: 0, transferCount: 1, status: 'active' });
      expect(segments.map((x) => [x.type, x.queueId, x.agentId, x.endType])).toEqual([
        ['queue', 'q1', null, 'routed'],
        ['agent', 'q1', 'a1', 'transferred:rona'],
        ['queue', 'q2', null, 'routed'],
        ['agent', 'q2', 'a2', null],
      ]);
    }
  });

  test('a RONA back to the queue the task already waited in keeps that queue on the new leg', () => {
    const { interaction, segments } = foldInteraction([
      mk('a1', 'CREATED', 0),
      mk('a2', 'QUEUED', 1_000, { queue: { id: 'q1' }, ewt: 10 }),
      mk('a3', 'ROUTED', 9_000, { agent: { id: 'A' }, queue: { id: 'q1' } }),
      mk('a4', 'TRANSFERRED', 9_000, { agent: { id: 'A' }, reason: 'rona' }),
      mk('a5', 'QUEUED', 9_000, { queue: { id: 'q1' }, ewt: 20 }),
    ]);
    expect(segments.map((x) => [x.type, x.queueId, x.agentId, x.endType])).toEqual([
      ['queue', 'q1', null, 'routed'],
      ['agent', 'q1', 'A', 'transferred:rona'],
      ['queue', 'q1', null, null],
    ]);
    expect(interaction.ewtLast).toBe(20);
  });

  test('a redelivery in an earlier second does not change which agent a later transfer ends', () => {
    const events = [
      mk('b1', 'QUEUED', 0, { queue: { id: 'q1' } }),
      mk('b2', 'ROUTED', 5_000, { agent: { id: 'A' } }),
      mk('b4', 'ROUTED', 5_000, { agent: { id: 'B' } }),
      mk('b6', 'TRANSFERRED', 9_000, { agent: { id: 'B' }, reason: 'rona' }),
      mk('b7', 'ROUTED', 9_000, { agent: { id: 'C' } }),
      mk('b8', 'TRANSFERRED', 9_000, { agent: { id: 'C' }, reason: 'rona' }),
    ];
    const once = foldInteraction(events);
    expect(once.segments.filter((x) => x.type === 'agent').map((x) => [x.agentId, x.endType])).toEqual([
      ['A', 'rerouted'],
      ['B', 'transferred:rona'],
      ['C', 'transferred:rona'],
    ]);
    // b2 again under an id that sorts after B's routing.
    expect(foldInteraction([...events, mk('b5', 'ROUTED', 5_000, { agent: { id: 'A' } })])).toEqual(once);
  });

  test('a second with a transfer that names no agent and one that does keeps the chain in its order', () => {
    const { interaction, segments } = foldInteraction([
      mk('e01', 'CREATED', 0),
      mk('e02', 'QUEUED', 0, { queue: { id: 'q1' } }),
      mk('e03', 'ROUTED', 5_000, { agent: { id: 'a1' }, queue: { id: 'q1' } }),
      mk('e04', 'TRANSFERRED', 5_000, { reason: 'rona' }),
      mk('e05', 'ROUTED', 5_000, { agent: { id: 'a2' } }),
      mk('e06', 'TRANSFERRED', 5_000, { agent: { id: 'a2' }, reason: 'agent_transfer' }),
      mk('e07', 'QUEUED', 5_000, { queue: { id: 'q2' } }),
    ]);
    expect(segments.filter((x) => x.type === 'agent').map((x) => [x.agentId, x.endType])).toEqual([
      ['a1', 'transferred:rona'],
      ['a2', 'transferred:agent'],
    ]);
    expect(interaction.lastAgentId).toBe('a2');
  });

  describe('property: a scenario stamped to whole seconds folds to the agent chain it had to the millisecond', () => {
    const scenarioArb = fc.record({
      start: fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2026, 0, 1) }),
      withCreated: fc.boolean(),
      queued: fc.integer({ min: 1, max: 3 }),
      cycles: fc.array(
        fc.record({ reason: fc.constantFrom('rona', 'agent_logout', 'agent_transfer'), recreate: fc.boolean(), queue: fc.constantFrom('Q0', 'Q1', 'Q2'), namesAgent: fc.boolean() }),
        { maxLength: 4 },
      ),
      // Routings that name the queue they took the task from, as CCE's do.
      routedFromQueue: fc.boolean(),
      // Transfers that name the queue the task leaves, as CCE's do.
      transferNamesQueue: fc.boolean(),
      finalRouting: fc.boolean(),
      close: fc.option(fc.constantFrom('agent', 'customer', 'system'), { nil: undefined }),
      // Mostly well under a second apart, so many events share theirs once stamped to it.
      gaps: fc.array(fc.oneof({ arbitrary: fc.integer({ min: 1, max: 400 }), weight: 4 }, { arbitrary: fc.integer({ min: 401, max: 5_000 }), weight: 1 }), { minLength: 30, maxLength: 30 }),
    });

    it('same agent legs, transfers, status and creation', () => {
      fc.assert(
        fc.property(scenarioArb, (sc) => {
          const events: TaskEventEnvelope[] = [];
          let t = sc.start;
          const push = (type: TaskEventType, body: Partial<TaskEventBody>) => {
            t += sc.gaps[events.length % sc.gaps.length]!;
            // Ids in the order of events, as time-ordered ids (ULID, UUIDv7) are.
            events.push(mk(`p-${String(events.length).padStart(3, '0')}`, type, t, body));
          };
          if (sc.withCreated) push('CREATED', {});
          for (let i = 0; i < sc.queued; i++) push('QUEUED', { queue: { id: 'Q0' }, ewt: i === 0 ? -1 : 30 * i });
          let waitingIn = 'Q0';
          const from = () => (sc.routedFromQueue ? { queue: { id: waitingIn } } : {});
          // A new agent on every routing: one agent routed twice in one second is one state change.
          sc.cycles.forEach((c, i) => {
            push('ROUTED', { agent: { id: `A${i}` }, ...from() });
            // Each reason its own text (padded; the kind reads it trimmed): two transfers naming no
            // agent with one reason in one second would be one state change.
            push('TRANSFERRED', { ...(c.namesAgent ? { agent: { id: `A${i}` } } : {}), reason: c.reason + ' '.repeat(i), ...(sc.transferNamesQueue ? { queue: { id: waitingIn } } : {}) });
            if (c.recreate) push('CREATED', {});
            // Its own EWT: two QUEUEDs of one queue with one EWT in one second are one state change.
            push('QUEUED', { queue: { id: c.queue }, ewt: 100 + i });
            waitingIn = c.queue;
          });
          if (sc.finalRouting) push('ROUTED', { agent: { id: 'A-final' }, ...from() });
          if (sc.close) push('CLOSED', { reason: sc.close });

          const exact = foldInteraction(events);
          const stamped = events.map((e) => ({ ...e, at: Math.floor(e.at / 1000) * 1000 }));
          const folded = foldInteraction(stamped);
          const agentLegs = (f: typeof exact) => f.segments.filter((x) => x.type === 'agent').map((x) => [x.agentId, x.endType]);
          expect(agentLegs(folded)).toEqual(agentLegs(exact));
          expect(folded.interaction.transferCount).toBe(exact.interaction.transferCount);
          expect(folded.interaction.status).toBe(exact.interaction.status);
          expect(folded.segments.at(-1)?.type).toBe(exact.segments.at(-1)?.type);
          // Where every routing names its queue, the queue legs are rebuilt too; not an EWT update of
          // the first wait stamped to its routing's second, which reads as a RONA back to that queue.
          if (sc.routedFromQueue && sc.queued === 1) expect(folded.segments.map((x) => [x.type, x.queueId, x.agentId, x.endType])).toEqual(exact.segments.map((x) => [x.type, x.queueId, x.agentId, x.endType]));
          if (sc.withCreated) expect(folded.interaction.createdInferred).toBe(false);
          expect(foldInteraction([...stamped].reverse())).toEqual(folded);
        }),
        { numRuns: 1_000 },
      );
    });
  });
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
