import { sql } from 'drizzle-orm';
import { pgTable, text, boolean, integer, bigint, timestamp, jsonb, index, primaryKey } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const ms = (name: string) => bigint(name, { mode: 'number' });

/** One row per Webex Connect flow execution (flow transaction), recomputed from its raw events. */
export const flowExecutions = pgTable(
  'flow_executions',
  {
    tenant: text('tenant').notNull(),
    id: text('id').notNull(),
    /** The CCE task this execution belongs to, when known (links to interactions.id). */
    interactionId: text('interaction_id'),
    flowId: text('flow_id'),
    flowName: text('flow_name'),
    flowVersionId: text('flow_version_id'),
    version: text('version'),
    tag: text('tag'),
    from: text('from'),
    to: text('to'),
    entryPoint: text('entry_point'),
    channel: text('channel'),
    trigger: text('trigger'),
    startedAt: ts('started_at').notNull(),
    startInferred: boolean('start_inferred').notNull().default(false),
    endedAt: ts('ended_at'),
    durationMs: ms('duration_ms'),
    /** active | completed | failed | abandoned */
    status: text('status').notNull(),
    endReason: text('end_reason'),
    lastStepName: text('last_step_name'),
    lastStepType: text('last_step_type'),
    currentStepName: text('current_step_name'),
    currentStepType: text('current_step_type'),
    currentStepNodeId: text('current_step_node_id'),
    stepCount: integer('step_count').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    httpErrorCount: integer('http_error_count').notNull().default(0),
    variablesCategory: text('variables_category'),
    variablesSubCategory: text('variables_sub_category'),
    data: jsonb('data'),
    actionData: jsonb('action_data'),
    lastEventAt: ts('last_event_at').notNull(),
    eventCount: integer('event_count').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    /** Set by `cxfold prune`: raw events deleted, the record is archived (see interactions.rawPrunedAt). */
    rawPrunedAt: ts('raw_pruned_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenant, t.id] }),
    index('flow_executions_started_idx').on(t.tenant, t.startedAt, t.id),
    index('flow_executions_interaction_idx').on(t.tenant, t.interactionId),
    index('flow_executions_flow_name_idx').on(t.tenant, t.flowName, t.startedAt),
    index('flow_executions_entry_point_idx').on(t.tenant, t.entryPoint, t.startedAt),
    index('flow_executions_from_idx').on(t.tenant, t.from, t.startedAt),
    index('flow_executions_to_idx').on(t.tenant, t.to, t.startedAt),
    index('flow_executions_version_idx').on(t.tenant, t.version, t.startedAt),
    index('flow_executions_tag_idx').on(t.tenant, t.tag, t.startedAt),
    index('flow_executions_active_idx').on(t.tenant, t.startedAt).where(sql`status = 'active'`),
    // The overview's failing steps (packages/query stats.ts): executions with a failed step, by start.
    index('flow_executions_failing_idx').on(t.tenant, t.startedAt).where(sql`error_count > 0 or http_error_count > 0`),
  ],
);

/** One row per executed step of a flow execution, in sequence order. */
export const flowSteps = pgTable(
  'flow_steps',
  {
    tenant: text('tenant').notNull(),
    executionId: text('execution_id').notNull(),
    seq: integer('seq').notNull(),
    nodeId: text('node_id'),
    type: text('type').notNull(),
    name: text('name'),
    startedAt: ts('started_at').notNull(),
    endedAt: ts('ended_at'),
    durationMs: ms('duration_ms'),
    result: text('result'),
    httpStatus: integer('http_status'),
    httpMethod: text('http_method'),
    url: text('url'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    settings: jsonb('settings'),
    valuesBefore: jsonb('values_before'),
    valuesAfter: jsonb('values_after'),
    raw: jsonb('raw').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenant, t.executionId, t.seq] }),
    // Steps by name (tenant, name: its leading columns), and the overview's failing steps
    // (packages/query stats.ts), which count how often a step ran from this index alone
    // (index-only scan), without reading the wide step rows. It replaced flow_steps_name_idx
    // (tenant, name), which it covers, so a folded step still costs one index insert besides the key.
    index('flow_steps_runs_idx').on(t.tenant, t.name, t.type, t.executionId),
    // The failed steps alone (about 1 % of them on the demo day), for the overview's failing
    // steps: found per failing execution and grouped by name and type from this index alone,
    // instead of reading every step row of those executions (stats.ts). The predicate is the
    // fold's error rule, written with literals as the query repeats it; a step that did not fail
    // costs no insert here.
    index('flow_steps_failed_idx')
      .on(t.tenant, t.executionId, t.name, t.type)
      .where(sql`error_code is not null or error_message is not null or http_status >= 400`),
  ],
);
