export { createTestEnv, eventually, one, alterTestDatabase, useRecommendedPostgresSettings, type TestEnv } from './test-env';
export { startPipeline, startPrivateRedisPipeline, pipelineSettings, type TestPipeline, type PipelineSettings, type PrivateRedisPipeline } from './pipeline';
export { authHeaders, postJson, getJson, sendSigned, type AuthStyle, type PostResult } from './http';
export { withDatabase, dockerAvailable } from './services';
export { startPrivateRedis, type PrivateRedis } from './private-redis';
export { storeAndFold } from './seed';
export { pgProxy, proxiedDatabase } from './pg-proxy';
export { parseMetricsText, scrapeMetrics, type MetricSample, type ParsedMetrics } from './metrics-text';
export { runCli, inTwos, type CliRun } from './cli';
