import { RawEventWriter, insertRawEvents, type RawEventInput } from '@cxfold/db';
import { createTestEnv, eventually, type TestEnv } from '@cxfold/testkit';

/**
 * How the group commit gathers writes into inserts, read back from Postgres: the rows of
 * one insert share its transaction id (`xmin`), so the groups are visible without looking
 * inside the writer.
 */
let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env.teardown();
});

let seq = 0;
const event = (subjectId: string): RawEventInput => {
  seq++;
  return {
    tenant: 'group-commit',
    eventId: `gc-${seq}`,
    kind: 'task',
    eventType: 'CREATED',
    subjectId,
    occurredAtMs: Date.now(),
    payload: { seq },
    maskCount: 0,
    requestId: null,
  };
};

/** Event ids per insert, in insert order. */
async function insertsOf(subjectId: string): Promise<string[][]> {
  const rows = await env.db.sql<{ ids: string[] }[]>`
    select array_agg(event_id order by id) as ids from raw_events
    where subject_id = ${subjectId} group by xmin::text order by min(id)`;
  return rows.map((r) => r.ids);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves to 'pending' if `p` has not settled within `ms` (and leaves no timer behind when it has). */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p.then(() => 'settled' as const), new Promise<'pending'>((r) => (timer = setTimeout(() => r('pending'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

test('without a linger, a write to an idle writer goes at once and the writes behind it share the next insert', async () => {
  const writer = new RawEventWriter(env.db.sql, { maxBatch: 500 });
  const [a, b, c] = [event('no-linger'), event('no-linger'), event('no-linger')];
  // a's insert starts inside write(); b and c, written in the same tick, gather behind it.
  await Promise.all([writer.write([a]), writer.write([b]), writer.write([c])]);
  expect(await insertsOf('no-linger')).toEqual([[a.eventId], [b.eventId, c.eventId]]);
});

test('with a linger, writes that arrive within it after an idle moment share one insert', async () => {
  const writer = new RawEventWriter(env.db.sql, { maxBatch: 500, lingerMs: 1_000 });
  const [a, b, c] = [event('linger'), event('linger'), event('linger')];
  const writes = [writer.write([a])];
  await sleep(20);
  writes.push(writer.write([b]));
  await sleep(20);
  writes.push(writer.write([c]));
  const outcomes = await Promise.all(writes);
  expect(outcomes.map((o) => o[0]!.duplicate)).toEqual([false, false, false]);
  expect(await insertsOf('linger')).toEqual([[a.eventId, b.eventId, c.eventId]]);
});

test('a linger never holds a full batch: it goes as soon as it reaches the largest insert', async () => {
  const writer = new RawEventWriter(env.db.sql, { maxBatch: 3, lingerMs: 60_000 });
  const events = [event('full'), event('full'), event('full')];
  const first = writer.write(events.slice(0, 2));
  expect(await settledWithin(first, 200)).toBe('pending');
  // The third event fills the batch: both writes go now, not after the minute's linger.
  const second = writer.write(events.slice(2));
  expect(await settledWithin(Promise.all([first, second]), 10_000)).toBe('settled');
  expect(await insertsOf('full')).toEqual([events.map((e) => e.eventId)]);
});

test('writes that gather behind an insert in flight go when it ends, without a linger of their own', async () => {
  const lingerMs = 2_000;
  const writer = new RawEventWriter(env.db.sql, { maxBatch: 500, lingerMs });
  const [a, b] = [event('behind'), event('behind')];
  // An open transaction holding a's key keeps a's insert in flight (it waits on the row lock).
  const blocker = await env.db.sql.reserve();
  try {
    await blocker`begin`;
    await insertRawEvents(blocker, [a]);
    const aWrite = writer.write([a]);
    await eventually(async () => {
      const [row] = await env.db.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
      return row!.n > 0;
    });
    const bWrite = writer.write([b]);
    expect(await settledWithin(bWrite, 100)).toBe('pending');
    const released = Date.now();
    await blocker`rollback`;
    await Promise.all([aWrite, bWrite]);
    // Well under b's own linger: it went as soon as a's insert ended.
    expect(Date.now() - released).toBeLessThan(lingerMs / 2);
    expect(await insertsOf('behind')).toEqual([[a.eventId], [b.eventId]]);
  } finally {
    blocker.release();
  }
});

test('every insert is reported once it ends: its events, its time, and whether it committed', async () => {
  const inserts: { events: number; seconds: number; ok: boolean }[] = [];
  // The linger puts both writes in one insert.
  const writer = new RawEventWriter(env.db.sql, { maxBatch: 500, lingerMs: 50, onInsert: (events, seconds, ok) => inserts.push({ events, seconds, ok }) });
  const good = event('reported');
  // Postgres refuses a NUL in text: the shared insert fails, then each write is tried on its own.
  const bad = { ...event('reported'), subjectId: 'reported\u0000' };
  const [goodWrite, badWrite] = [writer.write([good]), writer.write([bad])];
  await expect(goodWrite).resolves.toEqual([{ rawEventId: expect.any(Number), duplicate: false }]);
  await expect(badWrite).rejects.toThrow();
  expect(inserts.map(({ events, ok }) => ({ events, ok }))).toEqual([
    { events: 2, ok: false },
    { events: 1, ok: true },
    { events: 1, ok: false },
  ]);
  expect(inserts.every((i) => i.seconds > 0 && i.seconds < 10)).toBe(true);
});

test('an observer that throws changes nothing: the write is stored and answered once, and the error becomes a process warning', async () => {
  const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    let calls = 0;
    const writer = new RawEventWriter(env.db.sql, {
      maxBatch: 500,
      onInsert: () => {
        calls++;
        throw new Error('observer broke');
      },
    });
    const e = event('observer');
    await expect(writer.write([e])).resolves.toEqual([{ rawEventId: expect.any(Number), duplicate: false }]);
    expect(calls).toBe(1);
    expect(await insertsOf('observer')).toEqual([[e.eventId]]);
    expect(emitWarning).toHaveBeenCalledWith('raw event insert observer failed: observer broke', { code: 'CXFOLD_INSERT_OBSERVER' });
  } finally {
    emitWarning.mockRestore();
  }
});
