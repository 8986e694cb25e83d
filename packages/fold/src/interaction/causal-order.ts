import { TASK_LIFECYCLE_RANK, type TaskEventType } from '@cxfold/contracts';
import { sortEvents } from '../order';

/** What ordering a task's events reads: the analyst API orders stored events with it too. */
export interface OrderedTaskEvent {
  eventId: string;
  type: TaskEventType;
  at: number;
  body: {
    agent?: { id: string } | undefined;
    queue?: { id: string } | undefined;
    reason?: string | undefined;
    ewt?: number | undefined;
    dispositionCode?: string | number | undefined;
  };
}

/** Two deliveries that describe the same state change (same type, time, agent, queue, reason, EWT). */
export function semanticKey(e: OrderedTaskEvent): string {
  const b = e.body;
  return [e.type, e.at, b.agent?.id ?? '', b.queue?.id ?? '', b.reason ?? '', b.ewt ?? '', b.dispositionCode ?? ''].join('|');
}

/**
 * The most distinct events (state changes) of one second that are rebuilt as a transfer chain.
 * A real second holds a handful (a transfer, the re-creation, its queueing and routing); the
 * chain's search costs grow with the cube of the second's size (4,500 events: 15 s of a
 * worker's event loop, every tenant's folds waiting behind it), so a sender that stamps more to
 * one second gets the plain canonical order for it.
 */
export const MAX_CHAIN_SECOND_EVENTS = 100;

/** The order the fold takes a task's events in: time, lifecycle rank, id, then the chain of each transfer's second (below). */
export function taskEventsInFoldOrder<T extends OrderedTaskEvent>(events: readonly T[]): T[] {
  const sorted = sortEvents(events, (e) => TASK_LIFECYCLE_RANK[e.type]);
  const out: T[] = [];
  for (let start = 0; start < sorted.length; ) {
    let end = start + 1;
    while (end < sorted.length && sorted[end]!.at === sorted[start]!.at) end++;
    const second = sorted.slice(start, end);
    // Distinct changes: redeliveries of one change under new ids must not push a second over.
    const chained = second.some((e) => e.type === 'TRANSFERRED') && new Set(second.map(semanticKey)).size <= MAX_CHAIN_SECOND_EVENTS;
    if (chained) out.push(...chainOfSecond(second, agentRoutedBefore(out), out.length === 0, queueWaitingBefore(out)));
    else out.push(...duplicatesWithTheirFirst(second));
    start = end;
  }
  return out;
}

/**
 * Senders stamp to the second, so a TRANSFERRED can share its second with the routing it ends,
 * the re-created task's CREATED and QUEUED, the next agent's ROUTED, and that agent's own
 * TRANSFERRED. Lifecycle rank alone would put every CREATED first and every TRANSFERRED last.
 * This rebuilds the second as the chain it was: each TRANSFERRED ends the routing open at that
 * point (the agent it names, or, when it names none, whichever is open), and is followed by the
 * task's next life (its re-creation, then the routing of an agent that a later TRANSFERRED of
 * the same second names, or else whatever is left: its queueing and final routing).
 *
 * Only content decides (agents, queues, the routing open before the second); where content
 * cannot tell two links apart, the canonical order (event id) does, so the result is the same
 * for any arrival order. A delivery that repeats a state change under another id is taken right
 * after its first, where the fold counts it once.
 */
function chainOfSecond<T extends OrderedTaskEvent>(second: T[], openBefore: string | undefined, taskStarts: boolean, waitingBefore: string | undefined): T[] {
  let waitingIn = waitingBefore;
  const pool = second.filter((e) => e.type !== 'CLOSED');
  const closes = second.filter((e) => e.type === 'CLOSED');
  const out: T[] = [];
  // Each event's key once: the chain below compares them again at every step.
  const keys = new Map(second.map((e) => [e, semanticKey(e)]));
  const keyOf = (e: T) => keys.get(e)!;
  const take = (e: T | undefined): T | undefined => {
    if (!e) return undefined;
    const key = keyOf(e);
    for (let i = 0; i < pool.length; ) {
      if (keyOf(pool[i]!) === key) out.push(...pool.splice(i, 1));
      else i++;
    }
    return e;
  };
  const find = (type: TaskEventType, test: (e: T) => boolean = () => true) => pool.find((e) => e.type === type && test(e));
  const transferOf = (agent: string | undefined) => find('TRANSFERRED', (t) => t.body.agent?.id === agent);
  const anonymousTransfer = () => find('TRANSFERRED', (t) => t.body.agent === undefined);
  /** The pool's events of a type, one per state change (the first delivery of each). */
  const distinct = (type: TaskEventType) => {
    const first = new Map<string, T>();
    for (const e of pool) if (e.type === type && !first.has(keyOf(e))) first.set(keyOf(e), e);
    return [...first.values()];
  };
  /**
   * A routing of this second that one of its TRANSFERREDs ends: the next link of the chain. With
   * a TRANSFERRED that names no agent, any routing can be that link, except the last life's when
   * the second holds more routings than transfers (the last of those no TRANSFERRED names); then
   * canonical order decides (the routing a named TRANSFERRED ends is not preferred: with
   * time-ordered ids that reversed a chain whose first transfer names no agent).
   */
  const transferredRouting = (): T | undefined => {
    const routings = distinct('ROUTED');
    const named = routings.filter((r) => transferOf(r.body.agent?.id) !== undefined);
    let candidates = named;
    if (anonymousTransfer()) {
      const lastLife = routings.length > distinct('TRANSFERRED').length ? routings.filter((r) => !named.includes(r)).at(-1) : undefined;
      candidates = routings.filter((r) => r !== lastLife);
    }
    return candidates[0];
  };
  /**
   * The queueing a routing came from: the QUEUED of the queue it names (any, on the task's first).
   * Not when the task already waited in that queue: a QUEUED of it here is then taken for the next
   * life's return to that queue (a RONA), not for an EWT update of the wait; content cannot tell.
   */
  const queueingOf = (routing: T, firstLife: boolean): T | undefined => {
    const queue = routing.body.queue?.id;
    const named = queue !== undefined && queue !== waitingIn ? find('QUEUED', (q) => q.body.queue?.id === queue) : undefined;
    return named ?? (firstLife ? find('QUEUED') : undefined);
  };

  // The task's first second: its creation and first queueing come before any routing.
  if (taskStarts) take(find('CREATED'));
  let routed: { agent: string | undefined } | null = openBefore === undefined ? null : { agent: openBefore };
  let firstLife = taskStarts;
  /** A TRANSFERRED ends whatever leg is open (as the fold does); the flow then re-creates the task. */
  const takeTransfer = (transfer: T | undefined) => {
    take(transfer);
    routed = null;
    waitingIn = undefined;
    firstLife = false;
    take(find('CREATED'));
  };
  while (find('TRANSFERRED')) {
    if (!routed) {
      const routing = transferredRouting();
      if (routing) {
        take(queueingOf(routing, firstLife));
        take(routing);
        routed = { agent: routing.body.agent?.id };
      } else {
        // Nothing routed for it to end in this second: a transfer of a queued task, as it stands;
        // an update of the wait it ends (a QUEUED of the queue the task waits in) came before it.
        if (waitingIn !== undefined) take(find('QUEUED', (q) => q.body.queue?.id === waitingIn));
        takeTransfer(find('TRANSFERRED'));
      }
      continue;
    }
    const transfer = transferOf(routed.agent) ?? anonymousTransfer();
    if (transfer) {
      takeTransfer(transfer);
      continue;
    }
    // None ends the open routing: it was handed to an agent whose transfer is in this second.
    const routing = transferredRouting();
    if (routing) {
      take(routing);
      routed = { agent: routing.body.agent?.id };
    } else takeTransfer(find('TRANSFERRED'));
  }
  // The last life: its re-creation, queueing and routing, in lifecycle order; then the close.
  while (pool.length > 0) take(pool[0]);
  return [...out, ...closes];
}

/**
 * A second in canonical order, each semantic duplicate moved up next to its first: the fold
 * skips it, so the last event of the second is the last change the fold applied, which is what
 * the next second's chain starts from (a redelivered ROUTED must not look like the routing open).
 */
function duplicatesWithTheirFirst<T extends OrderedTaskEvent>(second: readonly T[]): T[] {
  const groups = new Map<string, T[]>();
  for (const e of second) {
    const key = semanticKey(e);
    const group = groups.get(key);
    if (group) group.push(e);
    else groups.set(key, [e]);
  }
  return [...groups.values()].flat();
}

/**
 * The agent still routed when the second starts: the one a TRANSFERRED that names no agent takes
 * the task from. None when the last routing was already ended (transferred, or the task queued or
 * re-created since).
 */
function agentRoutedBefore(events: readonly OrderedTaskEvent[]): string | undefined {
  for (let j = events.length - 1; j >= 0; j--) {
    const e = events[j]!;
    if (e.type === 'ROUTED') return e.body.agent?.id;
    if (e.type !== 'CLOSED') return undefined;
  }
  return undefined;
}

/** The queue the task waits in when the second starts (none when routed, or just transferred). */
function queueWaitingBefore(events: readonly OrderedTaskEvent[]): string | undefined {
  for (let j = events.length - 1; j >= 0; j--) {
    const e = events[j]!;
    if (e.type === 'QUEUED') return e.body.queue?.id;
    if (e.type === 'ROUTED' || e.type === 'TRANSFERRED') return undefined;
  }
  return undefined;
}
