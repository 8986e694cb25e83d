import type { FlowEventBody } from '@cxfold/contracts';

export interface FlowEventEnvelope {
  eventId: string;
  /** Event time, epoch ms. */
  at: number;
  body: FlowEventBody;
}

export type FlowExecutionStatus = 'active' | 'completed' | 'failed' | 'abandoned';

export interface FlowStepRecord {
  seq: number;
  nodeId: string | null;
  type: string;
  name: string | null;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  result: string | null;
  httpStatus: number | null;
  httpMethod: string | null;
  url: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  settings: unknown;
  valuesBefore: unknown;
  valuesAfter: unknown;
  /** The whole step event as received (masked). */
  raw: unknown;
}

export interface FlowExecutionRecord {
  id: string;
  interactionId: string | null;
  flowId: string | null;
  flowName: string | null;
  flowVersionId: string | null;
  version: string | null;
  tag: string | null;
  from: string | null;
  to: string | null;
  entryPoint: string | null;
  channel: string | null;
  trigger: string | null;
  startedAt: number;
  /** True when no execution.started was seen: the start is the first step's. */
  startInferred: boolean;
  endedAt: number | null;
  durationMs: number | null;
  status: FlowExecutionStatus;
  endReason: string | null;
  lastStepName: string | null;
  lastStepType: string | null;
  currentStepName: string | null;
  currentStepType: string | null;
  currentStepNodeId: string | null;
  stepCount: number;
  errorCount: number;
  httpErrorCount: number;
  variablesCategory: string | null;
  variablesSubCategory: string | null;
  data: unknown;
  actionData: unknown;
  lastEventAt: number;
  eventCount: number;
}

export interface FoldedFlowExecution {
  execution: FlowExecutionRecord;
  steps: FlowStepRecord[];
}
