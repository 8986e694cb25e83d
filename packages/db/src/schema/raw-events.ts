import { sql } from 'drizzle-orm';
import { pgTable, text, boolean, integer, timestamp, bigserial, bigint, json, index, uniqueIndex, smallint } from 'drizzle-orm/pg-core';

/**
 * Every accepted event, as received (card numbers masked), written before the sender gets
 * its 202. This table is the truth: projections can always be rebuilt from it.
 */
export const rawEvents = pgTable(
  'raw_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenant: text('tenant').notNull(),
    eventId: text('event_id').notNull(),
    /** task | flow */
    kind: text('kind').notNull(),
    /** CREATED…CLOSED for tasks; execution.started | step.executed | execution.ended for flows */
    eventType: text('event_type').notNull(),
    /** The record the event folds into: the taskId or the flow executionId. */
    subjectId: text('subject_id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /**
     * json, not jsonb: stored as sent (after masking), never queried by key, read back whole.
     * jsonb's parse on insert was most of Postgres' cost per event at ingest (25 µs vs 7 µs a
     * row for a 600-byte step event) and made the table 30% larger (docs/performance.md).
     */
    payload: json('payload').notNull(),
    masked: boolean('masked').notNull().default(false),
    maskCount: smallint('mask_count').notNull().default(0),
    requestId: text('request_id'),
    foldedAt: timestamp('folded_at', { withTimezone: true, precision: 3 }),
    deadLetteredAt: timestamp('dead_lettered_at', { withTimezone: true, precision: 3 }),
    foldAttempts: integer('fold_attempts').notNull().default(0),
  },
  (t) => [
    uniqueIndex('raw_events_tenant_event_id_uq').on(t.tenant, t.eventId),
    index('raw_events_subject_idx').on(t.tenant, t.kind, t.subjectId),
    // The sweeper only ever looks at events still waiting to be folded.
    index('raw_events_unfolded_idx').on(t.receivedAt).where(sql`folded_at is null and dead_lettered_at is null`),
    index('raw_events_received_idx').on(t.tenant, t.receivedAt),
  ],
);

/** Events the worker gave up on, with why; `cxfold dead-letters replay` sends them back. */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    rawEventId: bigint('raw_event_id', { mode: 'number' }).notNull(),
    tenant: text('tenant').notNull(),
    eventId: text('event_id').notNull(),
    kind: text('kind').notNull(),
    eventType: text('event_type').notNull(),
    error: text('error').notNull(),
    errorCode: text('error_code'),
    attempts: integer('attempts').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    replayedAt: timestamp('replayed_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [uniqueIndex('dead_letters_raw_event_uq').on(t.rawEventId), index('dead_letters_tenant_idx').on(t.tenant, t.createdAt)],
);
