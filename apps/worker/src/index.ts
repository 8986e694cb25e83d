export { startWorker, type RunningWorker, type WorkerHooks } from './worker';
