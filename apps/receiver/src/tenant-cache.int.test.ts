import { createTenant, setTenantAuthModes } from '@cxfold/db';
import { TenantDirectory } from '@cxfold/ingest';
import { createTestEnv, eventually, type TestEnv } from '@cxfold/testkit';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env.teardown();
});

it('serves a tenant from memory, then for one more TTL the old answer while a refresh runs, then the new one', async () => {
  await createTenant(env.db.db, 'cache-co');
  const ttlMs = 300;
  const dir = new TenantDirectory(env.db.db, ttlMs);
  expect(dir.peek('cache-co')).toBeUndefined(); // never looked up: the caller must wait for Postgres
  expect(dir.peek('Not A Slug!')).toBeNull(); // not a valid slug: known without Postgres
  const first = await dir.get('cache-co');
  expect(first?.slug).toBe('cache-co');
  const modesBefore = first!.authModes;

  await setTenantAuthModes(env.db.db, 'cache-co', ['bearer_token']);
  expect(dir.peek('cache-co')?.authModes).toEqual(modesBefore); // fresh cache: no query

  await new Promise((r) => setTimeout(r, ttlMs + 20));
  // Expired, within the grace period: the stale answer at once, a refresh in the background.
  expect(dir.peek('cache-co')?.authModes).toEqual(modesBefore);
  await eventually(async () => dir.peek('cache-co')?.authModes.join() === 'bearer_token', 5_000, 20);

  await new Promise((r) => setTimeout(r, 2 * ttlMs + 20));
  expect(dir.peek('cache-co')).toBeUndefined(); // past the grace period: wait for Postgres again
});

it('shares one lookup among concurrent requests for the same slug', async () => {
  await createTenant(env.db.db, 'burst-co');
  const dir = new TenantDirectory(env.db.db, 60_000);
  const answers = await Promise.all(Array.from({ length: 50 }, () => dir.get('burst-co')));
  expect(new Set(answers).size).toBe(1); // the very same object: one query's result
  expect(answers[0]?.slug).toBe('burst-co');
});
