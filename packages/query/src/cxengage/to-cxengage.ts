import { createHash } from 'node:crypto';
import type { interactions, segments, flowExecutions } from '@cxfold/db';
import { rangOut } from '@cxfold/fold';

/**
 * CxEngage "Get a Specific Interaction" (seed 004) from our folded records.
 *
 * Pure: the output depends on the rows only (no clock, no randomness, no I/O), so the same
 * record always maps to the same document, ids included. Mapping decisions are listed in
 * ./README.md and repeated at the code that applies them.
 *
 * Units: durations are seconds with ms precision (`ms / 1000`, e.g. 94.166); timestamps are
 * UTC ISO-8601 with ms (`2017-12-07T19:22:07.638Z`); unknown values are null.
 */

export type InteractionRow = typeof interactions.$inferSelect;
export type SegmentRow = typeof segments.$inferSelect;
export type FlowExecutionRow = typeof flowExecutions.$inferSelect;

export type CxEngageSegmentStartType = 'interaction' | 'transfer';
export type CxEngageSegmentEndType = 'success' | 'interaction-end' | 'customer-disconnect' | 'cancelled';
export type CxEngageQueueEntryType = 'ivr' | 'transfer' | 'timeout';
export type CxEngageQueueExitType = 'timeout' | 'success' | 'callback' | 'abandon' | 'interaction-end';
export type CxEngageAgentExitType = 'interaction-end' | 'transfer' | 'rona' | 'logout';

export interface CxEngageSegment {
  segmentNumber: number;
  interactionSegmentId: string;
  segmentStartType: CxEngageSegmentStartType;
  /** null while the segment is still open (or its transfer is still waiting for an agent). */
  segmentEndType: CxEngageSegmentEndType | null;
  segmentCancelled: boolean;
  /** Seconds from the interaction start until the customer disconnect / cancel; null unless cancelled. */
  segmentCancelTime: number | null;
  startTimestamp: string;
  endTimestamp: string | null;
  /** Seconds from the interaction start until the segment completed; null while open. */
  segmentTime: number | null;
  /**
   * The agent who created the segment: for a transfer segment the agent whose transfer started
   * it (null when the system moved the task: RONA, logout, or a transfer while still queued);
   * for segment 0 the agent of an outbound interaction, null for inbound.
   */
  segmentAgentId: string | null;
  /** The agent who accepted the work in a transfer segment (its first agent leg that did not ring out); null in segment 0. */
  segmentToAgentId: string | null;
}

export interface CxEngageQueue {
  interactionQueueId: string;
  queueId: string | null;
  queueName: string | null;
  queueEntryType: CxEngageQueueEntryType;
  queueExitType: CxEngageQueueExitType | null;
  /** Seconds in this queue; null while still queued. */
  queueTime: number | null;
  queueAbandoned: boolean;
  /** = queueTime when abandoned, else null. */
  queueAbandonTime: number | null;
  startTimestamp: string;
  endTimestamp: string | null;
  interactionSegmentId: string;
  /** The agent who took the interaction from this queue (the next agent leg), when routed. */
  agentId: string | null;
}

export interface CxEngageAgent {
  agentId: string | null;
  agentName: string | null;
  interactionAgentId: string;
  queueId: string | null;
  startTimestamp: string;
  endTimestamp: string | null;
  /** Seconds from allocation to deallocation; null while allocated. */
  handleTime: number | null;
  exitType: CxEngageAgentExitType | null;
  interactionSegmentId: string;
}

export interface CxEngageDetails {
  endTimestamp: string | null;
  interactionId: string;
  contactPoint: string | null;
  customer: string | null;
  csat: null;
  startTimestamp: string;
  /** Distinct agent ids in order of first allocation. */
  agents: string[];
  direction: string;
  contactId: null;
  channelType: string | null;
}

export interface CxEngageVariables {
  call: Record<string, unknown>;
  ecc: Record<string, unknown>;
  extension: Record<string, unknown>;
}

export interface CxEngageFlowExecution {
  id: string;
  flowId: string | null;
  flowName: string | null;
  status: string;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
}

export interface CxEngageInteraction {
  interactionId: string;
  tenantId: string;
  startTimestamp: string;
  endTimestamp: string | null;
  /** Seconds, start → end; null while open. */
  interactionTime: number | null;
  /** Seconds of self service before the first queue; null when never queued. */
  ivrTime: number | null;
  /** Seconds from the start until the customer abandoned; null when not abandoned. */
  customerAbandonTime: number | null;
  /** Always 0: CCE task events carry no holds. */
  customerHolds: number;
  direction: string;
  channelType: string | null;
  contactPoint: string | null;
  /** The customer's phone number or email address (seed 004), as the task's origin; else their name. */
  customer: string | null;
  /** Not in the seed: the customer's name (customerName, else ECC user_DR_CustomerName). */
  customerName: string | null;
  flowId: string | null;
  flowName: string | null;
  dispositionId: string | null;
  dispositionName: string | null;
  segments: CxEngageSegment[];
  queues: CxEngageQueue[];
  agents: CxEngageAgent[];
  details: CxEngageDetails;
  variables: CxEngageVariables;
  flowExecutions: CxEngageFlowExecution[];
}

// ---------------------------------------------------------------------------------------
// Stable ids
// ---------------------------------------------------------------------------------------

/** Namespace of every generated id: uuid5(NAMESPACE_URL, 'urn:cxfold:cxengage'). */
export const CXENGAGE_ID_NAMESPACE = '09da412f-c85a-5f2d-a882-4251d89ba111';
const NAMESPACE_BYTES = Buffer.from(CXENGAGE_ID_NAMESPACE.replace(/-/g, ''), 'hex');

/** What a generated id names: a CxEngage segment (by segment number) or one of our legs (by leg number). */
export type CxEngageIdKind = 'segment' | 'leg';

/**
 * A UUID v5 (RFC 9562: SHA-1 of namespace + name, version and variant bits set) naming one
 * segment or leg of one interaction of one tenant. The name is the JSON array
 * `[tenant, interactionId, kind, number]`, so no choice of tenant or task id can make two
 * different parts collide by concatenation. Queue and agent ids both use kind 'leg': leg
 * numbers are unique within an interaction whatever the leg type.
 */
export function cxengageId(tenant: string, interactionId: string, kind: CxEngageIdKind, number: number): string {
  const name = JSON.stringify([tenant, interactionId, kind, number]);
  const hash = createHash('sha1').update(NAMESPACE_BYTES).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

const iso = (d: Date): string => d.toISOString();
const isoOrNull = (d: Date | null): string | null => (d === null ? null : d.toISOString());
/** ms → seconds with ms precision. `n / 1000` is correctly rounded, so 94166 → 94.166 exactly. */
const seconds = (ms: number): number => ms / 1000;
const secondsOrNull = (ms: number | null): number | null => (ms === null ? null : seconds(ms));
const since = (from: Date, to: Date): number => seconds(Math.max(0, to.getTime() - from.getTime()));

/** jsonb columns come back as `unknown`: keep plain objects, anything else is empty. */
function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : {};
}

const isTransferStart = (leg: SegmentRow) => leg.startType.startsWith('transferred:');

/** Our legs of one CxEngage segment. */
interface SegmentGroup {
  number: number;
  id: string;
  start: Date;
  legs: SegmentRow[];
}

/**
 * CxEngage segments are agent-allocation segments: segment 0 starts with the interaction,
 * and each TRANSFERRED starts the next one (the queue leg opened by the transfer and every
 * leg after it, up to the next transfer). A requeue or a re-route without TRANSFERRED stays
 * in the current segment: CCE did not report it as a transfer.
 */
function groupSegments(i: InteractionRow, legs: SegmentRow[]): SegmentGroup[] {
  const groups: SegmentGroup[] = [{ number: 0, id: cxengageId(i.tenant, i.id, 'segment', 0), start: i.createdAt, legs: [] }];
  for (const leg of legs) {
    let current = groups[groups.length - 1]!;
    // A transfer leg first of all (the earlier events were lost) stays in segment 0.
    if (isTransferStart(leg) && current.legs.length > 0) {
      const number = groups.length;
      current = { number, id: cxengageId(i.tenant, i.id, 'segment', number), start: leg.startedAt, legs: [] };
      groups.push(current);
    }
    current.legs.push(leg);
  }
  return groups;
}

/** How the last leg of the last segment ended → CxEngage segmentEndType. */
function finalSegmentEnd(i: InteractionRow, last: SegmentRow | undefined): CxEngageSegmentEndType | null {
  if (!last) return i.closedAt === null ? null : 'interaction-end'; // closed before any queue: self service only
  switch (last.endType) {
    case null:
      return null; // still queued or with an agent
    case 'abandoned':
      return 'customer-disconnect'; // the customer closed while queued
    case 'cancelled':
      return 'cancelled'; // media switch: the chat was cancelled for a web callback
    default:
      // closed (agent leg, or queue leg closed by an agent), failed (system close while queued),
      // or any other end of the final leg: the interaction is over.
      return 'interaction-end';
  }
}

/** segmentAgentId: who created the segment (see CxEngageSegment). */
function segmentCreator(i: InteractionRow, group: SegmentGroup, previous: SegmentGroup | undefined): string | null {
  if (!previous) {
    if (i.direction !== 'outbound') return null;
    return group.legs.find((l) => l.type === 'agent')?.agentId ?? null;
  }
  const transfer = group.legs[0];
  const before = previous.legs[previous.legs.length - 1];
  // Only an agent's own transfer: a RONA or a logout is the system moving the task.
  return transfer?.startType === 'transferred:agent' && before?.type === 'agent' ? before.agentId : null;
}

/** segmentToAgentId: the agent who accepted a transfer segment's work (see CxEngageSegment). */
function segmentAcceptor(group: SegmentGroup): string | null {
  if (group.number === 0) return null;
  return group.legs.find((l) => l.type === 'agent' && !rangOut(l))?.agentId ?? null;
}

function toSegment(i: InteractionRow, group: SegmentGroup, previous: SegmentGroup | undefined, next: SegmentGroup | undefined): CxEngageSegment {
  const last = group.legs[group.legs.length - 1];
  let endType: CxEngageSegmentEndType | null;
  let end: Date | null;
  if (next) {
    // Ended by a TRANSFERRED (CCE deallocates the agent at once): the segment ends at the transfer.
    end = next.start;
    const pickedUp = next.legs.some((l) => l.type === 'agent');
    // 'success' once an agent took the transfer; 'interaction-end' if the interaction closed
    // with nobody taking it (the next segment tells how); null while the transfer is pending.
    endType = pickedUp ? 'success' : i.closedAt !== null ? 'interaction-end' : null;
  } else {
    endType = finalSegmentEnd(i, last);
    end = endType === null ? null : (last?.endedAt ?? i.closedAt);
  }
  const cancelled = endType === 'customer-disconnect' || endType === 'cancelled';
  // Both times are measured from the interaction start, as the CxEngage data dictionary says
  // (seed 004: segmentTime = segmentCancelTime = 94.166 for a segment 0 abandoned at +94.166 s).
  const fromStart = end === null ? null : since(i.createdAt, end);
  return {
    segmentNumber: group.number,
    interactionSegmentId: group.id,
    segmentStartType: group.number === 0 ? 'interaction' : 'transfer',
    segmentEndType: endType,
    segmentCancelled: cancelled,
    segmentCancelTime: cancelled ? fromStart : null,
    startTimestamp: iso(group.start),
    endTimestamp: isoOrNull(end),
    segmentTime: fromStart,
    segmentAgentId: segmentCreator(i, group, previous),
    segmentToAgentId: segmentAcceptor(group),
  };
}

/** How a queue leg was entered (our start_type → CxEngage queueEntryType). */
function queueEntryType(startType: string): CxEngageQueueEntryType {
  switch (startType) {
    case 'queued':
      return 'ivr'; // first QUEUED: the customer came from self service
    case 'transferred:rona':
      return 'timeout'; // redirect on no answer: the offer to the agent timed out
    case 'transferred:agent':
    case 'transferred:logout':
    case 'requeued':
    default:
      return 'transfer';
  }
}

/** How a queue leg was left (our end_type → CxEngage queueExitType). */
function queueExitType(endType: string | null): CxEngageQueueExitType | null {
  switch (endType) {
    case null:
      return null; // still queued
    case 'routed':
    case 'transferred:agent':
    case 'transferred:logout':
      // routed to an agent; a TRANSFERRED that ends a queue leg means an agent held the task
      // (its ROUTED never arrived), so it was answered from this queue too.
      return 'success';
    case 'abandoned':
      return 'abandon';
    case 'cancelled':
      return 'callback'; // media switch: chat cancelled for a web callback
    case 'requeued':
    case 'transferred:rona':
      return 'timeout'; // left this queue unanswered for another queue / another offer
    case 'closed':
    case 'failed':
    default:
      return 'interaction-end';
  }
}

/** How an agent leg ended (our end_type → CxEngage agent exitType). */
function agentExitType(endType: string | null): CxEngageAgentExitType | null {
  switch (endType) {
    case null:
      return null; // still allocated
    case 'closed':
      return 'interaction-end';
    case 'transferred:rona':
      return 'rona';
    case 'transferred:logout':
      return 'logout';
    case 'transferred:agent':
    case 'rerouted': // ROUTED to another agent while this one held it
    case 'requeued': // QUEUED again while this agent held it
    default:
      return 'transfer';
  }
}

function toFlowExecution(f: FlowExecutionRow): CxEngageFlowExecution {
  return {
    id: f.id,
    flowId: f.flowId,
    flowName: f.flowName,
    status: f.status,
    startedAt: iso(f.startedAt),
    endedAt: isoOrNull(f.endedAt),
    durationSeconds: secondsOrNull(f.durationMs),
  };
}

// ---------------------------------------------------------------------------------------
// The mapper
// ---------------------------------------------------------------------------------------

/**
 * One interaction row, its legs (any order) and the flow executions linked to it (any
 * order; the caller decides which are linked) → the CxEngage interaction document.
 */
export function toCxEngageDetail(i: InteractionRow, legs: SegmentRow[], flows: FlowExecutionRow[]): CxEngageInteraction {
  const ordered = [...legs].sort((a, b) => a.number - b.number);
  const groups = groupSegments(i, ordered);
  const segmentOf = new Map<number, string>();
  for (const g of groups) for (const leg of g.legs) segmentOf.set(leg.number, g.id);
  const segmentIdOf = (leg: SegmentRow) => segmentOf.get(leg.number) ?? groups[0]!.id;

  const queues: CxEngageQueue[] = [];
  const agents: CxEngageAgent[] = [];
  ordered.forEach((leg, idx) => {
    const queueTime = secondsOrNull(leg.durationMs);
    if (leg.type === 'queue') {
      const abandoned = leg.endType === 'abandoned';
      const following = ordered[idx + 1];
      queues.push({
        interactionQueueId: cxengageId(i.tenant, i.id, 'leg', leg.number),
        queueId: leg.queueId,
        queueName: leg.queueName,
        queueEntryType: queueEntryType(leg.startType),
        queueExitType: queueExitType(leg.endType),
        queueTime,
        queueAbandoned: abandoned,
        queueAbandonTime: abandoned ? queueTime : null,
        startTimestamp: iso(leg.startedAt),
        endTimestamp: isoOrNull(leg.endedAt),
        interactionSegmentId: segmentIdOf(leg),
        agentId: leg.endType === 'routed' && following?.type === 'agent' ? following.agentId : null,
      });
    } else {
      agents.push({
        agentId: leg.agentId,
        agentName: leg.agentName,
        interactionAgentId: cxengageId(i.tenant, i.id, 'leg', leg.number),
        queueId: leg.queueId,
        startTimestamp: iso(leg.startedAt),
        endTimestamp: isoOrNull(leg.endedAt),
        handleTime: queueTime,
        exitType: agentExitType(leg.endType),
        interactionSegmentId: segmentIdOf(leg),
      });
    }
  });

  // Customer abandon: from the start until the abandoned queue leg ended (= the customer's CLOSED).
  let customerAbandonTime: number | null = null;
  if (i.abandoned) {
    const abandonedLeg = [...ordered].reverse().find((l) => l.endType === 'abandoned' && l.endedAt !== null);
    const at = abandonedLeg?.endedAt ?? i.closedAt;
    customerAbandonTime = at === null ? null : since(i.createdAt, at);
  }

  // Flows by start (then id): the first one is the inbound self-service flow.
  const orderedFlows = [...flows].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const firstFlow = orderedFlows[0];

  const agentIds: string[] = [];
  for (const a of agents) if (a.agentId !== null && !agentIds.includes(a.agentId)) agentIds.push(a.agentId);

  const startTimestamp = iso(i.createdAt);
  const endTimestamp = isoOrNull(i.closedAt);
  const contactPoint = i.destination;
  // Seed 004: "The phone number or email address of the customer": the origin. The name is its own field.
  const customer = i.origin ?? i.customerName;

  return {
    interactionId: i.id,
    tenantId: i.tenant,
    startTimestamp,
    endTimestamp,
    interactionTime: secondsOrNull(i.totalMs),
    ivrTime: secondsOrNull(i.selfServiceMs),
    customerAbandonTime,
    customerHolds: 0,
    direction: i.direction,
    channelType: i.channel,
    contactPoint,
    customer,
    customerName: i.customerName,
    flowId: firstFlow?.flowId ?? null,
    flowName: firstFlow?.flowName ?? null,
    dispositionId: i.dispositionCode,
    dispositionName: i.dispositionName,
    segments: groups.map((g, n) => toSegment(i, g, groups[n - 1], groups[n + 1])),
    queues,
    agents,
    details: {
      endTimestamp,
      interactionId: i.id,
      contactPoint,
      customer,
      csat: null,
      startTimestamp,
      agents: agentIds,
      direction: i.direction,
      contactId: null,
      channelType: i.channel,
    },
    variables: { call: record(i.callVariables), ecc: record(i.eccVariables), extension: record(i.extensionVariables) },
    flowExecutions: orderedFlows.map(toFlowExecution),
  };
}
