import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

export type RateDecision = { ok: true } | { ok: false; retryAfterS: number };

/**
 * Requests per second per tenant, counted in Redis so every receiver shares the budget.
 * When Redis is unreachable an in-process limiter takes over (each receiver then enforces
 * the limit alone), so a Redis outage neither blocks senders nor lifts the limit.
 */
export class TenantRateLimiter {
  private readonly limiters = new Map<number, RateLimiterRedis>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly defaultPerSecond: number,
  ) {}

  private limiterFor(points: number): RateLimiterRedis {
    let l = this.limiters.get(points);
    if (!l) {
      l = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.prefix}:ratelimit:${points}`,
        points,
        duration: 1,
        rejectIfRedisNotReady: true,
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
      await this.limiterFor(points).consume(tenant, 1);
      return { ok: true };
    } catch (res) {
      if (res instanceof RateLimiterRes) return { ok: false, retryAfterS: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
      // Neither Redis nor the insurance limiter answered: let the request through rather than drop it.
      return { ok: true };
    }
  }
}
