import { FLOW_LIFECYCLE_RANK, toEpochMs, type ExecutionEnded, type ExecutionStarted, type StepExecuted } from '@cxfold/contracts';
import { sortEvents, uniqueById } from '../order';
import type { FlowEventEnvelope, FlowExecutionRecord, FlowExecutionStatus, FlowStepRecord, FoldedFlowExecution } from './types';

const STATUS_BY_END_REASON: Record<string, FlowExecutionStatus> = {
  completed: 'completed',
  error: 'failed',
  timeout: 'failed',
  abandoned: 'abandoned',
};

/**
 * Folds every event of one flow execution into its record and steps. Steps and the end may
 * come before the start, out of order or twice: the first delivery of each seq (in event
 * order) stands, and a missing start is inferred from the first step and flagged.
 */
export function foldFlowExecution(input: readonly FlowEventEnvelope[]): FoldedFlowExecution {
  const events = sortEvents(uniqueById(input), (e) => FLOW_LIFECYCLE_RANK[e.body.type]);
  const first = events[0];
  if (!first) throw new RangeError('foldFlowExecution needs at least one event');

  let started: ExecutionStarted | null = null;
  let ended: (ExecutionEnded & { at: number }) | null = null;
  const stepsBySeq = new Map<number, FlowStepRecord>();
  let taskId: string | null = null;
  let lastEventAt = first.at;
  // A redelivery under another event id (e.g. a batch re-sent with a new webhook-id) counts once.
  const distinct = new Set<string>();

  for (const e of events) {
    lastEventAt = Math.max(lastEventAt, e.at);
    const b = e.body;
    distinct.add([b.type, e.at, b.type === 'step.executed' ? b.seq : ''].join('|'));
    taskId ??= b.taskId ?? null;
    if (b.type === 'execution.started') started ??= b;
    else if (b.type === 'execution.ended') ended ??= { ...b, at: e.at };
    else if (!stepsBySeq.has(b.seq)) stepsBySeq.set(b.seq, toStep(b, e.at));
  }

  const steps = [...stepsBySeq.values()].sort((a, b) => a.seq - b.seq);
  const startedAt = started ? (toEpochMs(started.startedAt) ?? toEpochMs(started.timestamp) ?? first.at) : Math.min(...steps.map((s) => s.startedAt), first.at);
  const endedAt = ended ? (toEpochMs(ended.endedAt) ?? ended.at) : null;
  const status: FlowExecutionStatus = ended ? (STATUS_BY_END_REASON[ended.endReason ?? 'completed'] ?? 'completed') : 'active';
  const last = steps.at(-1) ?? null;

  const execution: FlowExecutionRecord = {
    id: first.body.executionId,
    interactionId: taskId,
    flowId: started?.flowId ?? null,
    flowName: started?.flowName ?? null,
    flowVersionId: started?.flowVersionId ?? null,
    version: started?.version === undefined ? null : String(started.version),
    tag: started?.tag ?? null,
    from: started?.from ?? null,
    to: started?.to ?? null,
    entryPoint: started?.entryPoint ?? null,
    channel: started?.channel ?? null,
    trigger: started?.trigger ?? null,
    startedAt,
    startInferred: started === null,
    endedAt,
    durationMs: endedAt === null ? null : Math.max(0, endedAt - startedAt),
    status,
    endReason: ended ? (ended.endReason ?? 'completed') : null,
    lastStepName: last?.name ?? null,
    lastStepType: last?.type ?? null,
    currentStepName: status === 'active' ? (last?.name ?? null) : null,
    currentStepType: status === 'active' ? (last?.type ?? null) : null,
    currentStepNodeId: status === 'active' ? (last?.nodeId ?? null) : null,
    stepCount: steps.length,
    errorCount: steps.filter((s) => s.errorCode !== null || s.errorMessage !== null).length,
    httpErrorCount: steps.filter((s) => s.httpStatus !== null && s.httpStatus >= 400).length,
    variablesCategory: started?.variablesCategory ?? null,
    variablesSubCategory: started?.variablesSubCategory ?? null,
    data: started?.data ?? null,
    actionData: ended?.actionData ?? null,
    lastEventAt,
    eventCount: distinct.size,
  };
  return { execution, steps };
}

function toStep(b: StepExecuted, at: number): FlowStepRecord {
  const startedAt = toEpochMs(b.startedAt) ?? at;
  const endedAt = toEpochMs(b.endedAt);
  return {
    seq: b.seq,
    nodeId: b.nodeId ?? null,
    type: b.stepType.trim().toLowerCase().replace(/[\s-]+/g, '_'),
    name: b.name ?? null,
    startedAt,
    endedAt,
    durationMs: endedAt === null ? null : Math.max(0, endedAt - startedAt),
    result: b.result ?? null,
    httpStatus: b.httpStatus ?? null,
    httpMethod: b.httpMethod ?? null,
    url: b.url ?? null,
    errorCode: b.error?.code === undefined ? null : String(b.error.code),
    errorMessage: b.error?.message ?? null,
    settings: b.settings ?? null,
    valuesBefore: b.valuesBefore ?? null,
    valuesAfter: b.valuesAfter ?? null,
    raw: b,
  };
}
