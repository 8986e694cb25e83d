import { pgTable, text, boolean, integer, bigint, timestamp, jsonb, index, primaryKey, doublePrecision } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const ms = (name: string) => bigint(name, { mode: 'number' });

/** One row per CCE task (interaction), recomputed from all of its raw events on every change. */
export const interactions = pgTable(
  'interactions',
  {
    tenant: text('tenant').notNull(),
    id: text('id').notNull(),
    channel: text('channel'),
    direction: text('direction').notNull(),
    origin: text('origin'),
    destination: text('destination'),
    customerName: text('customer_name'),
    scriptSelector: text('script_selector'),
    status: text('status').notNull(),
    createdAt: ts('created_at').notNull(),
    createdInferred: boolean('created_inferred').notNull().default(false),
    firstQueuedAt: ts('first_queued_at'),
    firstRoutedAt: ts('first_routed_at'),
    closedAt: ts('closed_at'),
    lastQueueId: text('last_queue_id'),
    lastQueueName: text('last_queue_name'),
    lastAgentId: text('last_agent_id'),
    lastAgentName: text('last_agent_name'),
    /**
     * Every agent id and name of any leg, one per line (sorted): the Agent filter's substring
     * search matches any leg, not only the last (trigram index in migration 0011).
     */
    agentsSearch: text('agents_search').notNull().default(''),
    dispositionCode: text('disposition_code'),
    dispositionName: text('disposition_name'),
    closeReason: text('close_reason'),
    abandoned: boolean('abandoned').notNull().default(false),
    transferCount: integer('transfer_count').notNull().default(0),
    totalMs: ms('total_ms'),
    selfServiceMs: ms('self_service_ms'),
    queueMs: ms('queue_ms').notNull().default(0),
    handleMs: ms('handle_ms').notNull().default(0),
    acwMs: ms('acw_ms'),
    ewtFirst: doublePrecision('ewt_first'),
    ewtLast: doublePrecision('ewt_last'),
    callVariables: jsonb('call_variables').notNull().default({}),
    eccVariables: jsonb('ecc_variables').notNull().default({}),
    extensionVariables: jsonb('extension_variables').notNull().default({}),
    conversationId: text('conversation_id'),
    chatThreadId: text('chat_thread_id'),
    textPreview: text('text_preview'),
    lastEventAt: ts('last_event_at').notNull(),
    eventCount: integer('event_count').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    /**
     * Set by `cxfold prune` when the record's raw events were deleted (retention): the record
     * is archived as it stands and never recomputed; late events for it are dead-lettered
     * with RECORD_ARCHIVED.
     */
    rawPrunedAt: ts('raw_pruned_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenant, t.id] }),
    index('interactions_created_idx').on(t.tenant, t.createdAt, t.id),
    index('interactions_status_idx').on(t.tenant, t.status, t.createdAt),
    index('interactions_queue_idx').on(t.tenant, t.lastQueueId, t.createdAt),
    index('interactions_agent_idx').on(t.tenant, t.lastAgentId, t.createdAt),
    index('interactions_channel_idx').on(t.tenant, t.channel, t.createdAt),
    index('interactions_destination_idx').on(t.tenant, t.destination, t.createdAt),
    index('interactions_origin_idx').on(t.tenant, t.origin, t.createdAt),
    index('interactions_disposition_idx').on(t.tenant, t.dispositionCode, t.createdAt),
    index('interactions_thread_idx').on(t.tenant, t.chatThreadId),
  ],
);

/** One row per leg of an interaction: a queue entry or an agent assignment. */
export const segments = pgTable(
  'segments',
  {
    tenant: text('tenant').notNull(),
    interactionId: text('interaction_id').notNull(),
    number: integer('number').notNull(),
    /** queue | agent */
    type: text('type').notNull(),
    startType: text('start_type').notNull(),
    endType: text('end_type'),
    queueId: text('queue_id'),
    queueName: text('queue_name'),
    agentId: text('agent_id'),
    agentName: text('agent_name'),
    startedAt: ts('started_at').notNull(),
    endedAt: ts('ended_at'),
    /**
     * The interaction's created_at, copied onto each leg: the Queue filter finds the interactions
     * of a date range that had a leg in a queue through one index range, (tenant, queue, created).
     */
    interactionCreatedAt: ts('interaction_created_at'),
    durationMs: ms('duration_ms'),
    cancelled: boolean('cancelled').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.tenant, t.interactionId, t.number] }),
    index('segments_queue_idx').on(t.tenant, t.queueId, t.startedAt),
    index('segments_queue_created_idx').on(t.tenant, t.queueId, t.interactionCreatedAt),
    index('segments_agent_idx').on(t.tenant, t.agentId, t.startedAt),
  ],
);
