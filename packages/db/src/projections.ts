import { rangOut, type FoldedFlowExecution, type FoldedInteraction } from '@cxfold/fold';
import type postgres from 'postgres';
import { interactions, segments, flowExecutions, flowSteps } from './schema';
import { bulkInsert, deleteOtherChildren, pgArrayLiteral } from './bulk-write';

/** A transaction handle from postgres.js `sql.begin`. */
export type Tx = postgres.TransactionSql;

export type EventKind = 'task' | 'flow';

export interface SubjectKey {
  tenant: string;
  kind: EventKind;
  subjectId: string;
}

export interface StoredEvent {
  id: number;
  tenant: string;
  kind: EventKind;
  eventId: string;
  eventType: string;
  subjectId: string;
  occurredAtMs: number;
  payload: unknown;
  /** Already folded by an earlier transaction (folded_at set). */
  folded: boolean;
}

export const subjectKeyString = (k: SubjectKey) => `${k.tenant}\u0001${k.kind}\u0001${k.subjectId}`;

/**
 * Serialises folds of the same record across workers: one transaction-scoped advisory lock
 * per subject, taken in a fixed order so two batches never deadlock.
 */
export async function lockSubjects(tx: Tx, keys: SubjectKey[]): Promise<void> {
  if (keys.length === 0) return;
  await tx`
    select pg_advisory_xact_lock(h)
    from (select distinct hashtextextended(k, 0) as h from unnest(${pgArrayLiteral(keys.map(subjectKeyString))}::text[]) as k) s
    order by h`;
}

export async function loadSubjectEvents(tx: Tx, keys: SubjectKey[]): Promise<StoredEvent[]> {
  if (keys.length === 0) return [];
  const rows = await tx<{ id: string; tenant: string; kind: EventKind; event_id: string; event_type: string; subject_id: string; occurred_ms: string; payload: unknown; folded: boolean }[]>`
    select r.id, r.tenant, r.kind, r.event_id, r.event_type, r.subject_id,
           (extract(epoch from r.occurred_at) * 1000)::bigint as occurred_ms, r.payload, r.folded_at is not null as folded
    from unnest(${pgArrayLiteral(keys.map((k) => k.tenant))}::text[], ${pgArrayLiteral(keys.map((k) => k.kind))}::text[], ${pgArrayLiteral(keys.map((k) => k.subjectId))}::text[]) as u(t, k, s)
    join raw_events r on r.tenant = u.t and r.kind = u.k and r.subject_id = u.s
    where r.dead_lettered_at is null
    order by r.id`;
  return rows.map((r) => ({
    id: Number(r.id),
    tenant: r.tenant,
    kind: r.kind,
    eventId: r.event_id,
    eventType: r.event_type,
    subjectId: r.subject_id,
    occurredAtMs: Number(r.occurred_ms),
    payload: r.payload,
    folded: r.folded,
  }));
}

/**
 * Records and their legs/steps are recomputed whole, then written as upserts that skip rows
 * which came out unchanged (most of them, when one new event arrives), so `updated_at` is
 * when the record last changed, not when it was last refolded.
 */
const UPSERT_RECORD = { upsertOn: ['tenant', 'id'], unlessUnchanged: { ignore: ['updated_at'] } } as const;

// ISO strings and JSON text, not Date objects or tx.json: drizzle's postgres-js driver replaces
// the client's date and json serializers with pass-throughs.
const iso = (ms: number) => new Date(ms).toISOString();
const date = (ms: number | null) => (ms === null ? null : iso(ms));

/**
 * What the Agent filter searches: the agent id and name of every leg that did not ring out,
 * sorted, one per line (migrations 0011 and 0012 fill older rows the same way).
 */
export function legSearchColumns(legs: readonly { type: string; agentId: string | null; agentName: string | null; endType: string | null }[]): { agents_search: string } {
  const lines = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))].sort().join('\n');
  // An agent who let the offer ring out (RONA) never handled the interaction (seed 001: "handled by").
  const handled = legs.filter((l) => !rangOut(l));
  return { agents_search: lines(handled.flatMap((l) => [l.agentId, l.agentName])) };
}

export async function writeInteractions(tx: Tx, folded: { tenant: string; result: FoldedInteraction }[]): Promise<void> {
  if (folded.length === 0) return;
  const rows = folded.map(({ tenant, result, result: { interaction: i } }) => ({
    tenant,
    id: i.id,
    channel: i.channel,
    direction: i.direction,
    origin: i.origin,
    destination: i.destination,
    customer_name: i.customerName,
    script_selector: i.scriptSelector,
    status: i.status,
    created_at: iso(i.createdAt),
    created_inferred: i.createdInferred,
    first_queued_at: date(i.firstQueuedAt),
    first_routed_at: date(i.firstRoutedAt),
    closed_at: date(i.closedAt),
    last_queue_id: i.lastQueueId,
    last_queue_name: i.lastQueueName,
    last_agent_id: i.lastAgentId,
    last_agent_name: i.lastAgentName,
    ...legSearchColumns(result.segments),
    disposition_code: i.dispositionCode,
    disposition_name: i.dispositionName,
    close_reason: i.closeReason,
    abandoned: i.abandoned,
    transfer_count: i.transferCount,
    total_ms: i.totalMs,
    self_service_ms: i.selfServiceMs,
    queue_ms: i.queueMs,
    handle_ms: i.handleMs,
    ewt_first: i.ewtFirst,
    ewt_last: i.ewtLast,
    call_variables: JSON.stringify(i.callVariables),
    ecc_variables: JSON.stringify(i.eccVariables),
    extension_variables: JSON.stringify(i.extensionVariables),
    conversation_id: i.conversationId,
    chat_thread_id: i.chatThreadId,
    text_preview: i.textPreview,
    last_event_at: iso(i.lastEventAt),
    event_count: i.eventCount,
    updated_at: iso(Date.now()),
  }));
  await bulkInsert(tx, interactions, rows, UPSERT_RECORD);
  const segmentRows = folded.flatMap(({ tenant, result }) =>
    result.segments.map((s) => ({
      tenant,
      interaction_id: result.interaction.id,
      number: s.number,
      type: s.type,
      start_type: s.startType,
      end_type: s.endType,
      queue_id: s.queueId,
      queue_name: s.queueName,
      agent_id: s.agentId,
      agent_name: s.agentName,
      started_at: iso(s.startedAt),
      ended_at: date(s.endedAt),
      interaction_created_at: iso(result.interaction.createdAt),
      duration_ms: s.durationMs,
      cancelled: s.cancelled,
    })),
  );
  await bulkInsert(tx, segments, segmentRows, { upsertOn: ['tenant', 'interaction_id', 'number'], unlessUnchanged: { ignore: [] } });
  const parents = folded.map((f) => [f.tenant, f.result.interaction.id] as const);
  await deleteOtherChildren(tx, segments, ['tenant', 'interaction_id'], 'number', parents, segmentRows);
}

/**
 * `stepSeqs`, when given, limits the steps written to those seqs (the record itself is always
 * written). A step row is a function of the events carrying its seq alone, so a live fold
 * writes only the seqs its new events carry and leaves the execution's other steps, already
 * stored by earlier folds, untouched: a step event then costs one step write, not one per
 * step of its execution. Without it (a rebuild), every step is written and steps no longer
 * produced are deleted.
 */
export interface FoldedFlowWrite {
  tenant: string;
  result: FoldedFlowExecution;
  stepSeqs?: ReadonlySet<number>;
}

export async function writeFlowExecutions(tx: Tx, folded: FoldedFlowWrite[]): Promise<void> {
  if (folded.length === 0) return;
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  const rows = folded.map(({ tenant, result: { execution: x } }) => ({
    tenant,
    id: x.id,
    interaction_id: x.interactionId,
    flow_id: x.flowId,
    flow_name: x.flowName,
    flow_version_id: x.flowVersionId,
    version: x.version,
    tag: x.tag,
    from: x.from,
    to: x.to,
    entry_point: x.entryPoint,
    channel: x.channel,
    trigger: x.trigger,
    started_at: iso(x.startedAt),
    start_inferred: x.startInferred,
    ended_at: date(x.endedAt),
    duration_ms: x.durationMs,
    status: x.status,
    end_reason: x.endReason,
    last_step_name: x.lastStepName,
    last_step_type: x.lastStepType,
    current_step_name: x.currentStepName,
    current_step_type: x.currentStepType,
    current_step_node_id: x.currentStepNodeId,
    step_count: x.stepCount,
    error_count: x.errorCount,
    http_error_count: x.httpErrorCount,
    variables_category: x.variablesCategory,
    variables_sub_category: x.variablesSubCategory,
    data: json(x.data),
    action_data: json(x.actionData),
    last_event_at: iso(x.lastEventAt),
    event_count: x.eventCount,
    updated_at: iso(Date.now()),
  }));
  await bulkInsert(tx, flowExecutions, rows, UPSERT_RECORD);
  const stepRows = folded.flatMap(({ tenant, result, stepSeqs }) =>
    (stepSeqs ? result.steps.filter((s) => stepSeqs.has(s.seq)) : result.steps).map((s) => ({
      tenant,
      execution_id: result.execution.id,
      seq: s.seq,
      node_id: s.nodeId,
      type: s.type,
      name: s.name,
      started_at: iso(s.startedAt),
      ended_at: date(s.endedAt),
      duration_ms: s.durationMs,
      result: s.result,
      http_status: s.httpStatus,
      http_method: s.httpMethod,
      url: s.url,
      error_code: s.errorCode,
      error_message: s.errorMessage,
      settings: json(s.settings),
      values_before: json(s.valuesBefore),
      values_after: json(s.valuesAfter),
      raw: JSON.stringify(s.raw),
    })),
  );
  await bulkInsert(tx, flowSteps, stepRows, { upsertOn: ['tenant', 'execution_id', 'seq'], unlessUnchanged: { ignore: [] } });
  // Only executions written whole (a rebuild) can have steps to remove; rows of the others in
  // the kept list never match their (tenant, execution_id), so they need no filtering out.
  const parents = folded.filter((f) => !f.stepSeqs).map((f) => [f.tenant, f.result.execution.id] as const);
  await deleteOtherChildren(tx, flowSteps, ['tenant', 'execution_id'], 'seq', parents, stepRows);
}

/** Removes records (interactions with their segments, flow executions with their steps) whole. */
export async function deleteRecords(tx: Tx, keys: SubjectKey[]): Promise<void> {
  const of = (kind: EventKind) => keys.filter((k) => k.kind === kind);
  const tenants = (ks: SubjectKey[]) => pgArrayLiteral(ks.map((k) => k.tenant));
  const ids = (ks: SubjectKey[]) => pgArrayLiteral(ks.map((k) => k.subjectId));
  const tasks = of('task');
  if (tasks.length) {
    await tx`delete from segments s using unnest(${tenants(tasks)}::text[], ${ids(tasks)}::text[]) as k(t, id) where s.tenant = k.t and s.interaction_id = k.id`;
    await tx`delete from interactions i using unnest(${tenants(tasks)}::text[], ${ids(tasks)}::text[]) as k(t, id) where i.tenant = k.t and i.id = k.id`;
  }
  const flows = of('flow');
  if (flows.length) {
    await tx`delete from flow_steps s using unnest(${tenants(flows)}::text[], ${ids(flows)}::text[]) as k(t, id) where s.tenant = k.t and s.execution_id = k.id`;
    await tx`delete from flow_executions f using unnest(${tenants(flows)}::text[], ${ids(flows)}::text[]) as k(t, id) where f.tenant = k.t and f.id = k.id`;
  }
}

/**
 * Which of these raw events still wait for a fold, and which are folded already. An event is
 * marked folded in the transaction that wrote the record including it, so a job whose event
 * is folded has nothing left to do: a backlog's later jobs for a record whose first fold
 * already saw all its stored events skip reloading it. Dead-lettered or deleted ones are in
 * neither set.
 */
export async function foldStateOf(tx: Tx, rawEventIds: number[]): Promise<{ unfolded: Set<number>; folded: Set<number> }> {
  const unfolded = new Set<number>();
  const folded = new Set<number>();
  if (rawEventIds.length === 0) return { unfolded, folded };
  const rows = await tx<{ id: string; folded: boolean }[]>`
    select id, folded_at is not null as folded from raw_events
    where id = any(${pgArrayLiteral(rawEventIds)}::bigint[]) and dead_lettered_at is null`;
  for (const r of rows) (r.folded ? folded : unfolded).add(Number(r.id));
  return { unfolded, folded };
}

/**
 * The records of these stored events that still wait for a fold (neither folded nor
 * dead-lettered): an import run again after an interruption between its insert and its fold
 * finds those events as duplicates, and must fold them all the same.
 */
export async function unfoldedSubjectsOf(sql: postgres.Sql | Tx, tenant: string, eventIds: string[]): Promise<SubjectKey[]> {
  if (eventIds.length === 0) return [];
  const rows = await sql<{ kind: EventKind; subject_id: string }[]>`
    select distinct kind, subject_id from raw_events
    where tenant = ${tenant} and event_id = any(${pgArrayLiteral(eventIds)}::text[]) and folded_at is null and dead_lettered_at is null`;
  return rows.map((r) => ({ tenant, kind: r.kind, subjectId: r.subject_id }));
}

export async function markFolded(tx: Tx, rawEventIds: number[]): Promise<void> {
  if (rawEventIds.length === 0) return;
  await tx`
    update raw_events set folded_at = now(), fold_attempts = fold_attempts + 1
    where id = any(${pgArrayLiteral(rawEventIds)}::bigint[]) and folded_at is null`;
}

export interface DeadLetterInput {
  rawEventId: number;
  error: string;
  errorCode: string | null;
  attempts: number;
}

/**
 * Records events the worker gives up on; the raw event is flagged so the sweeper leaves it alone.
 * An event folded meanwhile (by another job) is done and left as is, unless `unfolded` says the
 * caller has just taken it out of its record: a stored event that no longer passes the contract
 * on a refold. Then it loses its folded mark and is dead-lettered, so it is not dropped unseen.
 * Returns the raw event ids it dead-lettered.
 */
export async function recordDeadLetters(sql: postgres.Sql | Tx, entries: DeadLetterInput[], opts: { unfolded?: boolean } = {}): Promise<Set<number>> {
  if (entries.length === 0) return new Set();
  const unfolded = opts.unfolded === true;
  const rows = await sql<{ raw_event_id: string }[]>`
    with marked as (
      update raw_events r set dead_lettered_at = now(), folded_at = null
      from unnest(${pgArrayLiteral(entries.map((e) => e.rawEventId))}::bigint[]) as u(id)
      where r.id = u.id and (r.folded_at is null or ${unfolded}::boolean)
      returning r.id, r.tenant, r.event_id, r.kind, r.event_type
    )
    insert into dead_letters (raw_event_id, tenant, event_id, kind, event_type, error, error_code, attempts)
    select m.id, m.tenant, m.event_id, m.kind, m.event_type, u.error, nullif(u.code, ''), u.attempts
    from marked m
    join unnest(${pgArrayLiteral(entries.map((e) => e.rawEventId))}::bigint[], ${pgArrayLiteral(entries.map((e) => e.error.slice(0, 4000)))}::text[],
                ${pgArrayLiteral(entries.map((e) => e.errorCode ?? ''))}::text[], ${pgArrayLiteral(entries.map((e) => e.attempts))}::int4[]) as u(id, error, code, attempts)
      on u.id = m.id
    on conflict (raw_event_id) do update set error = excluded.error, error_code = excluded.error_code,
      attempts = excluded.attempts, created_at = now(), replayed_at = null
    returning raw_event_id`;
  return new Set(rows.map((r) => Number(r.raw_event_id)));
}
