import { EarlyRequests } from './early';

function setup() {
  let now = 0;
  const asked: { path: string; auth: string }[] = [];
  const early = new EarlyRequests(
    async (path, init) => {
      asked.push({ path, auth: (init.headers as Record<string, string>).authorization ?? '' });
      return new Response(JSON.stringify({ path }));
    },
    () => now,
  );
  return { early, asked, advance: (ms: number) => (now += ms) };
}

test('an early answer is asked once with the key and taken once, by the same path and key', async () => {
  const { early, asked } = setup();
  early.start('cxk_1', ['/v1/me', '/v1/workflow-sessions']);
  expect(asked).toEqual([
    { path: '/v1/me', auth: 'Bearer cxk_1' },
    { path: '/v1/workflow-sessions', auth: 'Bearer cxk_1' },
  ]);
  const r = early.take('/v1/workflow-sessions', 'cxk_1');
  expect(await (await r!).json()).toEqual({ path: '/v1/workflow-sessions' });
  expect(early.take('/v1/workflow-sessions', 'cxk_1')).toBeNull();
  expect(early.take('/v1/interactions', 'cxk_1')).toBeNull();
});

test('another key (signed in again) or a stale answer is never used', () => {
  const { early, advance } = setup();
  early.start('cxk_old', ['/v1/me', '/v1/workflow-sessions']);
  expect(early.take('/v1/me', 'cxk_new')).toBeNull();
  advance(10_001);
  expect(early.take('/v1/workflow-sessions', 'cxk_old')).toBeNull();
});

test('a failed early request is no unhandled rejection', async () => {
  const early = new EarlyRequests(() => Promise.reject(new Error('offline')), () => 0);
  early.start('k', ['/v1/me']);
  await expect(early.take('/v1/me', 'k')).rejects.toThrow('offline');
});

test('an answer that has arrived can be drawn at once, and only once', async () => {
  const { early } = setup();
  early.start('k', ['/v1/workflow-sessions']);
  expect(early.peek('/v1/workflow-sessions', 'other')).toBeUndefined();
  await new Promise((r) => setTimeout(r, 0));
  expect(early.peek('/v1/workflow-sessions', 'k')).toEqual({ path: '/v1/workflow-sessions' });
  expect(early.peek('/v1/workflow-sessions', 'k')).toBeUndefined();
  expect(early.take('/v1/workflow-sessions', 'k')).toBeNull();
});

test('an error answer is never drawn from early data: the screen asks and handles it', async () => {
  const early = new EarlyRequests(async () => new Response('{"title":"Unauthorized"}', { status: 401 }), () => 0);
  early.start('k', ['/v1/me']);
  await new Promise((r) => setTimeout(r, 0));
  expect(early.peek('/v1/me', 'k')).toBeUndefined();
  expect((await early.take('/v1/me', 'k'))!.status).toBe(401);
});
