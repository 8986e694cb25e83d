/**
 * The queue leg a TRANSFERRED opens (review of 2026-12-04): CCE's TRANSFERRED names the queue the
 * task leaves; the leg holds it until a QUEUED or ROUTED names where the task went, and the same
 * legs come out whether the events are stamped to the millisecond or to the second (the property
 * test in fold-interaction.test.ts covers that with transfers naming their queue).
 */
import type { TaskEventBody, TaskEventType } from '@cxfold/contracts';
import { foldInteraction } from './fold-interaction';
import type { TaskEventEnvelope } from './types';

const T0 = Date.UTC(2024, 5, 10, 9, 0, 0);
const s = (n: number) => T0 + n * 1000;
let counter = 0;
function ev(type: TaskEventType, at: number, extra: Partial<TaskEventBody> = {}, eventId?: string): TaskEventEnvelope {
  return { eventId: eventId ?? `ev-${String(++counter).padStart(4, '0')}`, type, at, body: { taskId: 't', timestamp: new Date(at).toISOString(), eventType: type, ...extra } as TaskEventBody };
}
const SALES = { id: 'Q1', name: 'Sales' };
const BILLING = { id: 'Q2', name: 'Billing' };
const ALICE = { id: 'A1', name: 'Alice' };
const BOB = { id: 'A2', name: 'Bob' };
const legs = (events: TaskEventEnvelope[]) => foldInteraction(events).segments.map((l) => [l.type, l.startType, l.endType, l.queueId, l.queueName]);

test('a queue-less first QUEUED (ewt -1, as CCE fires it) after a transfer still leaves one queue entry, in the target', () => {
  expect(
    legs([
      ev('QUEUED', s(10), { queue: SALES }),
      ev('ROUTED', s(20), { agent: ALICE }),
      ev('TRANSFERRED', s(50), { reason: 'agent_transfer', agent: ALICE, queue: SALES }),
      ev('CREATED', s(51)),
      ev('QUEUED', s(52), { ewt: -1 }),
      ev('QUEUED', s(55), { ewt: 60, queue: BILLING }),
      ev('ROUTED', s(80), { agent: BOB }),
      ev('CLOSED', s(200), { reason: 'agent' }),
    ]),
  ).toEqual([
    ['queue', 'queued', 'routed', 'Q1', 'Sales'],
    ['agent', 'routed', 'transferred:agent', 'Q1', 'Sales'],
    ['queue', 'transferred:agent', 'routed', 'Q2', 'Billing'],
    ['agent', 'routed', 'closed', 'Q2', 'Billing'],
  ]);
});

test('a RONA back to the same queue keeps the queue name when the QUEUED carries only the id', () => {
  expect(
    legs([
      ev('QUEUED', s(10), { queue: SALES }),
      ev('ROUTED', s(20), { agent: ALICE }),
      ev('TRANSFERRED', s(50), { reason: 'rona', agent: ALICE, queue: SALES }),
      ev('QUEUED', s(52), { queue: { id: SALES.id }, ewt: 30 }),
    ]).at(-1),
  ).toEqual(['queue', 'transferred:rona', null, 'Q1', 'Sales']);
});

test('a transfer of a queued task sharing its second with that wait\'s EWT update folds as it did to the millisecond', () => {
  const exact = [
    ev('QUEUED', s(10), { queue: SALES, ewt: -1 }),
    ev('QUEUED', s(50) + 200, { queue: SALES, ewt: 30 }),
    ev('TRANSFERRED', s(50) + 600, { reason: 'agent_transfer', queue: SALES }),
    ev('QUEUED', s(50) + 900, { queue: BILLING, ewt: -1 }),
    ev('ROUTED', s(80), { agent: BOB, queue: BILLING }),
  ];
  const stamped = exact.map((e) => ({ ...e, at: Math.floor(e.at / 1000) * 1000 }));
  expect(legs(stamped)).toEqual(legs(exact));
});

test('semantic duplicates (redeliveries under new ids) do not change the legs of a transfer second', () => {
  const base = [
    ev('QUEUED', s(10), { queue: SALES }, 'e-01'),
    ev('ROUTED', s(20), { agent: ALICE, queue: SALES }, 'e-02'),
    ev('TRANSFERRED', s(50), { reason: 'agent_transfer', agent: ALICE, queue: SALES }, 'e-03'),
    ev('CREATED', s(50), {}, 'e-04'),
    ev('QUEUED', s(50), { queue: BILLING, ewt: -1 }, 'e-05'),
    ev('ROUTED', s(50), { agent: BOB, queue: BILLING }, 'e-06'),
  ];
  // The sender retried the CREATED of the re-created task 100 times under new ids.
  const redelivered = [...base, ...Array.from({ length: 100 }, (_, i) => ev('CREATED', s(50), {}, `r-${String(i).padStart(3, '0')}`))];
  expect(legs(redelivered)).toEqual(legs(base));
});

test('a direct transfer (ROUTED, no QUEUED) naming the target queue: the waiting leg is in the target', () => {
  expect(
    legs([
      ev('QUEUED', s(10), { queue: SALES }),
      ev('ROUTED', s(20), { agent: ALICE, queue: SALES }),
      ev('TRANSFERRED', s(50), { reason: 'agent_transfer', agent: ALICE, queue: SALES }),
      ev('ROUTED', s(55), { agent: BOB, queue: BILLING }),
    ]).slice(2),
  ).toEqual([
    ['queue', 'transferred:agent', 'routed', 'Q2', 'Billing'],
    ['agent', 'routed', null, 'Q2', 'Billing'],
  ]);
});
