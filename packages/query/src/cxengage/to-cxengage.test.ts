import type { TaskEventBody, TaskEventType } from '@cxfold/contracts';
import { foldInteraction, type FoldedInteraction, type TaskEventEnvelope } from '@cxfold/fold';
import { cxengageId, toCxEngageDetail, type CxEngageInteraction, type FlowExecutionRow, type InteractionRow, type SegmentRow } from './index';
import { legSearchColumns } from '@cxfold/db';

// ---------------------------------------------------------------------------------------
// Test helpers: events → real fold → rows as the database returns them (camelCase, Date).
// ---------------------------------------------------------------------------------------

const TENANT = 'tenant-a';
const ms = (isoTime: string) => Date.parse(isoTime);

type BodyExtras = Partial<Omit<TaskEventBody, 'taskId' | 'timestamp'>>;

let counter = 0;
function ev(taskId: string, type: TaskEventType, isoTime: string, extra: BodyExtras = {}): TaskEventEnvelope {
  const at = ms(isoTime);
  return { eventId: `ev-${++counter}`, type, at, body: { taskId, timestamp: isoTime, eventType: type, ...extra } as TaskEventBody };
}

const date = (v: number | null) => (v === null ? null : new Date(v));

/** FoldedInteraction (epoch ms) → InteractionRow / SegmentRow (Date), as `select` returns them. */
function toRows(tenant: string, { interaction: i, segments }: FoldedInteraction): { interaction: InteractionRow; legs: SegmentRow[] } {
  const search = legSearchColumns(segments);
  const interaction: InteractionRow = {
    tenant,
    id: i.id,
    agentsSearch: search.agents_search,
    channel: i.channel,
    direction: i.direction,
    origin: i.origin,
    destination: i.destination,
    customerName: i.customerName,
    scriptSelector: i.scriptSelector,
    status: i.status,
    createdAt: new Date(i.createdAt),
    createdInferred: i.createdInferred,
    firstQueuedAt: date(i.firstQueuedAt),
    firstRoutedAt: date(i.firstRoutedAt),
    closedAt: date(i.closedAt),
    lastQueueId: i.lastQueueId,
    lastQueueName: i.lastQueueName,
    lastAgentId: i.lastAgentId,
    lastAgentName: i.lastAgentName,
    dispositionCode: i.dispositionCode,
    dispositionName: i.dispositionName,
    closeReason: i.closeReason,
    abandoned: i.abandoned,
    transferCount: i.transferCount,
    totalMs: i.totalMs,
    selfServiceMs: i.selfServiceMs,
    queueMs: i.queueMs,
    handleMs: i.handleMs,
    acwMs: null,
    ewtFirst: i.ewtFirst,
    ewtLast: i.ewtLast,
    callVariables: i.callVariables,
    eccVariables: i.eccVariables,
    extensionVariables: i.extensionVariables,
    conversationId: i.conversationId,
    chatThreadId: i.chatThreadId,
    textPreview: i.textPreview,
    lastEventAt: new Date(i.lastEventAt),
    eventCount: i.eventCount,
    updatedAt: new Date(i.lastEventAt),
    rawPrunedAt: null,
  };
  const legs: SegmentRow[] = segments.map((s) => ({
    tenant,
    interactionId: i.id,
    number: s.number,
    type: s.type,
    startType: s.startType,
    endType: s.endType,
    queueId: s.queueId,
    queueName: s.queueName,
    agentId: s.agentId,
    agentName: s.agentName,
    startedAt: new Date(s.startedAt),
    endedAt: date(s.endedAt),
    interactionCreatedAt: new Date(i.createdAt),
    durationMs: s.durationMs,
    cancelled: s.cancelled,
  }));
  return { interaction, legs };
}

function flow(tenant: string, interactionId: string, x: { id: string; flowId: string | null; flowName: string | null; status: string; startedAt: string; endedAt: string | null }): FlowExecutionRow {
  const startedAt = new Date(x.startedAt);
  const endedAt = x.endedAt === null ? null : new Date(x.endedAt);
  return {
    tenant,
    id: x.id,
    interactionId,
    flowId: x.flowId,
    flowName: x.flowName,
    flowVersionId: null,
    version: null,
    tag: null,
    from: null,
    to: null,
    entryPoint: null,
    channel: null,
    trigger: null,
    startedAt,
    startInferred: false,
    endedAt,
    durationMs: endedAt === null ? null : endedAt.getTime() - startedAt.getTime(),
    status: x.status,
    endReason: null,
    lastStepName: null,
    lastStepType: null,
    currentStepName: null,
    currentStepType: null,
    currentStepNodeId: null,
    stepCount: 0,
    errorCount: 0,
    httpErrorCount: 0,
    variablesCategory: null,
    variablesSubCategory: null,
    data: null,
    actionData: null,
    lastEventAt: endedAt ?? startedAt,
    eventCount: 2,
    updatedAt: endedAt ?? startedAt,
    rawPrunedAt: null,
  };
}

/** Fold the events with the real reducer and map the rows. */
function detail(tenant: string, events: TaskEventEnvelope[], flows: FlowExecutionRow[] = []): CxEngageInteraction {
  const { interaction, legs } = toRows(tenant, foldInteraction(events));
  return toCxEngageDetail(interaction, legs, flows);
}

const segId = (task: string, n: number) => cxengageId(TENANT, task, 'segment', n);
const legId = (task: string, n: number) => cxengageId(TENANT, task, 'leg', n);
const noVariables = { call: {}, ecc: {}, extension: {} };

const SALES = { id: 'Q1', name: 'Sales' };
const BILLING = { id: 'Q2', name: 'Billing' };
const ALICE = { id: 'A1', name: 'Alice' };
const BOB = { id: 'A2', name: 'Bob' };

// ---------------------------------------------------------------------------------------

describe('toCxEngageDetail', () => {
  describe('abandon in queue (mirrors seed 004)', () => {
    const SEED_TENANT = '2336d1ec-c956-47e1-b3b1-fe8fde81b2b4';
    const TASK = 'b2109780-db83-11e7-9709-c2b07aa3bee9';
    const SUPPORT = { id: '3703e470-834a-11e7-b08f-6e56a766befb', name: 'Support' };
    const events = () => [
      ev(TASK, 'CREATED', '2017-12-07T19:20:33.394Z', { mediaType: 'Voice', direction: 'inbound', origin: '+15065552222', destination: '+15065551111' }),
      ev(TASK, 'QUEUED', '2017-12-07T19:20:33.567Z', { queue: SUPPORT, ewt: -1 }),
      ev(TASK, 'CLOSED', '2017-12-07T19:22:07.560Z', { reason: 'customer' }),
    ];
    // Given out of start order on purpose: the first started is the inbound self-service flow.
    const flows = () => [
      flow(SEED_TENANT, TASK, { id: 'exec-close', flowId: 'f-close', flowName: 'Closed Webhook', status: 'completed', startedAt: '2017-12-07T19:22:07.600Z', endedAt: '2017-12-07T19:22:07.655Z' }),
      flow(SEED_TENANT, TASK, {
        id: 'exec-basic',
        flowId: '28219e00-82b6-11e7-b08f-6e56a766befb',
        flowName: 'Basic Flow',
        status: 'completed',
        startedAt: '2017-12-07T19:20:33.100Z',
        endedAt: '2017-12-07T19:20:33.600Z',
      }),
    ];

    it('reproduces the seed document (interaction ends at the CLOSED)', () => {
      // Ids checked against Python's uuid.uuid5(UUID('09da412f-…'), '["<tenant>","<task>","segment",0]').
      const SEGMENT_0 = 'e1b3b27b-bc1e-5e24-aa84-da195f3f5e8f';
      const QUEUE_LEG_0 = '24cfad0f-8455-5963-aa99-524f6a096bfa';
      const expected: CxEngageInteraction = {
        interactionId: TASK,
        tenantId: SEED_TENANT,
        startTimestamp: '2017-12-07T19:20:33.394Z',
        // CCE sends one CLOSED: the interaction ends when the customer left (the seed's
        // 78 ms platform teardown to 19:22:07.638 has no CCE event).
        endTimestamp: '2017-12-07T19:22:07.560Z',
        interactionTime: 94.166,
        ivrTime: 0.173,
        customerAbandonTime: 94.166,
        customerHolds: 0,
        direction: 'inbound',
        channelType: 'voice',
        contactPoint: '+15065551111',
        customer: '+15065552222',
        customerName: null,
        flowId: '28219e00-82b6-11e7-b08f-6e56a766befb',
        flowName: 'Basic Flow',
        dispositionId: null,
        dispositionName: null,
        segments: [
          {
            segmentNumber: 0,
            interactionSegmentId: SEGMENT_0,
            segmentStartType: 'interaction',
            segmentEndType: 'customer-disconnect',
            segmentCancelled: true,
            segmentCancelTime: 94.166,
            startTimestamp: '2017-12-07T19:20:33.394Z',
            endTimestamp: '2017-12-07T19:22:07.560Z',
            segmentTime: 94.166,
            segmentAgentId: null,
            segmentToAgentId: null,
          },
        ],
        queues: [
          {
            interactionQueueId: QUEUE_LEG_0,
            queueId: '3703e470-834a-11e7-b08f-6e56a766befb',
            queueName: 'Support',
            queueEntryType: 'ivr',
            queueExitType: 'abandon',
            queueTime: 93.993,
            queueAbandoned: true,
            queueAbandonTime: 93.993,
            startTimestamp: '2017-12-07T19:20:33.567Z',
            endTimestamp: '2017-12-07T19:22:07.560Z',
            interactionSegmentId: SEGMENT_0,
            agentId: null,
          },
        ],
        agents: [],
        details: {
          endTimestamp: '2017-12-07T19:22:07.560Z',
          interactionId: TASK,
          contactPoint: '+15065551111',
          customer: '+15065552222',
          csat: null,
          startTimestamp: '2017-12-07T19:20:33.394Z',
          agents: [],
          direction: 'inbound',
          contactId: null,
          channelType: 'voice',
        },
        variables: noVariables,
        flowExecutions: [
          {
            id: 'exec-basic',
            flowId: '28219e00-82b6-11e7-b08f-6e56a766befb',
            flowName: 'Basic Flow',
            status: 'completed',
            startedAt: '2017-12-07T19:20:33.100Z',
            endedAt: '2017-12-07T19:20:33.600Z',
            durationSeconds: 0.5,
          },
          {
            id: 'exec-close',
            flowId: 'f-close',
            flowName: 'Closed Webhook',
            status: 'completed',
            startedAt: '2017-12-07T19:22:07.600Z',
            endedAt: '2017-12-07T19:22:07.655Z',
            durationSeconds: 0.055,
          },
        ],
      };
      const out = detail(SEED_TENANT, events(), flows());
      expect(out).toStrictEqual(expected);
      expect(out.segments[0]!.interactionSegmentId).toBe(cxengageId(SEED_TENANT, TASK, 'segment', 0));
      expect(out.queues[0]!.interactionQueueId).toBe(cxengageId(SEED_TENANT, TASK, 'leg', 0));
    });

    it('is deterministic: same record, same document and ids; legs and flows in any order', () => {
      const { interaction, legs } = toRows(SEED_TENANT, foldInteraction(events()));
      const a = toCxEngageDetail(interaction, legs, flows());
      const b = toCxEngageDetail(interaction, [...legs].reverse(), flows().reverse());
      expect(b).toStrictEqual(a);
      expect(detail(SEED_TENANT, events().reverse(), flows())).toStrictEqual(a);
    });

    it('derives ids from tenant + interaction + number: another tenant gets other ids', () => {
      const a = detail(SEED_TENANT, events());
      const b = detail('other-tenant', events());
      expect(b.segments[0]!.interactionSegmentId).not.toBe(a.segments[0]!.interactionSegmentId);
      expect(b.queues[0]!.interactionQueueId).not.toBe(a.queues[0]!.interactionQueueId);
      expect(b.segments[0]!.interactionSegmentId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      // A segment and the leg with the same number never share an id.
      expect(a.segments[0]!.interactionSegmentId).not.toBe(a.queues[0]!.interactionQueueId);
    });
  });

  it('maps a simple handled call', () => {
    const T = 'call-1';
    const out = detail(TENANT, [
      ev(T, 'CREATED', '2024-06-10T09:00:00.000Z', {
        mediaType: 'voice',
        origin: '+14155550100',
        destination: '+18005550199',
        customerName: 'Jane Doe',
        variables: { cv_1: 'acct-77', user_lang: 'en', Channel_Source: 'ivr' },
      }),
      ev(T, 'QUEUED', '2024-06-10T09:00:12.250Z', { queue: SALES, ewt: 30 }),
      ev(T, 'ROUTED', '2024-06-10T09:00:40.500Z', { agent: ALICE }),
      ev(T, 'CLOSED', '2024-06-10T09:05:10.125Z', { reason: 'agent', dispositionCode: 21, dispositionName: 'Resolved' }),
    ]);
    expect(out).toStrictEqual<CxEngageInteraction>({
      interactionId: T,
      tenantId: TENANT,
      startTimestamp: '2024-06-10T09:00:00.000Z',
      endTimestamp: '2024-06-10T09:05:10.125Z',
      interactionTime: 310.125,
      ivrTime: 12.25,
      customerAbandonTime: null,
      customerHolds: 0,
      direction: 'inbound',
      channelType: 'voice',
      contactPoint: '+18005550199',
      customer: '+14155550100',
      customerName: 'Jane Doe',
      flowId: null,
      flowName: null,
      dispositionId: '21',
      dispositionName: 'Resolved',
      segments: [
        {
          segmentNumber: 0,
          interactionSegmentId: segId(T, 0),
          segmentStartType: 'interaction',
          segmentEndType: 'interaction-end',
          segmentCancelled: false,
          segmentCancelTime: null,
          startTimestamp: '2024-06-10T09:00:00.000Z',
          endTimestamp: '2024-06-10T09:05:10.125Z',
          segmentTime: 310.125,
          segmentAgentId: null,
          segmentToAgentId: null,
        },
      ],
      queues: [
        {
          interactionQueueId: legId(T, 0),
          queueId: 'Q1',
          queueName: 'Sales',
          queueEntryType: 'ivr',
          queueExitType: 'success',
          queueTime: 28.25,
          queueAbandoned: false,
          queueAbandonTime: null,
          startTimestamp: '2024-06-10T09:00:12.250Z',
          endTimestamp: '2024-06-10T09:00:40.500Z',
          interactionSegmentId: segId(T, 0),
          agentId: 'A1',
        },
      ],
      agents: [
        {
          agentId: 'A1',
          agentName: 'Alice',
          interactionAgentId: legId(T, 1),
          queueId: 'Q1',
          startTimestamp: '2024-06-10T09:00:40.500Z',
          endTimestamp: '2024-06-10T09:05:10.125Z',
          handleTime: 269.625,
          exitType: 'interaction-end',
          interactionSegmentId: segId(T, 0),
        },
      ],
      details: {
        endTimestamp: '2024-06-10T09:05:10.125Z',
        interactionId: T,
        contactPoint: '+18005550199',
        customer: '+14155550100',
        csat: null,
        startTimestamp: '2024-06-10T09:00:00.000Z',
        agents: ['A1'],
        direction: 'inbound',
        contactId: null,
        channelType: 'voice',
      },
      variables: { call: { cv_1: 'acct-77' }, ecc: { user_lang: 'en' }, extension: { Channel_Source: 'ivr' } },
      flowExecutions: [],
    });
  });

  it('maps an agent transfer to another queue: segment 0 ends in success, segment 1 starts with the transfer', () => {
    const T = 'chat-1';
    const out = detail(TENANT, [
      ev(T, 'CREATED', '2024-06-10T10:00:00.000Z', { mediaType: 'chat', origin: 'chat-user-42', destination: 'app-7' }),
      ev(T, 'QUEUED', '2024-06-10T10:00:02.500Z', { queue: SALES }),
      ev(T, 'ROUTED', '2024-06-10T10:00:10.000Z', { agent: ALICE }),
      ev(T, 'TRANSFERRED', '2024-06-10T10:01:10.000Z', { reason: 'agent_transfer', agent: ALICE }),
      ev(T, 'CREATED', '2024-06-10T10:01:10.500Z', { mediaType: 'chat' }),
      ev(T, 'QUEUED', '2024-06-10T10:01:11.000Z', { queue: BILLING }),
      ev(T, 'ROUTED', '2024-06-10T10:01:41.750Z', { agent: BOB }),
      ev(T, 'CLOSED', '2024-06-10T10:03:00.000Z', { reason: 'agent' }),
    ]);
    expect(out).toStrictEqual<CxEngageInteraction>({
      interactionId: T,
      tenantId: TENANT,
      startTimestamp: '2024-06-10T10:00:00.000Z',
      endTimestamp: '2024-06-10T10:03:00.000Z',
      interactionTime: 180,
      ivrTime: 2.5,
      customerAbandonTime: null,
      customerHolds: 0,
      direction: 'inbound',
      channelType: 'chat',
      contactPoint: 'app-7',
      customer: 'chat-user-42',
      customerName: null,
      flowId: null,
      flowName: null,
      dispositionId: null,
      dispositionName: null,
      segments: [
        {
          segmentNumber: 0,
          interactionSegmentId: segId(T, 0),
          segmentStartType: 'interaction',
          segmentEndType: 'success',
          segmentCancelled: false,
          segmentCancelTime: null,
          startTimestamp: '2024-06-10T10:00:00.000Z',
          endTimestamp: '2024-06-10T10:01:10.000Z',
          segmentTime: 70,
          segmentAgentId: null,
          segmentToAgentId: null,
        },
        {
          segmentNumber: 1,
          interactionSegmentId: segId(T, 1),
          segmentStartType: 'transfer',
          segmentEndType: 'interaction-end',
          segmentCancelled: false,
          segmentCancelTime: null,
          startTimestamp: '2024-06-10T10:01:10.000Z',
          endTimestamp: '2024-06-10T10:03:00.000Z',
          segmentTime: 180,
          segmentAgentId: 'A1',
          segmentToAgentId: 'A2',
        },
      ],
      queues: [
        {
          interactionQueueId: legId(T, 0),
          queueId: 'Q1',
          queueName: 'Sales',
          queueEntryType: 'ivr',
          queueExitType: 'success',
          queueTime: 7.5,
          queueAbandoned: false,
          queueAbandonTime: null,
          startTimestamp: '2024-06-10T10:00:02.500Z',
          endTimestamp: '2024-06-10T10:00:10.000Z',
          interactionSegmentId: segId(T, 0),
          agentId: 'A1',
        },
        {
          interactionQueueId: legId(T, 2),
          queueId: 'Q2',
          queueName: 'Billing',
          queueEntryType: 'transfer',
          queueExitType: 'success',
          queueTime: 31.75,
          queueAbandoned: false,
          queueAbandonTime: null,
          startTimestamp: '2024-06-10T10:01:10.000Z',
          endTimestamp: '2024-06-10T10:01:41.750Z',
          interactionSegmentId: segId(T, 1),
          agentId: 'A2',
        },
      ],
      agents: [
        {
          agentId: 'A1',
          agentName: 'Alice',
          interactionAgentId: legId(T, 1),
          queueId: 'Q1',
          startTimestamp: '2024-06-10T10:00:10.000Z',
          endTimestamp: '2024-06-10T10:01:10.000Z',
          handleTime: 60,
          exitType: 'transfer',
          interactionSegmentId: segId(T, 0),
        },
        {
          agentId: 'A2',
          agentName: 'Bob',
          interactionAgentId: legId(T, 3),
          queueId: 'Q2',
          startTimestamp: '2024-06-10T10:01:41.750Z',
          endTimestamp: '2024-06-10T10:03:00.000Z',
          handleTime: 78.25,
          exitType: 'interaction-end',
          interactionSegmentId: segId(T, 1),
        },
      ],
      details: {
        endTimestamp: '2024-06-10T10:03:00.000Z',
        interactionId: T,
        contactPoint: 'app-7',
        customer: 'chat-user-42',
        csat: null,
        startTimestamp: '2024-06-10T10:00:00.000Z',
        agents: ['A1', 'A2'],
        direction: 'inbound',
        contactId: null,
        channelType: 'chat',
      },
      variables: noVariables,
      flowExecutions: [],
    });
  });

  it('maps a RONA: agent exit rona, the re-queue enters by timeout', () => {
    const T = 'sms-1';
    const out = detail(TENANT, [
      ev(T, 'CREATED', '2024-06-10T11:00:00.000Z', { mediaType: 'sms', origin: '+14155550111', destination: 'sms-svc' }),
      ev(T, 'QUEUED', '2024-06-10T11:00:05.000Z', { queue: SALES }),
      ev(T, 'ROUTED', '2024-06-10T11:00:06.000Z', { agent: ALICE, queue: SALES }),
      ev(T, 'TRANSFERRED', '2024-06-10T11:00:36.000Z', { reason: 'rona', agent: ALICE }),
      // The flow re-creates the task in the same second: the fold orders it after the transfer.
      ev(T, 'CREATED', '2024-06-10T11:00:36.000Z', { mediaType: 'sms' }),
      ev(T, 'QUEUED', '2024-06-10T11:00:36.200Z', { queue: SALES }),
      ev(T, 'ROUTED', '2024-06-10T11:00:50.400Z', { agent: BOB }),
      ev(T, 'CLOSED', '2024-06-10T11:04:00.000Z', { reason: 'agent', dispositionCode: 'SALE', dispositionName: 'Sale' }),
    ]);
    expect(out).toMatchObject({ interactionTime: 240, ivrTime: 5, customerAbandonTime: null, dispositionId: 'SALE', dispositionName: 'Sale', channelType: 'sms' });
    expect(out.segments).toStrictEqual([
      {
        segmentNumber: 0,
        interactionSegmentId: segId(T, 0),
        segmentStartType: 'interaction',
        segmentEndType: 'success',
        segmentCancelled: false,
        segmentCancelTime: null,
        startTimestamp: '2024-06-10T11:00:00.000Z',
        endTimestamp: '2024-06-10T11:00:36.000Z',
        segmentTime: 36,
        segmentAgentId: null,
        segmentToAgentId: null,
      },
      {
        segmentNumber: 1,
        interactionSegmentId: segId(T, 1),
        segmentStartType: 'transfer',
        segmentEndType: 'interaction-end',
        segmentCancelled: false,
        segmentCancelTime: null,
        startTimestamp: '2024-06-10T11:00:36.000Z',
        endTimestamp: '2024-06-10T11:04:00.000Z',
        segmentTime: 240,
        segmentAgentId: null,
        segmentToAgentId: 'A2',
      },
    ]);
    expect(out.queues).toStrictEqual([
      {
        interactionQueueId: legId(T, 0),
        queueId: 'Q1',
        queueName: 'Sales',
        queueEntryType: 'ivr',
        queueExitType: 'success',
        queueTime: 1,
        queueAbandoned: false,
        queueAbandonTime: null,
        startTimestamp: '2024-06-10T11:00:05.000Z',
        endTimestamp: '2024-06-10T11:00:06.000Z',
        interactionSegmentId: segId(T, 0),
        agentId: 'A1',
      },
      {
        interactionQueueId: legId(T, 2),
        queueId: 'Q1',
        queueName: 'Sales',
        queueEntryType: 'timeout',
        queueExitType: 'success',
        queueTime: 14.4,
        queueAbandoned: false,
        queueAbandonTime: null,
        startTimestamp: '2024-06-10T11:00:36.000Z',
        endTimestamp: '2024-06-10T11:00:50.400Z',
        interactionSegmentId: segId(T, 1),
        agentId: 'A2',
      },
    ]);
    expect(out.agents).toStrictEqual([
      {
        agentId: 'A1',
        agentName: 'Alice',
        interactionAgentId: legId(T, 1),
        queueId: 'Q1',
        startTimestamp: '2024-06-10T11:00:06.000Z',
        endTimestamp: '2024-06-10T11:00:36.000Z',
        handleTime: 30,
        exitType: 'rona',
        interactionSegmentId: segId(T, 0),
      },
      {
        agentId: 'A2',
        agentName: 'Bob',
        interactionAgentId: legId(T, 3),
        queueId: 'Q1',
        startTimestamp: '2024-06-10T11:00:50.400Z',
        endTimestamp: '2024-06-10T11:04:00.000Z',
        handleTime: 189.6,
        exitType: 'interaction-end',
        interactionSegmentId: segId(T, 1),
      },
    ]);
    expect(out.details.agents).toStrictEqual(['A1', 'A2']);
  });

  it('maps an agent logout: agent exit logout, the re-queue enters by transfer', () => {
    const T = 'email-1';
    const out = detail(TENANT, [
      ev(T, 'CREATED', '2024-06-10T12:00:00.000Z', { mediaType: 'email', origin: 'jane@example.com', destination: 'support@example.com' }),
      ev(T, 'QUEUED', '2024-06-10T12:00:01.000Z', { queue: SALES }),
      ev(T, 'ROUTED', '2024-06-10T12:00:03.000Z', { agent: ALICE }),
      ev(T, 'TRANSFERRED', '2024-06-10T12:10:03.000Z', { reason: 'agent_logout' }),
      ev(T, 'QUEUED', '2024-06-10T12:10:04.000Z', { queue: SALES }),
      ev(T, 'ROUTED', '2024-06-10T12:12:00.000Z', { agent: BOB }),
      ev(T, 'CLOSED', '2024-06-10T12:20:00.000Z', { reason: 'agent' }),
    ]);
    expect(out).toMatchObject({ interactionTime: 1200, ivrTime: 1, channelType: 'email', contactPoint: 'support@example.com', customer: 'jane@example.com' });
    expect(out.segments.map((s) => [s.segmentNumber, s.segmentStartType, s.segmentEndType, s.startTimestamp, s.endTimestamp, s.segmentTime, s.segmentCancelled])).toStrictEqual([
      [0, 'interaction', 'success', '2024-06-10T12:00:00.000Z', '2024-06-10T12:10:03.000Z', 603, false],
      [1, 'transfer', 'interaction-end', '2024-06-10T12:10:03.000Z', '2024-06-10T12:20:00.000Z', 1200, false],
    ]);
    expect(out.queues).toStrictEqual([
      {
        interactionQueueId: legId(T, 0),
        queueId: 'Q1',
        queueName: 'Sales',
        queueEntryType: 'ivr',
        queueExitType: 'success',
        queueTime: 2,
        queueAbandoned: false,
        queueAbandonTime: null,
        startTimestamp: '2024-06-10T12:00:01.000Z',
        endTimestamp: '2024-06-10T12:00:03.000Z',
        interactionSegmentId: segId(T, 0),
        agentId: 'A1',
      },
      {
        interactionQueueId: legId(T, 2),
        queueId: 'Q1',
        queueName: 'Sales',
        queueEntryType: 'transfer',
        queueExitType: 'success',
        queueTime: 117,
        queueAbandoned: false,
        queueAbandonTime: null,
        startTimestamp: '2024-06-10T12:10:03.000Z',
        endTimestamp: '2024-06-10T12:12:00.000Z',
        interactionSegmentId: segId(T, 1),
        agentId: 'A2',
      },
    ]);
    expect(out.agents).toStrictEqual([
      {
        agentId: 'A1',
        agentName: 'Alice',
        interactionAgentId: legId(T, 1),
        queueId: 'Q1',
        startTimestamp: '2024-06-10T12:00:03.000Z',
        endTimestamp: '2024-06-10T12:10:03.000Z',
        handleTime: 600,
        exitType: 'logout',
        interactionSegmentId: segId(T, 0),
      },
      {
        agentId: 'A2',
        agentName: 'Bob',
        interactionAgentId: legId(T, 3),
        queueId: 'Q1',
        startTimestamp: '2024-06-10T12:12:00.000Z',
        endTimestamp: '2024-06-10T12:20:00.000Z',
        handleTime: 480,
        exitType: 'interaction-end',
        interactionSegmentId: segId(T, 1),
      },
    ]);
  });

  it('names who created each segment and who accepted it (segmentAgentId, segmentToAgentId)', () => {
    const T = 'out-1';
    const CAROL = { id: 'A3', name: 'Carol' };
    const out = detail(TENANT, [
      ev(T, 'CREATED', '2024-06-10T14:00:00.000Z', { mediaType: 'voice', direction: 'outbound', origin: '+18005550199', destination: '+14155550100' }),
      ev(T, 'QUEUED', '2024-06-10T14:00:01.000Z', { queue: SALES }),
      ev(T, 'ROUTED', '2024-06-10T14:00:02.000Z', { agent: ALICE }),
      // Alice transfers; Bob does not answer (RONA); Carol takes it.
      ev(T, 'TRANSFERRED', '2024-06-10T14:03:00.000Z', { reason: 'agent_transfer', agent: ALICE }),
      ev(T, 'QUEUED', '2024-06-10T14:03:01.000Z', { queue: BILLING }),
      ev(T, 'ROUTED', '2024-06-10T14:03:05.000Z', { agent: BOB }),
      ev(T, 'TRANSFERRED', '2024-06-10T14:03:35.000Z', { reason: 'rona', agent: BOB }),
      ev(T, 'QUEUED', '2024-06-10T14:03:36.000Z', { queue: BILLING }),
      ev(T, 'ROUTED', '2024-06-10T14:03:40.000Z', { agent: CAROL }),
      ev(T, 'CLOSED', '2024-06-10T14:08:00.000Z', { reason: 'agent' }),
    ]);
    expect(out.direction).toBe('outbound');
    expect(out.segments.map((s) => [s.segmentNumber, s.segmentStartType, s.segmentAgentId, s.segmentToAgentId])).toStrictEqual([
      // Segment 0 of an outbound interaction: the agent who made it; no transfer accepted yet.
      [0, 'interaction', 'A1', null],
      // Alice's transfer; Bob's leg rang out, so nobody accepted this segment's work.
      [1, 'transfer', 'A1', null],
      // The RONA is the system moving the task, not an agent; Carol accepted it.
      [2, 'transfer', null, 'A3'],
    ]);
    // The same interaction inbound: segment 0 has no creator.
    const inbound = detail(TENANT, [
      ev('in-1', 'CREATED', '2024-06-10T14:00:00.000Z', { mediaType: 'voice' }),
      ev('in-1', 'QUEUED', '2024-06-10T14:00:01.000Z', { queue: SALES }),
      ev('in-1', 'ROUTED', '2024-06-10T14:00:02.000Z', { agent: ALICE }),
      ev('in-1', 'TRANSFERRED', '2024-06-10T14:03:00.000Z', { reason: 'agent_logout' }),
      ev('in-1', 'QUEUED', '2024-06-10T14:03:01.000Z', { queue: BILLING }),
      ev('in-1', 'ROUTED', '2024-06-10T14:03:05.000Z', { agent: BOB }),
    ]);
    // A logout moves the task without the agent's doing: no creator; Bob accepted.
    expect(inbound.segments.map((s) => [s.segmentNumber, s.segmentAgentId, s.segmentToAgentId])).toStrictEqual([
      [0, null, null],
      [1, null, 'A2'],
    ]);
  });

  it('maps a media switch (chat cancelled for a web callback): queue exit callback, segment cancelled', () => {
    const T = 'chat-2';
    const out = detail(
      TENANT,
      [
        ev(T, 'CREATED', '2024-06-10T13:00:00.000Z', { mediaType: 'chat', origin: 'chat-user-7', destination: 'app-7', variables: { ChatThreadID: 'thread-9' } }),
        ev(T, 'QUEUED', '2024-06-10T13:00:04.321Z', { queue: { id: 'Q3', name: 'Chat' } }),
        ev(T, 'CLOSED', '2024-06-10T13:01:04.999Z', { reason: 'Cancelled for web callback' }),
      ],
      [flow(TENANT, T, { id: 'exec-9', flowId: 'f-wcb', flowName: 'Live Chat with WebCallback', status: 'active', startedAt: '2024-06-10T12:59:59.800Z', endedAt: null })],
    );
    expect(out).toStrictEqual<CxEngageInteraction>({
      interactionId: T,
      tenantId: TENANT,
      startTimestamp: '2024-06-10T13:00:00.000Z',
      endTimestamp: '2024-06-10T13:01:04.999Z',
      interactionTime: 64.999,
      ivrTime: 4.321,
      customerAbandonTime: null,
      customerHolds: 0,
      direction: 'inbound',
      channelType: 'chat',
      contactPoint: 'app-7',
      customer: 'chat-user-7',
      customerName: null,
      flowId: 'f-wcb',
      flowName: 'Live Chat with WebCallback',
      dispositionId: null,
      dispositionName: null,
      segments: [
        {
          segmentNumber: 0,
          interactionSegmentId: segId(T, 0),
          segmentStartType: 'interaction',
          segmentEndType: 'cancelled',
          segmentCancelled: true,
          segmentCancelTime: 64.999,
          startTimestamp: '2024-06-10T13:00:00.000Z',
          endTimestamp: '2024-06-10T13:01:04.999Z',
          segmentTime: 64.999,
          segmentAgentId: null,
          segmentToAgentId: null,
        },
      ],
      queues: [
        {
          interactionQueueId: legId(T, 0),
          queueId: 'Q3',
          queueName: 'Chat',
          queueEntryType: 'ivr',
          queueExitType: 'callback',
          queueTime: 60.678,
          queueAbandoned: false,
          queueAbandonTime: null,
          startTimestamp: '2024-06-10T13:00:04.321Z',
          endTimestamp: '2024-06-10T13:01:04.999Z',
          interactionSegmentId: segId(T, 0),
          agentId: null,
        },
      ],
      agents: [],
      details: {
        endTimestamp: '2024-06-10T13:01:04.999Z',
        interactionId: T,
        contactPoint: 'app-7',
        customer: 'chat-user-7',
        csat: null,
        startTimestamp: '2024-06-10T13:00:00.000Z',
        agents: [],
        direction: 'inbound',
        contactId: null,
        channelType: 'chat',
      },
      variables: { call: {}, ecc: {}, extension: { ChatThreadID: 'thread-9' } },
      flowExecutions: [
        { id: 'exec-9', flowId: 'f-wcb', flowName: 'Live Chat with WebCallback', status: 'active', startedAt: '2024-06-10T12:59:59.800Z', endedAt: null, durationSeconds: null },
      ],
    });
  });

  describe('edges', () => {
    it('a transfer nobody picked up: segment 0 ends interaction-end, segment 1 is the customer disconnect', () => {
      const T = 'voice-9';
      const out = detail(TENANT, [
        ev(T, 'CREATED', '2024-06-10T14:00:00.000Z', { mediaType: 'voice' }),
        ev(T, 'QUEUED', '2024-06-10T14:00:03.000Z', { queue: SALES }),
        ev(T, 'ROUTED', '2024-06-10T14:00:10.000Z', { agent: ALICE }),
        ev(T, 'TRANSFERRED', '2024-06-10T14:01:00.000Z', { reason: 'agent_transfer', agent: ALICE }),
        ev(T, 'QUEUED', '2024-06-10T14:01:01.000Z', { queue: BILLING }),
        ev(T, 'CLOSED', '2024-06-10T14:02:30.500Z', { reason: 'customer' }),
      ]);
      expect(out.customerAbandonTime).toBe(150.5);
      expect(out.interactionTime).toBe(150.5);
      expect(out.segments.map((s) => [s.segmentNumber, s.segmentStartType, s.segmentEndType, s.segmentCancelled, s.segmentCancelTime, s.segmentTime, s.endTimestamp])).toStrictEqual([
        [0, 'interaction', 'interaction-end', false, null, 60, '2024-06-10T14:01:00.000Z'],
        [1, 'transfer', 'customer-disconnect', true, 150.5, 150.5, '2024-06-10T14:02:30.500Z'],
      ]);
      expect(out.queues.map((q) => [q.queueId, q.queueEntryType, q.queueExitType, q.queueTime, q.queueAbandoned, q.queueAbandonTime, q.agentId, q.interactionSegmentId])).toStrictEqual([
        ['Q1', 'ivr', 'success', 7, false, null, 'A1', segId(T, 0)],
        ['Q2', 'transfer', 'abandon', 90.5, true, 90.5, null, segId(T, 1)],
      ]);
    });

    it('an interaction still waiting on a transfer: open values are null', () => {
      const T = 'voice-10';
      const out = detail(TENANT, [
        ev(T, 'CREATED', '2024-06-10T15:00:00.000Z', { mediaType: 'voice' }),
        ev(T, 'QUEUED', '2024-06-10T15:00:01.000Z', { queue: SALES }),
        ev(T, 'ROUTED', '2024-06-10T15:00:02.000Z', { agent: ALICE }),
        ev(T, 'TRANSFERRED', '2024-06-10T15:00:32.000Z', { reason: 'rona', agent: ALICE }),
      ]);
      expect(out).toMatchObject({ endTimestamp: null, interactionTime: null, ivrTime: 1, customerAbandonTime: null });
      expect(out.details.endTimestamp).toBeNull();
      expect(out.segments.map((s) => [s.segmentEndType, s.endTimestamp, s.segmentTime, s.segmentCancelled, s.segmentCancelTime])).toStrictEqual([
        [null, '2024-06-10T15:00:32.000Z', 32, false, null],
        [null, null, null, false, null],
      ]);
      expect(out.queues.at(-1)).toStrictEqual({
        interactionQueueId: legId(T, 2),
        queueId: null,
        queueName: null,
        queueEntryType: 'timeout',
        queueExitType: null,
        queueTime: null,
        queueAbandoned: false,
        queueAbandonTime: null,
        startTimestamp: '2024-06-10T15:00:32.000Z',
        endTimestamp: null,
        interactionSegmentId: segId(T, 1),
        agentId: null,
      });
    });

    it('an agent still allocated has no end, handle time or exit type', () => {
      const T = 'voice-11';
      const out = detail(TENANT, [ev(T, 'QUEUED', '2024-06-10T16:00:00.000Z', { queue: SALES }), ev(T, 'ROUTED', '2024-06-10T16:00:09.999Z', { agent: BOB })]);
      expect(out.agents).toStrictEqual([
        {
          agentId: 'A2',
          agentName: 'Bob',
          interactionAgentId: legId(T, 1),
          queueId: 'Q1',
          startTimestamp: '2024-06-10T16:00:09.999Z',
          endTimestamp: null,
          handleTime: null,
          exitType: null,
          interactionSegmentId: segId(T, 0),
        },
      ]);
      expect(out.segments).toHaveLength(1);
      expect(out.segments[0]).toMatchObject({ segmentEndType: null, endTimestamp: null, segmentTime: null });
      // No CREATED: the start is the first event, so there was no self service.
      expect(out.ivrTime).toBe(0);
    });

    it('an interaction closed before it ever queued has one segment and no queues', () => {
      const T = 'voice-12';
      const out = detail(TENANT, [ev(T, 'CREATED', '2024-06-10T17:00:00.000Z'), ev(T, 'CLOSED', '2024-06-10T17:00:04.004Z', { reason: 'system' })]);
      expect(out).toMatchObject({ interactionTime: 4.004, ivrTime: null, queues: [], agents: [], channelType: null, contactPoint: null, customer: null });
      expect(out.segments).toStrictEqual([
        {
          segmentNumber: 0,
          interactionSegmentId: segId(T, 0),
          segmentStartType: 'interaction',
          segmentEndType: 'interaction-end',
          segmentCancelled: false,
          segmentCancelTime: null,
          startTimestamp: '2024-06-10T17:00:00.000Z',
          endTimestamp: '2024-06-10T17:00:04.004Z',
          segmentTime: 4.004,
          segmentAgentId: null,
          segmentToAgentId: null,
        },
      ]);
    });
  });
});
