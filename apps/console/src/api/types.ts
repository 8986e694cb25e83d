/** The API's answers, as the console reads them (see docs/api.md and /openapi.json). */

export interface Me {
  tenant: string;
  role: 'admin' | 'supervisor';
  /** May open the queue board (every tenant's jobs): an admin key made with --operator. */
  operator: boolean;
  timeZone: string;
  queues: { id: string; name: string }[];
}

export interface PageOf<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
  range: { from: string; to: string; timeZone: string };
}

export interface FlowListItem {
  id: string;
  interactionId: string | null;
  flow: string | null;
  flowId: string | null;
  flowVersionId: string | null;
  version: string | null;
  tag: string | null;
  from: string | null;
  to: string | null;
  startedAt: string;
  entryPoint: string | null;
  duration: number | null;
  endedAt: string | null;
  status: string;
}

export interface FlowStep {
  seq: number;
  nodeId: string | null;
  type: string;
  name: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  result: string | null;
  http: { status: number | null; method: string | null; url: string | null } | null;
  error: { code: string | null; message: string | null } | null;
  settings: unknown;
  valuesBefore: unknown;
  valuesAfter: unknown;
  details: unknown;
}

export interface FlowExecution {
  id: string;
  interactionId: string | null;
  flow: { id: string | null; name: string | null; versionId: string | null; version: string | null };
  status: string;
  endReason: string | null;
  details: {
    from: string | null;
    to: string | null;
    startedAt: string | null;
    startInferred: boolean;
    endedAt: string | null;
    flowId: string | null;
    flowVersionId: string | null;
    lastStepExecuted: string | null;
    tag: string | null;
  };
  entryPoint: string | null;
  channel: string | null;
  duration: number | null;
  counts: { steps: number; errors: number; httpErrors: number };
  steps: FlowStep[];
  raw: { eventId: string; type: string; receivedAt: string | null; payload: unknown }[];
}

export interface InteractionListItem {
  id: string;
  created: string;
  closed: string | null;
  channel: string | null;
  queue: { id: string; name: string | null } | null;
  agent: { id: string; name: string | null } | null;
  client: string | null;
  origin: string | null;
  did: string | null;
  disposition: string | null;
  duration: number | null;
  acw: number | null;
  status: string;
}

export interface HistoryItem {
  source: 'active' | 'closed';
  id: string;
  created: string;
  closed: string | null;
  channel: string | null;
  queue: string | null;
  agent: string | null;
  did: string | null;
  disposition: string | null;
  duration: number | null;
  status: string;
  content: string | null;
}

export interface CxSegment {
  segmentNumber: number;
  segmentStartType: string;
  segmentEndType: string | null;
  startTimestamp: string;
  endTimestamp: string | null;
}
export interface CxQueue {
  queueId: string | null;
  queueName: string | null;
  queueExitType: string | null;
  queueTime: number | null;
  queueAbandoned: boolean;
  startTimestamp: string;
  endTimestamp: string | null;
}
export interface CxAgent {
  agentId: string | null;
  agentName: string | null;
  exitType: string | null;
  handleTime: number | null;
  startTimestamp: string;
  endTimestamp: string | null;
}

export interface InteractionDetail {
  interactionId: string;
  startTimestamp: string;
  endTimestamp: string | null;
  interactionTime: number | null;
  ivrTime: number | null;
  customerAbandonTime: number | null;
  direction: string;
  channelType: string | null;
  contactPoint: string | null;
  /** Phone number or email address (the task's origin). */
  customer: string | null;
  customerName: string | null;
  dispositionId: string | null;
  dispositionName: string | null;
  segments: CxSegment[];
  queues: CxQueue[];
  agents: CxAgent[];
  variables: { call: Record<string, unknown>; ecc: Record<string, unknown>; extension: Record<string, unknown> };
  flowExecutions: { id: string; flowName: string | null; status: string; startedAt: string; endedAt: string | null; durationSeconds: number | null }[];
}

export interface WorkflowSession {
  sessionId: string;
  workflowId: string | null;
  workflowName: string | null;
  versionId: string | null;
  startedAt: string;
  timeInWorkflow: number;
  currentWorkflowItem: { id: string | null; name: string | null; type: string | null };
  communicationType: string | null;
  sourcePhoneNumber: string | null;
  variablesCategory: string | null;
  interactionId: string | null;
}

export interface Option {
  value: string;
  label: string;
}

export interface SavedSearch {
  id: number;
  list: 'interactions' | 'flow-executions';
  name: string;
  query: Record<string, unknown>;
}

export interface PerHourStats {
  range: { from: string; to: string; timeZone: string };
  /** `hour` is the local wall-clock hour; the repeated hour of a fall-back day comes once per offset. */
  items: { hour: string; utcOffsetMinutes: number; channel: string; count: number }[];
}
export interface QueueTimeStats {
  queued: number;
  /** Still in a queue: no queue time yet, not in the buckets or percentiles. */
  waiting: number;
  p50Seconds: number | null;
  p90Seconds: number | null;
  items: { fromSeconds: number; toSeconds: number | null; count: number }[];
}
export interface AbandonStats {
  queued: number;
  abandoned: number;
  rate: number | null;
  byQueue: { queueId: string | null; queueName: string | null; queued: number; abandoned: number; rate: number | null }[];
}
export interface FailingStepsStats {
  items: { flowName: string | null; stepName: string | null; stepType: string; failures: number; runs: number }[];
}
