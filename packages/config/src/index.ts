export { loadEnv, EnvError } from './load-env';
export { baseEnv, receiverFields, workerFields, workerHttpFields, receiverEnv, workerEnv, serverEnv, type ReceiverEnv, type WorkerEnv, type ServerEnv, type BaseEnv } from './schemas';
export { configurationMarkdown } from './docs';
