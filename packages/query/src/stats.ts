import { z } from 'zod';
import { and, count, desc, eq, gte, inArray, isNotNull, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { flowExecutions, flowSteps, interactions, segments, type ApiPrincipal, type Db } from '@cxfold/db';
import { interactionScope } from './scope';
import { flowScope } from './flows';
import { rangeParams } from './params';
import { resolveRange, type ResolvedRange } from './time-range';

/**
 * Aggregates for the console's overview charts. Every figure starts from the same scope as
 * the lists (tenant; for supervisors, interactions that touched one of their queues), so a
 * chart never counts a record its viewer could not open.
 */

export const statsQuery = z.object({ ...rangeParams }).strict();
export type StatsQuery = z.output<typeof statsQuery>;

export const failingStepsQuery = z.object({ ...rangeParams, limit: z.coerce.number().int().min(1).max(50).default(10) }).strict();
export type FailingStepsQuery = z.output<typeof failingStepsQuery>;

/** Upper bounds (seconds) of the queue time buckets; the last bucket is open-ended. */
export const QUEUE_TIME_BOUNDS_S = [10, 30, 60, 120, 300, 600] as const;

const rangeView = (range: ResolvedRange, timeZone: string) => ({ from: range.from.toISOString(), to: range.to.toISOString(), timeZone });

function createdIn(db: Db, who: ApiPrincipal, range: ResolvedRange): SQL {
  return and(interactionScope(db, who), gte(interactions.createdAt, range.from), lt(interactions.createdAt, range.to))!;
}

/**
 * Interactions created per local hour (tenant zone) and channel. The hour where the clocks go
 * back comes twice, once per UTC offset (`utcOffsetMinutes`), so each is counted on its own:
 * grouped by the wall-clock label alone, it showed twice the hour's volume.
 */
export async function interactionsPerHour(db: Db, who: ApiPrincipal, q: StatsQuery, timeZone: string) {
  const range = resolveRange(q, timeZone);
  const local = sql`${interactions.createdAt} at time zone ${timeZone}`;
  // The local wall-clock hour, as text: the console draws it as it is, whatever the browser's zone.
  const hour = sql<string>`to_char(date_trunc('hour', ${local}), 'YYYY-MM-DD"T"HH24:00')`;
  const offset = sql<number>`(extract(epoch from ${local} - (${interactions.createdAt} at time zone 'UTC')) / 60)::int`;
  const rows = await db
    .select({ hour, offset, channel: sql<string>`coalesce(${interactions.channel}, 'unknown')`, n: count() })
    .from(interactions)
    .where(createdIn(db, who, range))
    .groupBy(sql`1`, sql`2`, sql`3`)
    // The earlier of a repeated hour first: its offset is the larger (summer time).
    .orderBy(sql`1`, sql`2 desc`, sql`3`);
  return { range: rangeView(range, timeZone), items: rows.map((r) => ({ hour: r.hour, utcOffsetMinutes: r.offset, channel: r.channel, count: r.n })) };
}

/**
 * How long queued interactions waited (sum of their queue legs), bucketed, with percentiles.
 * Interactions still waiting in a queue have no queue time yet (their open leg counts nothing),
 * so they are counted as `waiting` and kept out of the buckets and percentiles: otherwise every
 * caller still in queue would sit in the 0–10 s bucket and pull the median down.
 */
export async function queueTimeDistribution(db: Db, who: ApiPrincipal, q: StatsQuery, timeZone: string) {
  const range = resolveRange(q, timeZone);
  const boundsMs = sql.raw(`array[${QUEUE_TIME_BOUNDS_S.map((s) => s * 1000).join(',')}]::bigint[]`);
  const queuedIn = and(createdIn(db, who, range), isNotNull(interactions.firstQueuedAt));
  const measured = and(queuedIn, ne(interactions.status, 'queued'));
  const [buckets, [summary]] = await Promise.all([
    db
      .select({ bucket: sql<number>`width_bucket(${interactions.queueMs}, ${boundsMs})`, n: count() })
      .from(interactions)
      .where(measured)
      .groupBy(sql`1`),
    db
      .select({
        n: count(),
        waiting: sql<number>`(count(*) filter (where ${interactions.status} = 'queued'))::int`,
        p50: sql<number | null>`percentile_cont(0.5) within group (order by ${interactions.queueMs}) filter (where ${interactions.status} <> 'queued')`,
        p90: sql<number | null>`percentile_cont(0.9) within group (order by ${interactions.queueMs}) filter (where ${interactions.status} <> 'queued')`,
      })
      .from(interactions)
      .where(queuedIn),
  ]);
  const counts = new Map(buckets.map((b) => [Number(b.bucket), b.n]));
  const items = [0, ...QUEUE_TIME_BOUNDS_S].map((lower, i) => ({ fromSeconds: lower, toSeconds: QUEUE_TIME_BOUNDS_S[i] ?? null, count: counts.get(i) ?? 0 }));
  const seconds = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(Number(v)) / 1000);
  return { range: rangeView(range, timeZone), queued: summary?.n ?? 0, waiting: summary?.waiting ?? 0, p50Seconds: seconds(summary?.p50), p90Seconds: seconds(summary?.p90), items };
}

/**
 * Abandoned ÷ queued, overall (interactions) and per queue (queue legs): an interaction counts
 * once in each queue it entered, and as abandoned in the queue it left from. A supervisor's rows
 * are their own queues only. (Per last queue, an interaction answered in Sales and transferred
 * counted in the queue it ended in, and a supervisor saw rows of queues not theirs.)
 */
export async function abandonRate(db: Db, who: ApiPrincipal, q: StatsQuery, timeZone: string) {
  const range = resolveRange(q, timeZone);
  const inScope = createdIn(db, who, range);
  const [[total], rows] = await Promise.all([
    db
      .select({ queued: count(), abandoned: sql<number>`(count(*) filter (where ${interactions.abandoned}))::int` })
      .from(interactions)
      .where(and(inScope, isNotNull(interactions.firstQueuedAt))),
    db
      .select({
        queueId: segments.queueId,
        queueName: sql<string | null>`max(${segments.queueName})`,
        queued: sql<number>`count(distinct ${segments.interactionId})::int`,
        abandoned: sql<number>`(count(distinct ${segments.interactionId}) filter (where ${segments.endType} = 'abandoned'))::int`,
      })
      .from(segments)
      .innerJoin(interactions, and(eq(interactions.tenant, segments.tenant), eq(interactions.id, segments.interactionId)))
      .where(and(inScope, eq(segments.type, 'queue'), who.role === 'admin' ? undefined : inArray(segments.queueId, who.queues)))
      .groupBy(segments.queueId)
      .orderBy(segments.queueId),
  ]);
  const rate = (a: number, n: number) => (n === 0 ? null : Math.round((a / n) * 10_000) / 10_000);
  const queued = total?.queued ?? 0;
  const abandoned = total?.abandoned ?? 0;
  return {
    range: rangeView(range, timeZone),
    queued,
    abandoned,
    rate: rate(abandoned, queued),
    byQueue: rows.map((r) => ({ queueId: r.queueId, queueName: r.queueName ?? r.queueId, queued: r.queued, abandoned: r.abandoned, rate: rate(r.abandoned, r.queued) })),
  };
}

/**
 * Flow steps that failed most often (an error, or an HTTP status of 400 or more), with how
 * often each ran. Two steps, so the common case stays cheap on a big day: failures are counted
 * only in executions whose folded counters say they had one (found through the partial index
 * flow_executions_failing_idx, whose predicate the condition below repeats word for word, with
 * literals, so the planner can use it whatever the parameters), and only over their failed
 * steps (the partial index flow_steps_failed_idx, the same way: an index-only scan of about 900
 * entries on the demo day instead of every step row of 852 executions, 170 ms -> 8 ms), then
 * runs only for the top steps. The runs are the costly part: every execution of those flows in the range; they are
 * counted from the covering index flow_steps_runs_idx, never from the wide step rows
 * (docs/console.md, "Load time").
 */
export async function failingSteps(db: Db, who: ApiPrincipal, q: FailingStepsQuery, timeZone: string) {
  const range = resolveRange(q, timeZone);
  const inRange = and(flowScope(db, who), gte(flowExecutions.startedAt, range.from), lt(flowExecutions.startedAt, range.to))!;
  const joined = and(eq(flowExecutions.tenant, flowSteps.tenant), eq(flowExecutions.id, flowSteps.executionId));
  // The same rule as the fold's error_count / http_error_count, written with literals exactly
  // as the predicate of flow_steps_failed_idx, so the failed steps come from that index alone.
  const failed = sql`(${flowSteps.errorCode} is not null or ${flowSteps.errorMessage} is not null or ${flowSteps.httpStatus} >= 400)`;
  const failures = sql<number>`count(*)::int`;
  const top = await db
    .select({ flowName: flowExecutions.flowName, stepName: flowSteps.name, stepType: flowSteps.type, failures })
    .from(flowSteps)
    .innerJoin(flowExecutions, joined)
    .where(and(inRange, sql`(${flowExecutions.errorCount} > 0 or ${flowExecutions.httpErrorCount} > 0)`, failed))
    .groupBy(flowExecutions.flowName, flowSteps.name, flowSteps.type)
    .orderBy(desc(failures), flowExecutions.flowName, flowSteps.name)
    .limit(q.limit);
  if (top.length === 0) return { range: rangeView(range, timeZone), items: [] };
  const same = (t: (typeof top)[number]) =>
    and(sql`${flowExecutions.flowName} is not distinct from ${t.flowName}`, sql`${flowSteps.name} is not distinct from ${t.stepName}`, eq(flowSteps.type, t.stepType));
  // The names and types alone, as lists: conditions the index flow_steps_runs_idx (tenant, name,
  // type, execution_id) can answer by itself (an index-only scan once VACUUM has set the visibility
  // map), narrowing to a few rows per top step before the exact pairs are checked.
  const names = [...new Set(top.flatMap((t) => (t.stepName === null ? [] : [t.stepName])))];
  const nameIn = names.length ? inArray(flowSteps.name, names) : undefined;
  const stepNamed = top.some((t) => t.stepName === null) ? or(nameIn, isNull(flowSteps.name)) : nameIn;
  const typeIn = inArray(flowSteps.type, [...new Set(top.map((t) => t.stepType))]);
  const runs = await db
    .select({ flowName: flowExecutions.flowName, stepName: flowSteps.name, stepType: flowSteps.type, runs: count() })
    .from(flowSteps)
    .innerJoin(flowExecutions, joined)
    .where(and(inRange, stepNamed, typeIn, or(...top.map(same))))
    .groupBy(flowExecutions.flowName, flowSteps.name, flowSteps.type);
  const key = (r: { flowName: string | null; stepName: string | null; stepType: string }) => JSON.stringify([r.flowName, r.stepName, r.stepType]);
  const runsOf = new Map(runs.map((r) => [key(r), r.runs]));
  return { range: rangeView(range, timeZone), items: top.map((r) => ({ flowName: r.flowName, stepName: r.stepName, stepType: r.stepType, failures: r.failures, runs: runsOf.get(key(r)) ?? r.failures })) };
}
