import { CoalescingEnqueuer } from './coalescing-enqueuer';
import type { FoldJob } from './jobs';

const job = (n: number): FoldJob => ({ rawEventId: n, tenant: 't', kind: 'task', subjectId: `s${n}`, eventId: `e${n}` });

function recordingAdder(fail?: Error) {
  const calls: number[][] = [];
  return {
    calls,
    async addMany(jobs: FoldJob[]) {
      calls.push(jobs.map((j) => j.rawEventId));
      if (fail) throw fail;
    },
  };
}

describe('CoalescingEnqueuer', () => {
  it('sends the jobs of every request answered in one turn with one addMany, in order', async () => {
    const adder = recordingAdder();
    const q = new CoalescingEnqueuer(adder);
    await Promise.all([q.add([job(1)]), q.add([job(2), job(3)]), q.add([]), q.add([job(4)])]);
    expect(adder.calls).toEqual([[1, 2, 3, 4]]);
  });

  it('starts a new flush in the next turn', async () => {
    const adder = recordingAdder();
    const q = new CoalescingEnqueuer(adder);
    await q.add([job(1)]);
    await q.add([job(2)]);
    expect(adder.calls).toEqual([[1], [2]]);
  });

  it('sends a flush as soon as it holds maxJobs, without waiting for the turn to end', async () => {
    const adder = recordingAdder();
    const q = new CoalescingEnqueuer(adder, 3);
    const first = q.add([job(1), job(2)]);
    const second = q.add([job(3)]);
    expect(adder.calls).toEqual([[1, 2, 3]]);
    const third = q.add([job(4)]);
    await Promise.all([first, second, third]);
    expect(adder.calls).toEqual([[1, 2, 3], [4]]);
  });

  it("rejects every caller of a failed flush with Redis' error, and later flushes still work", async () => {
    const boom = new Error('redis down');
    const failing = new CoalescingEnqueuer(recordingAdder(boom));
    const results = await Promise.allSettled([failing.add([job(1)]), failing.add([job(2)])]);
    expect(results).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
    ]);
    const adder = recordingAdder();
    const q = new CoalescingEnqueuer(adder);
    await q.add([job(5)]);
    expect(adder.calls).toEqual([[5]]);
  });

  it('drain sends what is gathered at once and waits for flushes in flight', async () => {
    const calls: number[][] = [];
    let release!: () => void;
    const slow = { addMany: (jobs: FoldJob[]) => new Promise<void>((r) => { calls.push(jobs.map((j) => j.rawEventId)); release = r; }) };
    const q = new CoalescingEnqueuer(slow);
    void q.add([job(7)]);
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
