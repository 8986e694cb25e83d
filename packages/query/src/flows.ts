import { and, eq, gte, lt, gt, lte, inArray, or, ilike, sql, count, asc, type SQL } from 'drizzle-orm';
import { flowExecutions, flowSteps, rawEvents, type ApiPrincipal, type Db } from '@cxfold/db';
import { linkedInteractionScope } from './scope';
import { keysetAfter, keysetOrder, keysetPage, keysetAll, type SortSpec, type KeysetFetch } from './keyset';
import { decodeCursor, encodeCursor } from './cursor';
import { resolveRange, type ResolvedRange } from './time-range';
import type { FlowListQuery } from './params';
import type { Page } from './interactions-list';

const SORTS: Record<FlowListQuery['sort'], SortSpec> = {
  started: { expr: flowExecutions.startedAt, kind: 'time', notNull: true },
  ended: { expr: flowExecutions.endedAt, kind: 'time' },
  duration: { expr: flowExecutions.durationMs, kind: 'number' },
  flow: { expr: flowExecutions.flowName, kind: 'text' },
  entryPoint: { expr: flowExecutions.entryPoint, kind: 'text' },
};

const OPS = { gt, lt, gte, lte } as const;

export function flowScope(db: Db, who: ApiPrincipal): SQL {
  return and(eq(flowExecutions.tenant, who.tenant), linkedInteractionScope(db, who, flowExecutions.tenant, flowExecutions.interactionId))!;
}

/** The filters of seed 000's Flow Interactions screen; the date range is always applied. */
export type FlowFilterQuery = Omit<FlowListQuery, 'limit' | 'cursor'>;

export function flowFilters(db: Db, who: ApiPrincipal, q: FlowFilterQuery, range: ResolvedRange): SQL {
  const where: (SQL | undefined)[] = [flowScope(db, who), gte(flowExecutions.startedAt, range.from), lt(flowExecutions.startedAt, range.to)];
  if (q.phone) {
    const byFrom = eq(flowExecutions.from, q.phone);
    const byTo = eq(flowExecutions.to, q.phone);
    where.push(q.phoneIn === 'from' ? byFrom : q.phoneIn === 'to' ? byTo : or(byFrom, byTo));
  }
  if (q.interactionId) where.push(or(eq(flowExecutions.interactionId, q.interactionId), eq(flowExecutions.id, q.interactionId)));
  if (q.flowName?.length) where.push(inArray(flowExecutions.flowName, q.flowName));
  if (q.entryPoint?.length) where.push(inArray(flowExecutions.entryPoint, q.entryPoint));
  if (q.version) where.push(inArray(flowExecutions.version, versionSpellings(q.version)));
  if (q.tag) where.push(eq(flowExecutions.tag, q.tag));
  if (q.duration !== undefined) where.push(OPS[q.durationOp](flowExecutions.durationMs, Math.round(q.duration * 1000)));
  return and(...where)!;
}

const listColumns = {
  id: flowExecutions.id,
  interactionId: flowExecutions.interactionId,
  flowId: flowExecutions.flowId,
  flowName: flowExecutions.flowName,
  flowVersionId: flowExecutions.flowVersionId,
  version: flowExecutions.version,
  tag: flowExecutions.tag,
  from: flowExecutions.from,
  to: flowExecutions.to,
  startedAt: flowExecutions.startedAt,
  entryPoint: flowExecutions.entryPoint,
  durationMs: flowExecutions.durationMs,
  endedAt: flowExecutions.endedAt,
  status: flowExecutions.status,
};

type ListRow = { [K in keyof typeof listColumns]: (typeof listColumns)[K]['_']['data'] | ((typeof listColumns)[K]['_']['notNull'] extends true ? never : null) };

export function toFlowListItem(r: ListRow) {
  return {
    id: r.id,
    interactionId: r.interactionId,
    flow: r.flowName,
    flowId: r.flowId,
    flowVersionId: r.flowVersionId,
    version: r.version,
    tag: r.tag,
    from: r.from,
    to: r.to,
    startedAt: r.startedAt.toISOString(),
    entryPoint: r.entryPoint,
    duration: r.durationMs === null ? null : r.durationMs / 1000,
    endedAt: r.endedAt?.toISOString() ?? null,
    status: r.status,
  };
}
export type FlowListItem = ReturnType<typeof toFlowListItem>;

function fetchFlows(db: Db, who: ApiPrincipal, q: FlowFilterQuery, range: ResolvedRange): KeysetFetch<ListRow> {
  const filters = flowFilters(db, who, q, range);
  const spec = SORTS[q.sort];
  return (after, take) =>
    db
      .select({ ...listColumns, sortValue: sql<string | number | null>`${spec.expr}` })
      .from(flowExecutions)
      .where(and(filters, after ? keysetAfter(spec, flowExecutions.id, q.order, after) : undefined))
      .orderBy(...keysetOrder(spec, flowExecutions.id, q.order))
      .limit(take);
}

export async function listFlowExecutions(db: Db, who: ApiPrincipal, q: FlowListQuery, timeZone: string): Promise<Page<FlowListItem>> {
  const range = resolveRange(q, timeZone);
  const cursorScope = { list: 'flow-executions', sort: q.sort, order: q.order, kind: SORTS[q.sort].kind };
  const [page, total] = await Promise.all([keysetPage(fetchFlows(db, who, q, range), q.cursor ? decodeCursor(q.cursor, cursorScope) : null, q.limit), countFlowExecutions(db, who, q, range)]);
  return {
    items: page.rows.map(toFlowListItem),
    total,
    nextCursor: page.next ? encodeCursor(page.next, cursorScope) : null,
    range: { from: range.from.toISOString(), to: range.to.toISOString(), timeZone },
  };
}

export async function* iterateFlowExecutions(db: Db, who: ApiPrincipal, q: FlowFilterQuery, range: ResolvedRange, max: number) {
  for await (const r of keysetAll(fetchFlows(db, who, q, range), max)) yield toFlowListItem(r);
}

export async function countFlowExecutions(db: Db, who: ApiPrincipal, q: FlowFilterQuery, range: ResolvedRange): Promise<number> {
  const [row] = await db.select({ n: count() }).from(flowExecutions).where(flowFilters(db, who, q, range));
  return row?.n ?? 0;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Header, Details tab, Steps tab (optionally searched by name) and the raw events of one execution. */
export async function getFlowExecution(db: Db, who: ApiPrincipal, id: string, stepName?: string) {
  const [x] = await db.select().from(flowExecutions).where(and(flowScope(db, who), eq(flowExecutions.id, id)));
  if (!x) return null;
  const stepWhere = and(eq(flowSteps.tenant, who.tenant), eq(flowSteps.executionId, id), stepName ? ilike(flowSteps.name, `%${stepName.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined);
  const [steps, raw] = await Promise.all([
    db.select().from(flowSteps).where(stepWhere).orderBy(asc(flowSteps.seq)),
    db
      .select({ eventId: rawEvents.eventId, type: rawEvents.eventType, receivedAt: rawEvents.receivedAt, payload: rawEvents.payload })
      .from(rawEvents)
      .where(and(eq(rawEvents.tenant, who.tenant), eq(rawEvents.kind, 'flow'), eq(rawEvents.subjectId, id)))
      .orderBy(asc(rawEvents.occurredAt), asc(rawEvents.id)),
  ]);
  return {
    id: x.id,
    interactionId: x.interactionId,
    flow: { id: x.flowId, name: x.flowName, versionId: x.flowVersionId, version: x.version },
    status: x.status,
    endReason: x.endReason,
    details: {
      from: x.from,
      to: x.to,
      startedAt: iso(x.startedAt),
      startInferred: x.startInferred,
      endedAt: iso(x.endedAt),
      flowId: x.flowId,
      flowVersionId: x.flowVersionId,
      lastStepExecuted: x.lastStepName,
      tag: x.tag,
    },
    entryPoint: x.entryPoint,
    channel: x.channel,
    trigger: x.trigger,
    duration: x.durationMs === null ? null : x.durationMs / 1000,
    currentStep: x.status === 'active' ? { name: x.currentStepName, type: x.currentStepType, nodeId: x.currentStepNodeId } : null,
    counts: { steps: x.stepCount, errors: x.errorCount, httpErrors: x.httpErrorCount },
    variables: { category: x.variablesCategory, subCategory: x.variablesSubCategory },
    data: x.data,
    actionData: x.actionData,
    steps: steps.map((s) => ({
      seq: s.seq,
      nodeId: s.nodeId,
      type: s.type,
      name: s.name,
      startedAt: iso(s.startedAt),
      endedAt: iso(s.endedAt),
      durationMs: s.durationMs,
      result: s.result,
      http: s.httpStatus === null && s.httpMethod === null ? null : { status: s.httpStatus, method: s.httpMethod, url: s.url },
      error: s.errorCode === null && s.errorMessage === null ? null : { code: s.errorCode, message: s.errorMessage },
      settings: s.settings,
      valuesBefore: s.valuesBefore,
      valuesAfter: s.valuesAfter,
      details: s.raw,
    })),
    raw: raw.map((r) => ({ eventId: r.eventId, type: r.type, receivedAt: iso(r.receivedAt), payload: r.payload })),
  };
}

/**
 * A flow version number as senders write it: `20` and `v20` are the same version (Webex Connect
 * shows "v20"; the contract takes a number or text). Matched as a list, so the version index serves it.
 */
export function versionSpellings(version: string): string[] {
  const bare = versionNumber(version);
  return bare !== null ? [bare, `v${bare}`, `V${bare}`] : [version];
}

/** The digits of a numbered version as written (`v20` → `20`), or null for any other text. */
function versionNumber(version: string): string | null {
  const bare = version.trim().replace(/^v(?=\d)/i, '');
  return /^\d+$/.test(bare) ? bare : null;
}

/**
 * The Flow Version multi-select: one option per version however it was sent (`20`, `v20` and
 * `V20` are one option, value the bare number, label as Webex Connect shows it, "v20"), numbered
 * versions in numeric order, then any other text as sent.
 */
export function versionOptions(stored: string[]): { value: string; label: string }[] {
  // Keyed by the digits as written: the filter matches `020` only as `020`, so it stays its own option.
  const numbered = new Set<string>();
  const other = new Set<string>();
  for (const v of stored) {
    const bare = versionNumber(v);
    if (bare !== null) numbered.add(bare);
    else other.add(v);
  }
  return [
    ...[...numbered].sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : 1)).map((bare) => ({ value: bare, label: `v${bare}` })),
    ...[...other].sort().map((v) => ({ value: v, label: v })),
  ];
}

/**
 * Seed 003: executions still running, with time in workflow computed now: the `limit`
 * longest-running, and `total`, how many are active, so a cut list says it is one.
 */
export async function listWorkflowSessions(db: Db, who: ApiPrincipal, limit: number) {
  const active = and(flowScope(db, who), eq(flowExecutions.status, 'active'));
  const [rows, [counted]] = await Promise.all([listActiveSessions(db, active, limit), db.select({ n: count() }).from(flowExecutions).where(active)]);
  return { items: rows, total: counted?.n ?? 0 };
}

async function listActiveSessions(db: Db, active: SQL | undefined, limit: number) {
  const rows = await db
    .select({
      id: flowExecutions.id,
      flowId: flowExecutions.flowId,
      flowName: flowExecutions.flowName,
      flowVersionId: flowExecutions.flowVersionId,
      startedAt: flowExecutions.startedAt,
      seconds: sql<number>`extract(epoch from (now() - ${flowExecutions.startedAt}))::float8`,
      currentStepName: flowExecutions.currentStepName,
      currentStepType: flowExecutions.currentStepType,
      currentStepNodeId: flowExecutions.currentStepNodeId,
      channel: flowExecutions.channel,
      from: flowExecutions.from,
      category: flowExecutions.variablesCategory,
      subCategory: flowExecutions.variablesSubCategory,
      data: flowExecutions.data,
      interactionId: flowExecutions.interactionId,
    })
    .from(flowExecutions)
    .where(active)
    .orderBy(asc(flowExecutions.startedAt), asc(flowExecutions.id))
    .limit(limit);
  return rows.map((r) => ({
    sessionId: r.id,
    workflowId: r.flowId,
    workflowName: r.flowName,
    versionId: r.flowVersionId,
    startedAt: r.startedAt.toISOString(),
    timeInWorkflow: Math.round(Number(r.seconds) * 1000) / 1000,
    currentWorkflowItem: { id: r.currentStepNodeId, name: r.currentStepName, type: r.currentStepType },
    communicationType: r.channel,
    sourcePhoneNumber: r.from,
    variablesCategory: r.category,
    variablesSubCategory: r.subCategory,
    data: r.data,
    interactionId: r.interactionId,
  }));
}
