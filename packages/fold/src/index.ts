export { foldInteraction, taskEventsInFoldOrder, type OrderedTaskEvent } from './interaction/fold-interaction';
export type * from './interaction/types';
export { foldFlowExecution } from './flow/fold-flow-execution';
export type * from './flow/types';
export { sortEvents, uniqueById, type Ordered } from './order';
