export * from './task-events';
export * from './flow-events';
export * from './timestamps';
export * from './validate';
export * from './safe-json';
export * from './card-mask';
export * from './event-id';
