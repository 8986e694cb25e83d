import type { Redis } from 'ioredis';

export class UnsafeRedisError extends Error {
  readonly code = 'UNSAFE_REDIS' as const;
}

export type RedisPolicyCheck = { ok: true; policy: string } | { ok: false; policy: string | null; reason: string };

/**
 * BullMQ needs `maxmemory-policy noeviction`: any other policy lets Redis delete queue keys
 * under memory pressure. Nothing acknowledged is lost then (Postgres has it and the sweeper
 * re-enqueues), but folding stalls and jobs run twice, so production refuses to start.
 */
export async function checkRedisPolicy(redis: Redis): Promise<RedisPolicyCheck> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1] ?? null;
    if (policy === 'noeviction') return { ok: true, policy };
    return { ok: false, policy, reason: `maxmemory-policy is ${policy ?? 'unknown'}, not noeviction` };
  } catch (err) {
    // Managed Redis often disables CONFIG; say so instead of guessing.
    return { ok: false, policy: null, reason: `could not read maxmemory-policy: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Warns, or in production throws, when Redis may evict queue keys. Unreachable Redis is not fatal. */
export async function enforceRedisPolicy(redis: Redis, production: boolean, warn: (msg: string) => void): Promise<void> {
  await readyOrTimeout(redis, 3_000);
  const check = await checkRedisPolicy(redis);
  if (check.ok) return;
  const unreachable = check.policy === null && /connect|closed|ready|ECONNREFUSED|offline/i.test(check.reason);
  if (production && !unreachable) throw new UnsafeRedisError(`${check.reason}; set it to noeviction (docs/operations.md)`);
  warn(`${check.reason}; BullMQ keys may be evicted under memory pressure (docs/operations.md)`);
}

/** A fresh connection may still be connecting; give it a moment before asking. */
function readyOrTimeout(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
    redis.once('ready', done);
  });
}
