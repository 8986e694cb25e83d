export * from './params';
export * from './time-range';
export { CursorError, encodeCursor, decodeCursor } from './cursor';
export { listInteractions, iterateInteractions, countInteractions, type Page, type InteractionListRow, type InteractionFilterQuery } from './interactions-list';
export { listFlowExecutions, iterateFlowExecutions, countFlowExecutions, getFlowExecution, listWorkflowSessions, type FlowListItem, type FlowFilterQuery } from './flows';
export {
  filterOptions,
  history,
  interactionDetail,
  listSavedSearches,
  createSavedSearch,
  renameSavedSearch,
  deleteSavedSearch,
  FILTER_FIELDS,
  SAVED_LISTS,
  type FilterField,
} from './lookups';
export * from './cxengage';
export { statsQuery, failingStepsQuery, interactionsPerHour, queueTimeDistribution, abandonRate, failingSteps, QUEUE_TIME_BOUNDS_S, type StatsQuery, type FailingStepsQuery } from './stats';
