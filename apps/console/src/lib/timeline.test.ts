import type { InteractionDetail } from '../api/types';
import { timelineOf, timeTicks } from './timeline';

const base: InteractionDetail = {
  interactionId: 't',
  startTimestamp: '2026-03-07T10:00:00.000Z',
  endTimestamp: '2026-03-07T10:05:00.000Z',
  interactionTime: 300,
  ivrTime: 10,
  customerAbandonTime: null,
  direction: 'inbound',
  channelType: 'voice',
  contactPoint: null,
  customer: null,
  customerName: null,
  dispositionId: null,
  dispositionName: null,
  segments: [
    { segmentNumber: 0, segmentStartType: 'interaction', segmentEndType: 'success', startTimestamp: '2026-03-07T10:00:00.000Z', endTimestamp: '2026-03-07T10:02:00.000Z' },
    { segmentNumber: 1, segmentStartType: 'transfer', segmentEndType: null, startTimestamp: '2026-03-07T10:02:00.000Z', endTimestamp: null },
  ],
  queues: [
    { queueId: 'q1', queueName: 'Sales', queueExitType: 'success', queueTime: 50, queueAbandoned: false, startTimestamp: '2026-03-07T10:00:10.000Z', endTimestamp: '2026-03-07T10:01:00.000Z' },
    { queueId: 'q2', queueName: null, queueExitType: null, queueTime: null, queueAbandoned: false, startTimestamp: '2026-03-07T10:02:00.000Z', endTimestamp: null },
  ],
  agents: [{ agentId: 'a1', agentName: 'Ann', exitType: 'transfer', handleTime: 60, startTimestamp: '2026-03-07T10:01:00.000Z', endTimestamp: '2026-03-07T10:02:00.000Z' }],
  variables: { call: {}, ecc: {}, extension: {} },
  flowExecutions: [],
};

test('self-service, queue and agent lanes in time order; open legs run to the end; transfers marked', () => {
  const t = timelineOf(base, Date.parse('2026-03-07T11:00:00.000Z'));
  expect(t.bars.map((b) => [b.kind, b.label, (b.end - b.start) / 1000, b.open])).toEqual([
    ['self', 'Self-service', 10, false],
    ['queue', 'Queue Sales', 50, false],
    ['agent', 'Agent Ann', 60, false],
    ['queue', 'Queue q2', 180, true],
  ]);
  expect(t.transfers).toEqual([{ at: Date.parse('2026-03-07T10:02:00.000Z'), label: 'Transfer (segment 1)' }]);
  expect(t.end - t.start).toBe(300_000);
});

test('a still-open interaction runs to now; no IVR bar without self-service time', () => {
  const now = Date.parse('2026-03-07T10:10:00.000Z');
  const t = timelineOf({ ...base, endTimestamp: null, ivrTime: 0 }, now);
  expect(t.end).toBe(now);
  expect(t.bars[0]!.kind).toBe('queue');
});

test('time ticks are round steps', () => {
  expect(timeTicks(300_000)).toEqual([0, 60, 120, 180, 240, 300]);
  expect(timeTicks(45_000)).toEqual([0, 10, 20, 30, 40]);
});
