import { foldFlowExecution, foldInteraction, type FlowEventEnvelope, type FoldedFlowExecution, type FoldedInteraction, type TaskEventEnvelope } from '@cxfold/fold';
import {
  lockSubjects,
  loadSubjectEvents,
  writeInteractions,
  writeFlowExecutions,
  markFolded,
  recordDeadLetters,
  findArchivedSubjects,
  subjectKeyString,
  RECORD_ARCHIVED,
  type SubjectKey,
  type Tx,
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
}

/**
 * The unit of work of the worker: lock each touched record, reload all of its raw events,
 * fold them with the pure reducer and replace the record, in one transaction. Because the
 * record is recomputed from everything stored, arrival order and redelivery do not matter.
 */
export async function foldSubjects(tx: Tx, keys: SubjectKey[], attempts: number): Promise<FoldSubjectsResult> {
  const sorted = [...new Map(keys.map((k) => [subjectKeyString(k), k])).values()];
  await lockSubjects(tx, sorted);
  // Read under the lock: a prune of one of these records has committed or has not started.
  const archivedAt = await findArchivedSubjects(tx, sorted);
  const stored = await loadSubjectEvents(tx, sorted);

  const tasks = new Map<string, { tenant: string; events: TaskEventEnvelope[] }>();
  const flows = new Map<string, { tenant: string; events: FlowEventEnvelope[] }>();
  const folded = new Set<number>();
  const poisoned = new Map<number, string>();
  const archived = new Map<number, string>();
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
        const group = flows.get(key) ?? flows.set(key, { tenant: e.tenant, events: [] }).get(key)!;
        group.events.push(decodeFlowEvent(e));
      }
      folded.add(e.id);
    } catch (err) {
      if (!(err instanceof PoisonEventError)) throw err;
      poisoned.set(e.id, err.message);
    }
  }

  const interactionResults: { tenant: string; result: FoldedInteraction }[] = [];
  for (const { tenant, events } of tasks.values()) if (events.length) interactionResults.push({ tenant, result: foldInteraction(events) });
  const flowResults: { tenant: string; result: FoldedFlowExecution }[] = [];
  for (const { tenant, events } of flows.values()) if (events.length) flowResults.push({ tenant, result: foldFlowExecution(events) });

  await writeInteractions(tx, interactionResults);
  await writeFlowExecutions(tx, flowResults);
  await markFolded(tx, [...folded]);
  const deadLetters: DeadLetterInput[] = [
    ...[...poisoned].map(([rawEventId, error]) => ({ rawEventId, error, errorCode: 'POISON_EVENT', attempts })),
    ...[...archived].map(([rawEventId, error]) => ({ rawEventId, error, errorCode: RECORD_ARCHIVED, attempts })),
  ];
  await recordDeadLetters(tx, deadLetters);
  return { folded, poisoned, archived };
}
