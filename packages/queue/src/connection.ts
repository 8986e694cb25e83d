import { Redis, type RedisOptions } from 'ioredis';

/** A producer's command that gets no answer fails after this long (a hung or stopped server). */
export const PRODUCER_COMMAND_TIMEOUT_MS = 5_000;

/**
 * BullMQ workers need `maxRetriesPerRequest: null` (blocking commands must not time out).
 * Producers fail fast instead, so a receiver with Redis down answers without waiting:
 * the raw event is already durable and the sweeper enqueues it later. A connected Redis that
 * stops answering would hold a producer's commands (and their callers' memory) forever: they
 * time out instead.
 */
export function createRedis(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5_000,
    ...(role === 'producer' ? { commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS } : {}),
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
    ...extra,
  });
}
