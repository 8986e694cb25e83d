import { z } from 'zod';

/** Queue names. One queue per job family, so a backlog of one never hides another. */
export const QUEUES = { fold: 'fold' } as const;

/** The fold job: "fold the raw event with this id into its record". The event itself stays in Postgres. */
export const foldJobSchema = z.object({
  rawEventId: z.number().int().positive(),
  tenant: z.string().min(1),
  kind: z.enum(['task', 'flow']),
  subjectId: z.string().min(1),
  eventId: z.string().min(1),
  requestId: z.string().nullable().optional(),
  receivedAtMs: z.number().optional(),
});
export type FoldJob = z.infer<typeof foldJobSchema>;

export interface JobPolicy {
  attempts: number;
  backoffMs: number;
}

/** One entry per job name: payload schema and retry policy. */
export const JOB_CATALOG = {
  fold: { queue: QUEUES.fold, schema: foldJobSchema },
} as const;

/**
 * BullMQ job ids are the event ids. BullMQ forbids ':' in custom ids (it is its key
 * separator), so the tenant and event id are percent-encoded, which also keeps ids unique.
 */
export function foldJobId(tenant: string, eventId: string): string {
  return `${encodeURIComponent(tenant)}~${encodeURIComponent(eventId).replace(/:/g, '%3A')}`;
}

export function foldJobOptions(policy: JobPolicy, jobId: string) {
  return {
    jobId,
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
