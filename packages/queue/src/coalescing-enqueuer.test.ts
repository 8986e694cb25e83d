import { CoalescingEnqueuer } from './coalescing-enqueuer';
import type { FoldEvent } from './jobs';

const event = (n: number): FoldEvent => ({ rawEventId: n, tenant: 't', kind: 'task', subjectId: `s${n}`, eventId: `e${n}` });

function recordingAdder(fail?: Error) {
  const calls: number[][] = [];
  return {
    calls,
    async addEvents(events: FoldEvent[]) {
      calls.push(events.map((e) => e.rawEventId));
      if (fail) throw fail;
    },
  };
}

describe('CoalescingEnqueuer', () => {
  it('queues the events of every request answered in one turn as one job, in order', async () => {
    const adder = recordingAdder();
    const q = new CoalescingEnqueuer(adder);
    await Promise.all([q.add([event(1)]), q.add([event(2), event(3)]), q.add([]), q.add([event(4)])]);
    expect(adder.calls).toEqual([[1, 2, 3, 4]]);
  });

  it('starts a new flush in the next turn', async () => {
    const adder = recordingAdder();
    const q = new CoalescingEnqueuer(adder);
    await q.add([event(1)]);
    await q.add([event(2)]);
    expect(adder.calls).toEqual([[1], [2]]);
  });

  it('sends a flush as soon as it holds maxEvents, without waiting for the turn to end', async () => {
    const adder = recordingAdder();
    const q = new CoalescingEnqueuer(adder, { maxEvents: 3 });
    const first = q.add([event(1), event(2)]);
    const second = q.add([event(3)]);
    expect(adder.calls).toEqual([[1, 2, 3]]);
    const third = q.add([event(4)]);
    await Promise.all([first, second, third]);
    expect(adder.calls).toEqual([[1, 2, 3], [4]]);
  });

  it("rejects every caller of a failed flush with Redis' error, and later flushes still work", async () => {
    const boom = new Error('redis down');
    const failing = new CoalescingEnqueuer(recordingAdder(boom));
    const results = await Promise.allSettled([failing.add([event(1)]), failing.add([event(2)])]);
    expect(results).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
    ]);
    const adder = recordingAdder();
    const q = new CoalescingEnqueuer(adder);
    await q.add([event(5)]);
    expect(adder.calls).toEqual([[5]]);
  });

  it('with a linger, joins the requests of several turns until the linger is up', async () => {
    jest.useFakeTimers();
    try {
      const adder = recordingAdder();
      const q = new CoalescingEnqueuer(adder, { lingerMs: 5 });
      const first = q.add([event(1)]);
      await jest.advanceTimersByTimeAsync(4);
      const second = q.add([event(2)]);
      expect(adder.calls).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(adder.calls).toEqual([[1, 2]]);
      await Promise.all([first, second]);
      const third = q.add([event(3)]);
      await jest.advanceTimersByTimeAsync(5);
      await third;
      expect(adder.calls).toEqual([[1, 2], [3]]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('with a linger, a flush that fills up is sent at once and its timer does not send it again', async () => {
    jest.useFakeTimers();
    try {
      const adder = recordingAdder();
      const q = new CoalescingEnqueuer(adder, { lingerMs: 5, maxEvents: 2 });
      const full = q.add([event(1), event(2)]);
      expect(adder.calls).toEqual([[1, 2]]);
      await full;
      await jest.advanceTimersByTimeAsync(10);
      expect(adder.calls).toEqual([[1, 2]]);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('drain sends what is gathered at once and waits for flushes in flight', async () => {
    const calls: number[][] = [];
    let release!: () => void;
    const slow = { addEvents: (events: FoldEvent[]) => new Promise<void>((r) => { calls.push(events.map((e) => e.rawEventId)); release = r; }) };
    const q = new CoalescingEnqueuer(slow);
    void q.add([event(7)]);
    let drained = false;
    const d = q.drain().then(() => { drained = true; });
    expect(calls).toEqual([[7]]); // sent without waiting for the end of the turn
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false); // still in flight
    release();
    await d;
    expect(drained).toBe(true);
  });
});
