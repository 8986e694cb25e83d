export { createFoldWorker, type FoldWorker, type FoldWorkerOptions } from './fold-worker';
export { FoldBatcher, type JobOutcome, type BatchStats } from './batcher';
export { Sweeper, type SweeperOptions } from './sweeper';
export { foldSubjects, type FoldSubjectsResult } from './fold-subjects';
export { decodeTaskEvent, decodeFlowEvent, PoisonEventError } from './decode';
export { isDatabaseUnavailable } from './db-errors';
export { rebuildProjections, describeScope, RebuildBusyError, type RebuildOptions, type RebuildProgress, type RebuildSummary } from './rebuild';
