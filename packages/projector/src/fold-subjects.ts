import { foldFlowExecution, foldInteraction, type FlowEventEnvelope, type FoldedInteraction, type TaskEventEnvelope } from '@cxfold/fold';
import {
  lockSubjects,
  loadSubjectEvents,
  writeInteractions,
  writeFlowExecutions,
  deleteRecords,
  markFolded,
  recordDeadLetters,
  findArchivedSubjects,
  subjectKeyString,
  RECORD_ARCHIVED,
  type SubjectKey,
  type Tx,
  type FoldedFlowWrite,
  type DeadLetterInput,
} from '@cxfold/db';
import { decodeFlowEvent, decodeTaskEvent, PoisonEventError } from './decode';

export interface FoldSubjectsResult {
  /** Raw event ids whose effect is now in the projections. */
  folded: Set<number>;
  /** Raw event ids set aside as poison, with why. */
  poisoned: Map<number, string>;
  /**
   * Raw event ids of records archived by `cxfold prune`, dead-lettered (RECORD_ARCHIVED) with
   * why: the record's earlier raw events are gone, so it is left exactly as it is.
   */
  archived: Map<number, string>;
  /** Milliseconds spent in each step, for the batch's debug line (where a slow batch spent its time). */
  phases?: Record<'lock' | 'load' | 'fold' | 'writeInteractions' | 'writeFlows' | 'markFolded', number>;
}

/**
 * The unit of work of the worker: lock each touched record, reload all of its raw events,
 * fold them with the pure reducer and replace the record, in one transaction. Because the
 * record is recomputed from everything stored, arrival order and redelivery do not matter.
 */
export interface FoldSubjectsOptions {
  /**
   * `changed` (live folding): write only the flow steps whose seq a not-yet-folded event
   * carries. `all` (rebuild): rewrite every step and delete those no longer produced.
   */
  steps?: 'changed' | 'all';
}

export async function foldSubjects(tx: Tx, keys: SubjectKey[], attempts: number, opts: FoldSubjectsOptions = {}): Promise<FoldSubjectsResult> {
  const t0 = performance.now();
  const sorted = [...new Map(keys.map((k) => [subjectKeyString(k), k])).values()];
  await lockSubjects(tx, sorted);
  const t1 = performance.now();
  // Read under the lock: a prune of one of these records has committed or has not started.
  const archivedAt = await findArchivedSubjects(tx, sorted);
  const stored = await loadSubjectEvents(tx, sorted);
  const t2 = performance.now();

  const tasks = new Map<string, { tenant: string; events: TaskEventEnvelope[] }>();
  const flows = new Map<string, { tenant: string; events: FlowEventEnvelope[]; newSeqs: Set<number> }>();
  const folded = new Set<number>();
  // The ones this fold takes in for the first time: only they need marking.
  const newlyFolded: number[] = [];
  const poisoned = new Map<number, string>();
  const archived = new Map<number, string>();
  // Records a previously folded event has just dropped out of: what it produced must go too.
  const lostFoldedEvent = new Set<string>();
  for (const e of stored) {
    const key = subjectKeyString(e);
    const prunedAt = archivedAt.get(key);
    if (prunedAt) {
      // Any event still stored for an archived record arrived after the prune (prune deletes
      // every folded one): folding it would recompute the record from this remainder alone.
      archived.set(e.id, `record ${e.kind === 'task' ? 'interaction' : 'flow execution'} ${e.subjectId} was archived at ${prunedAt.toISOString()} (raw events pruned); this late event is not folded into it`);
      continue;
    }
    try {
      if (e.kind === 'task') {
        const group = tasks.get(key) ?? tasks.set(key, { tenant: e.tenant, events: [] }).get(key)!;
        group.events.push(decodeTaskEvent(e));
      } else {
        const group = flows.get(key) ?? flows.set(key, { tenant: e.tenant, events: [], newSeqs: new Set() }).get(key)!;
        const decoded = decodeFlowEvent(e);
        group.events.push(decoded);
        if (!e.folded && decoded.body.type === 'step.executed') group.newSeqs.add(decoded.body.seq);
      }
      folded.add(e.id);
      if (!e.folded) newlyFolded.push(e.id);
    } catch (err) {
      if (!(err instanceof PoisonEventError)) throw err;
      poisoned.set(e.id, err.message);
      if (e.folded) lostFoldedEvent.add(key);
    }
  }

  const interactionResults: { tenant: string; result: FoldedInteraction }[] = [];
  for (const { tenant, events } of tasks.values()) if (events.length) interactionResults.push({ tenant, result: foldInteraction(events) });
  const flowResults: FoldedFlowWrite[] = [];
  const onlyChanged = (opts.steps ?? 'changed') === 'changed';
  for (const [key, { tenant, events, newSeqs }] of flows) {
    // A step written by an event now poisoned is not among the new seqs: write the execution
    // whole, which also deletes the steps no longer produced.
    const writeOnlyNew = onlyChanged && !lostFoldedEvent.has(key);
    if (events.length) flowResults.push({ tenant, result: foldFlowExecution(events), ...(writeOnlyNew ? { stepSeqs: newSeqs } : {}) });
  }
  // A record none of whose stored events folds any more (all poison, or all dead-lettered
  // before this rebuild) is removed with its legs or steps: it would otherwise keep showing
  // what only dead letters now hold. Replaying them once fixed brings it back. Archived ones stay.
  const emptied = sorted.filter((k) => {
    const key = subjectKeyString(k);
    return !archivedAt.has(key) && !(k.kind === 'task' ? tasks : flows).get(key)?.events.length;
  });

  const t3 = performance.now();
  await writeInteractions(tx, interactionResults);
  const t4 = performance.now();
  await writeFlowExecutions(tx, flowResults);
  await deleteRecords(tx, emptied);
  const t5 = performance.now();
  await markFolded(tx, newlyFolded);
  const deadLetters: DeadLetterInput[] = [
    ...[...poisoned].map(([rawEventId, error]) => ({ rawEventId, error, errorCode: 'POISON_EVENT', attempts })),
    ...[...archived].map(([rawEventId, error]) => ({ rawEventId, error, errorCode: RECORD_ARCHIVED, attempts })),
  ];
  // Decided under the record's lock: whatever the event's folded mark, the record now leaves it out.
  await recordDeadLetters(tx, deadLetters, { unfolded: true });
  const phases = { lock: t1 - t0, load: t2 - t1, fold: t3 - t2, writeInteractions: t4 - t3, writeFlows: t5 - t4, markFolded: performance.now() - t5 };
  return { folded, poisoned, archived, phases };
}
