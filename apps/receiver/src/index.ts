export { startReceiver, type RunningReceiver } from './receiver';
export { createReceiverApp, requestIds, accessLog, errorHandler } from './app';
export { sendProblem, type Problem } from './problem';
