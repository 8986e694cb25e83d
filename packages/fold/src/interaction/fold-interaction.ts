import { THREAD_ID_MAX_BYTES, type TaskEventBody } from '@cxfold/contracts';
import { uniqueById } from '../order';
import { semanticKey, taskEventsInFoldOrder } from './causal-order';
import type { FoldedInteraction, InteractionRecord, SegmentRecord, TaskEventEnvelope } from './types';
import { splitVariables, mergeVariables } from './variables';
import { classifyClose, rangOut, transferKind } from './reasons';

const TEXT_PREVIEW_CHARS = 80;
const MAX_UNITS_PER_CHARACTER = 16;
// Grapheme clusters do not depend on the locale; one is named so the fold is the same everywhere.
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The first `n` characters as a reader counts them (grapheme clusters): slicing UTF-16 units cut
 * an emoji in half and Postgres stored the lone surrogate as U+FFFD. At most 16 UTF-16 units a
 * character: one cluster can be any length (a letter with 200,000 combining accents), and the
 * preview must stay a preview.
 */
function firstCharacters(text: string, n: number): string {
  if (text.length <= n) return text;
  let out = '';
  let taken = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (taken++ === n || out.length + segment.length > n * MAX_UNITS_PER_CHARACTER) break;
    out += segment;
  }
  return out;
}

/**
 * Folds every event of one task (one interaction) into its record and legs.
 * Pure: the same set of events gives the same result in any order, duplicated or not.
 */
export function foldInteraction(input: readonly TaskEventEnvelope[]): FoldedInteraction {
  const events = taskEventsInFoldOrder(uniqueById(input));
  const first = events[0];
  if (!first) throw new RangeError('foldInteraction needs at least one event');

  const segments: SegmentRecord[] = [];
  let open: SegmentRecord | null = null;
  const seenSemantic = new Set<string>();
  let variables: Record<string, unknown> = {};

  const rec: InteractionRecord = {
    id: first.body.taskId,
    channel: null,
    direction: 'inbound',
    origin: null,
    destination: null,
    customerName: null,
    scriptSelector: null,
    status: 'new',
    createdAt: first.at,
    createdInferred: true,
    firstQueuedAt: null,
    firstRoutedAt: null,
    closedAt: null,
    lastQueueId: null,
    lastQueueName: null,
    lastAgentId: null,
    lastAgentName: null,
    dispositionCode: null,
    dispositionName: null,
    closeReason: null,
    abandoned: false,
    transferCount: 0,
    totalMs: null,
    selfServiceMs: null,
    queueMs: 0,
    handleMs: 0,
    ewtFirst: null,
    ewtLast: null,
    callVariables: {},
    eccVariables: {},
    extensionVariables: {},
    conversationId: null,
    chatThreadId: null,
    textPreview: null,
    lastEventAt: first.at,
    // Distinct events: a semantic duplicate (same change under another event id) counts once.
    eventCount: 0,
  };

  const openLeg = (type: SegmentRecord['type'], startType: string, at: number, body: TaskEventBody, queue?: { id: string; name?: string | undefined } | null) => {
    const q = queue === undefined ? body.queue : queue;
    open = {
      number: segments.length,
      type,
      startType,
      endType: null,
      queueId: q?.id ?? null,
      queueName: q?.name ?? null,
      agentId: type === 'agent' ? (body.agent?.id ?? null) : null,
      agentName: type === 'agent' ? (body.agent?.name ?? null) : null,
      startedAt: at,
      endedAt: null,
      durationMs: null,
      cancelled: false,
    };
    segments.push(open);
    return open;
  };
  const closeLeg = (endType: string, at: number, cancelled = false) => {
    if (!open) return null;
    const leg: SegmentRecord = open;
    leg.endType = endType;
    leg.endedAt = Math.max(at, leg.startedAt);
    leg.durationMs = leg.endedAt - leg.startedAt;
    leg.cancelled = cancelled;
    open = null;
    return leg;
  };

  // The queue leg a TRANSFERRED opened, until a QUEUED or ROUTED names the queue it went to.
  let transit: SegmentRecord | null = null;
  const settleTransit = (leg: SegmentRecord, queue: { id: string; name?: string | undefined }) => {
    // The same queue keeps its known name when this event names only the id (a RONA back to it).
    leg.queueName = queue.name ?? (queue.id === leg.queueId ? leg.queueName : null);
    leg.queueId = queue.id;
    transit = null;
  };
  for (const e of events) {
    const b = e.body;
    rec.lastEventAt = Math.max(rec.lastEventAt, e.at);
    takeDescriptiveFields(rec, b);
    if (b.variables) variables = mergeVariables(variables, b.variables);

    const key = semanticKey(e);
    if (seenSemantic.has(key)) continue;
    seenSemantic.add(key);
    rec.eventCount = seenSemantic.size;
    // CLOSED is terminal: later deliveries still count and describe, but change no state.
    if (rec.status === 'closed') continue;

    if (b.queue) {
      // A name only carries over while the queue stays the same.
      if (b.queue.id !== rec.lastQueueId) rec.lastQueueName = null;
      rec.lastQueueId = b.queue.id;
      rec.lastQueueName = b.queue.name ?? rec.lastQueueName;
    }
    const current = open as SegmentRecord | null;
    switch (e.type) {
      case 'CREATED':
        // A CREATED after a transfer is the TRANSFERRED flow re-creating the task, not its start.
        if (rec.createdInferred && rec.transferCount === 0) {
          rec.createdAt = e.at;
          rec.createdInferred = false;
        }
        break;
      case 'QUEUED': {
        if (b.ewt !== undefined && b.ewt >= 0) {
          rec.ewtFirst ??= b.ewt;
          rec.ewtLast = b.ewt;
        }
        rec.firstQueuedAt ??= e.at;
        if (current?.type === 'queue' && current === transit && b.queue) {
          // The first QUEUED after a transfer that names a queue says where the task went: the
          // queue the TRANSFERRED named (the one it left, as CCE sends it) only held the leg until then.
          settleTransit(current, b.queue);
        } else if (current?.type === 'queue') {
          if (b.queue && current.queueId && b.queue.id !== current.queueId) {
            closeLeg('requeued', e.at);
            openLeg('queue', 'requeued', e.at, b);
          } else if (b.queue && !current.queueId) {
            current.queueId = b.queue.id;
            current.queueName = b.queue.name ?? null;
          }
        } else {
          if (current) closeLeg('requeued', e.at);
          openLeg('queue', current ? 'requeued' : 'queued', e.at, b);
        }
        rec.status = 'queued';
        break;
      }
      case 'ROUTED': {
        rec.firstRoutedAt ??= e.at;
        if (b.agent) {
          // As for queues: a name only carries over while the agent stays the same.
          if (b.agent.id !== rec.lastAgentId) rec.lastAgentName = null;
          rec.lastAgentId = b.agent.id;
          rec.lastAgentName = b.agent.name ?? rec.lastAgentName;
        }
        if (current?.type === 'agent' && current.agentId === (b.agent?.id ?? null)) break;
        let queue: { id: string; name?: string | undefined } | null = b.queue ?? null;
        // Routed straight from a transfer: the routing's queue is where the task went.
        if (current?.type === 'queue' && current === transit && b.queue) settleTransit(current, b.queue);
        if (current?.type === 'queue') {
          queue ??= current.queueId ? { id: current.queueId, name: current.queueName ?? undefined } : null;
          closeLeg('routed', e.at);
        } else if (current) {
          closeLeg('rerouted', e.at);
        }
        openLeg('agent', 'routed', e.at, b, queue);
        rec.status = 'active';
        break;
      }
      case 'TRANSFERRED': {
        const kind = `transferred:${transferKind(b.reason)}`;
        closeLeg(kind, e.at);
        rec.transferCount++;
        // The flow re-creates the task with the same taskId: the customer waits again from now, in
        // the queue the transfer names (the one it leaves) until a QUEUED or ROUTED names where it went.
        transit = openLeg('queue', kind, e.at, b, b.queue ?? null);
        rec.status = 'queued';
        break;
      }
      case 'CLOSED': {
        const reason = classifyClose(b.reason);
        rec.closedAt = e.at;
        rec.status = 'closed';
        rec.closeReason = reason;
        if (b.dispositionCode !== undefined) rec.dispositionCode = String(b.dispositionCode);
        if (b.dispositionName !== undefined) rec.dispositionName = b.dispositionName;
        if (current?.type === 'queue') {
          if (reason === 'customer') {
            closeLeg('abandoned', e.at, true);
            rec.abandoned = true;
          } else if (reason === 'media_switch') closeLeg('cancelled', e.at, true);
          else if (reason === 'system') closeLeg('failed', e.at);
          else closeLeg('closed', e.at);
        } else if (current) {
          closeLeg('closed', e.at);
        }
        break;
      }
    }
  }

  const split = splitVariables(variables);
  rec.callVariables = split.call;
  rec.eccVariables = split.ecc;
  rec.extensionVariables = split.extension;
  rec.customerName ??= stringOrNull(split.ecc.user_DR_CustomerName);
  rec.conversationId = stringOrNull(split.ecc.user_DR_MediaResourceID);
  rec.chatThreadId = threadIdOrNull(split.extension.ChatThreadID) ?? threadIdOrNull(split.extension.LiveChatThreadID);

  for (const leg of segments) {
    if (leg.durationMs === null) continue;
    // An agent leg ended by a RONA was an offer nobody answered: the customer was still waiting.
    if (leg.type === 'queue' || rangOut(leg)) rec.queueMs += leg.durationMs;
    else rec.handleMs += leg.durationMs;
  }
  // The record's agent is the last one who took the task, not one who let it ring out.
  const answered = segments.filter((leg) => leg.type === 'agent' && !rangOut(leg)).at(-1);
  if (!answered) {
    rec.lastAgentId = null;
    rec.lastAgentName = null;
  } else if (answered.agentId !== rec.lastAgentId) {
    rec.lastAgentId = answered.agentId;
    rec.lastAgentName = answered.agentName;
  }
  if (rec.closedAt !== null) rec.totalMs = Math.max(0, rec.closedAt - rec.createdAt);
  if (rec.firstQueuedAt !== null) rec.selfServiceMs = Math.max(0, rec.firstQueuedAt - rec.createdAt);
  return { interaction: rec, segments };
}

function takeDescriptiveFields(rec: InteractionRecord, b: TaskEventBody): void {
  if (b.mediaType) rec.channel ??= b.mediaType.toLowerCase();
  if (b.direction) rec.direction = b.direction;
  if (b.origin) rec.origin ??= b.origin;
  if (b.destination) rec.destination ??= b.destination;
  if (b.customerName) rec.customerName = b.customerName;
  if (b.scriptSelector) rec.scriptSelector = b.scriptSelector;
  if (b.text && rec.textPreview === null) rec.textPreview = firstCharacters(b.text, TEXT_PREVIEW_CHARS);
}

function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

const utf8 = new TextEncoder();

/**
 * A thread id longer than any id may be stays in extension_variables and is not linked: the
 * indexed chat_thread_id column cannot take an entry over ~2.7 KB, and the record would fail to write.
 */
function threadIdOrNull(v: unknown): string | null {
  const id = stringOrNull(v);
  return id !== null && (id.length * 3 <= THREAD_ID_MAX_BYTES || utf8.encode(id).length <= THREAD_ID_MAX_BYTES) ? id : null;
}
