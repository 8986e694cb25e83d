export {
  Metrics,
  createMetrics,
  INGEST_OUTCOMES,
  UNKNOWN_TENANT_LABEL,
  UNKNOWN_TYPE_LABEL,
  QUEUE_STATES,
  type IngestSample,
  type IngestMetricOutcome,
  type MetricsOptions,
} from './metrics';
export { Readiness, standardReadiness, postgresCheck, redisCheck, migrationsCheck, type ReadinessCheck, type ReadinessReport } from './readiness';
export { httpMetrics, routePattern, opsRoutes, createOpsApp, type OpsRoutesOptions } from './http';
export { adminAuth, adminQueuesRouter, offeredKey, ADMIN_QUEUES_PATH, type AdminQueuesOptions } from './admin-queues';
