export { IngestEngine, type IngestOutcome, type IngestRequest, type IngestSource, type IngestDeps, type ItemResult, type IngestObservation } from './engine';
export { TenantDirectory } from './tenant-directory';
export { verifyRequest, verifyStandardWebhook, verifyHubSignature, verifyBearer, type AuthHeaders, type AuthResult } from './auth';
export { signStandardWebhook, signHub } from './signing';
export { TenantRateLimiter, type RateDecision } from './rate-limit';
export { BacklogMonitor, type BacklogLevel, type BacklogLimits } from './backlog';
export { taskRawEvent, flowRawEvent, type RawEventOrigin } from './raw-event';
