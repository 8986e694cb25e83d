import { pgTable, text, bigint, bigserial, timestamp, index } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const count = (name: string) => bigint(name, { mode: 'number' }).notNull().default(0);

/**
 * Progress of `cxfold rebuild`, committed with each batch it folds, so an interrupted run
 * continues after its last committed batch. Subjects are walked in (tenant, kind, subject_id)
 * order; the last_* columns are the cursor.
 */
export const rebuildRuns = pgTable(
  'rebuild_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The tenant rebuilt; null = every tenant. */
    tenant: text('tenant'),
    /** task | flow; null = both. */
    kind: text('kind'),
    /** running (or interrupted) | finished | superseded (given up by --restart) */
    status: text('status').notNull().default('running'),
    startedAt: ts('started_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
    lastTenant: text('last_tenant'),
    lastKind: text('last_kind'),
    lastSubject: text('last_subject'),
    /** Subjects walked so far (archived ones included). */
    done: count('done'),
    /** Subjects to walk, estimated when the run started or resumed. */
    total: count('total'),
    /** Raw events folded (and set aside as poison) so far. */
    events: count('events'),
    /** Subjects skipped because prune archived their record. */
    archived: count('archived'),
  },
  (t) => [index('rebuild_runs_scope_idx').on(t.tenant, t.kind, t.status)],
);
