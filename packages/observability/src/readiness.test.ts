import { Readiness } from './readiness';

test('all checks pass → ready; each failure carries its reason', async () => {
  const ok = new Readiness({ a: async () => undefined, b: async () => undefined });
  expect(await ok.check()).toEqual({ ready: true, checks: { a: 'ok', b: 'ok' } });
  const bad = new Readiness({ a: async () => undefined, b: async () => Promise.reject(new Error('connect ECONNREFUSED')) });
  expect(await bad.check()).toEqual({ ready: false, checks: { a: 'ok', b: 'connect ECONNREFUSED' } });
});

test('a hung check fails at its deadline, and is not started again while it hangs', async () => {
  let started = 0;
  const r = new Readiness(
    {
      hung: () => {
        started++;
        return new Promise<void>(() => undefined);
      },
    },
    50,
  );
  const t0 = Date.now();
  const first = await r.check();
  expect(Date.now() - t0).toBeLessThan(1_000);
  expect(first.ready).toBe(false);
  expect(first.checks.hung).toMatch(/did not finish within 50 ms/);
  await r.check();
  expect(started).toBe(1);
});

test('a check that recovers is run afresh on the next probe', async () => {
  let fail = true;
  const r = new Readiness({ x: async () => (fail ? Promise.reject(new Error('down')) : undefined) });
  expect((await r.check()).ready).toBe(false);
  fail = false;
  expect((await r.check()).ready).toBe(true);
});
