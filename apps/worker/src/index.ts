export { startWorker, type RunningWorker, type WorkerHooks, type WorkerOptions } from './worker';
