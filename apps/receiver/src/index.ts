export { startReceiver, type RunningReceiver, type ReceiverOptions } from './receiver';
export { createReceiverApp, createReceiverListener, requestIds, accessLog, errorHandler } from './app';
export { sendProblem, type Problem } from './problem';
