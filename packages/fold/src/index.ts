export { foldInteraction } from './interaction/fold-interaction';
export { taskEventsInFoldOrder, type OrderedTaskEvent } from './interaction/causal-order';
export { RANG_OUT, rangOut } from './interaction/reasons';
export type * from './interaction/types';
export { foldFlowExecution } from './flow/fold-flow-execution';
export type * from './flow/types';
export { sortEvents, uniqueById, type Ordered } from './order';
