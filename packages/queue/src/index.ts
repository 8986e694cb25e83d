export * from './jobs';
export { createRedis } from './connection';
export { FoldQueue } from './fold-queue';
