export * from './jobs';
export { createRedis } from './connection';
export { FoldQueue } from './fold-queue';
export { checkRedisPolicy, enforceRedisPolicy, UnsafeRedisError, type RedisPolicyCheck } from './redis-policy';
export { CoalescingEnqueuer, type BulkAdder } from './coalescing-enqueuer';
