import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { DeadlineError, withDeadline } from '@cxfold/runtime';

export type RateDecision = { ok: true } | { ok: false; retryAfterS: number };

/** How long a request waits for Redis's count before the in-process limiter decides. */
export const RATE_LIMIT_REDIS_TIMEOUT_MS = 250;

/**
 * Requests per second per tenant, counted in Redis so every receiver shares the budget.
 * When Redis is unreachable, or connected but not answering (a hung or stopped server), an
 * in-process limiter takes over (each receiver then enforces the limit alone), so a Redis
 * outage neither blocks senders nor lifts the limit.
 */
export class TenantRateLimiter {
  private readonly limiters = new Map<number, RateLimiterRedis>();
  private readonly local = new Map<number, RateLimiterMemory>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly defaultPerSecond: number,
    private readonly redisTimeoutMs = RATE_LIMIT_REDIS_TIMEOUT_MS,
  ) {}

  private localFor(points: number): RateLimiterMemory {
    let l = this.local.get(points);
    if (!l) {
      l = new RateLimiterMemory({ points, duration: 1 });
      this.local.set(points, l);
    }
    return l;
  }

  private limiterFor(points: number): RateLimiterRedis {
    let l = this.limiters.get(points);
    if (!l) {
      l = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.prefix}:ratelimit:${points}`,
        points,
        duration: 1,
        rejectIfRedisNotReady: true,
        // Its own count: a command that times out after the fallback below has already counted
        // the request locally must not count it a second time.
        insuranceLimiter: new RateLimiterMemory({ points, duration: 1 }),
      });
      this.limiters.set(points, l);
    }
    return l;
  }

  async check(tenant: string, perSecond: number | null): Promise<RateDecision> {
    const points = perSecond ?? this.defaultPerSecond;
    if (points <= 0) return { ok: true };
    try {
      await this.consume(points, tenant);
      return { ok: true };
    } catch (res) {
      if (res instanceof RateLimiterRes) return { ok: false, retryAfterS: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
      // Neither Redis nor the insurance limiter answered: let the request through rather than drop it.
      return { ok: true };
    }
  }

  /**
   * Redis's count, unless it takes longer than the timeout: then the local limiter's. A stalled
   * command is not cancelled; it settles (or times out in ioredis) on its own, unobserved.
   */
  private async consume(points: number, tenant: string): Promise<unknown> {
    const shared = this.limiterFor(points).consume(tenant, 1);
    shared.catch(() => undefined);
    try {
      return await withDeadline('rate limit count in Redis', this.redisTimeoutMs, shared);
    } catch (err) {
      if (err instanceof DeadlineError) return this.localFor(points).consume(tenant, 1);
      throw err;
    }
  }
}
