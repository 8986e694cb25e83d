import { insertRawEvents, type RawEventInput, type SubjectKey } from '@cxfold/db';
import { foldSubjects } from '@cxfold/projector';
import { parseTaskEventType, toEpochMs } from '@cxfold/contracts';
import type { TestEnv } from './test-env';

/**
 * Stores events and folds them the way the worker does (same insert, same fold transaction),
 * without HTTP or Redis: for tests that need many records quickly.
 */
export async function storeAndFold(env: TestEnv, tenant: string, events: { kind: 'task' | 'flow'; body: Record<string, unknown>; eventId: string }[]): Promise<void> {
  const rows: RawEventInput[] = events.map((e) => {
    const type = e.kind === 'task' ? parseTaskEventType(e.body.eventType) : String(e.body.type);
    if (!type) throw new Error(`event ${e.eventId} has no eventType`);
    return {
      tenant,
      eventId: e.eventId,
      kind: e.kind,
      eventType: type,
      subjectId: String(e.kind === 'task' ? e.body.taskId : e.body.executionId),
      occurredAtMs: toEpochMs(e.body.timestamp) ?? Date.now(),
      payload: e.body,
      maskCount: 0,
      requestId: null,
    };
  });
  for (let i = 0; i < rows.length; i += 2000) await insertRawEvents(env.db.sql, rows.slice(i, i + 2000));
  const keys = [...new Map(rows.map((r): [string, SubjectKey] => [`${r.kind}/${r.subjectId}`, { tenant, kind: r.kind, subjectId: r.subjectId }])).values()];
  for (let i = 0; i < keys.length; i += 500) await env.db.sql.begin((tx) => foldSubjects(tx, keys.slice(i, i + 500), 1));
}
