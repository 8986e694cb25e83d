import { z } from 'zod';

/** Queue names. One queue per job family, so a backlog of one never hides another. */
export const QUEUES = { fold: 'fold' } as const;

/** One raw event to fold: "fold the raw event with this id into its record". The event itself stays in Postgres. */
export const foldEventSchema = z.object({
  rawEventId: z.number().int().positive(),
  tenant: z.string().min(1),
  kind: z.enum(['task', 'flow']),
  subjectId: z.string().min(1),
  eventId: z.string().min(1),
  requestId: z.string().nullable().optional(),
  receivedAtMs: z.number().optional(),
});
export type FoldEvent = z.infer<typeof foldEventSchema>;

/** Most events one fold job carries (a receiver flush, a sweep or a replay is split above it). */
export const MAX_EVENTS_PER_JOB = 1_000;

/**
 * The fold job: the raw events of one receiver group commit (or one sweep, one replay). A BullMQ
 * job costs Redis and the worker's event loop about the same whatever it carries, so one job per
 * group commit instead of one per event (docs/decisions.md, "One fold job per group commit").
 * A job of the older shape, one event with its fields at the top level, is still accepted, so
 * jobs queued by a previous version are folded after an upgrade.
 */
export const foldJobSchema = z.union([
  z.object({ events: z.array(foldEventSchema).min(1).max(MAX_EVENTS_PER_JOB) }),
  foldEventSchema.transform((event) => ({ events: [event] })),
]);
export type FoldJob = { events: FoldEvent[] };

export interface JobPolicy {
  attempts: number;
  backoffMs: number;
}

/** One entry per job name: payload schema and retry policy. */
export const JOB_CATALOG = {
  fold: { queue: QUEUES.fold, schema: foldJobSchema },
} as const;

/**
 * Job options. `jobId` is optional: the receiver's jobs take BullMQ's own ids (each group commit
 * is enqueued once); a sweep or a replay names its job so that two sweepers, or a retried
 * command, do not queue the same events twice. BullMQ forbids ':' in custom ids.
 */
export function foldJobOptions(policy: JobPolicy, jobId?: string) {
  return {
    ...(jobId ? { jobId: jobId.replace(/:/g, '%3A') } : {}),
    attempts: policy.attempts,
    backoff: { type: 'exponential' as const, delay: policy.backoffMs },
    // Postgres is the record of what happened (raw_events.folded_at), so a completed job is
    // deleted at once: keeping the last 1,000 made every completion also trim the completed
    // set and delete an older job, a third more Redis work per event (docs/performance.md).
    // Failed jobs stay a week for inspection on the queue board.
    removeOnComplete: true,
    removeOnFail: { count: 5_000, age: 7 * 24 * 3_600 },
  };
}
