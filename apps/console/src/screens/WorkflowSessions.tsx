import { useState } from 'react';
import type { WorkflowSession } from '../api/types';
import { useSession } from '../context';
import { useInterval, useResource, useDataShownMark } from '../hooks';
import { formatClock, formatDateTime, orDash } from '../lib/format';
import { hrefOf } from '../lib/router';
import { SESSIONS_PATH } from '../lib/requests';
import { ErrorNote, Loading } from '../components/Status';
import { PlainHead } from '../components/SortHeader';

const REFRESH_MS = 15_000;

/**
 * Seed 003: executions still running. The API measures time in workflow when it answers; the
 * counter adds the time since that answer every second, and the list reloads every 15 s.
 */
export function WorkflowSessions() {
  const { api, me } = useSession();
  const list = useResource(
    async (signal) => ({ at: Date.now(), items: (await api.get<{ items: WorkflowSession[] }>(SESSIONS_PATH, {}, signal)).items }),
    'sessions',
    () => {
      // Time in workflow was measured when the server answered, a moment ago: close enough to count from now.
      const r = api.arrived<{ items: WorkflowSession[] }>(SESSIONS_PATH);
      return r ? { at: Date.now(), items: r.items } : null;
    },
  );
  useDataShownMark(list.data !== null);
  const [now, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), 1000);
  useInterval(() => list.reload(), REFRESH_MS);
  return (
    <main id="main" className="page" tabIndex={-1}>
      <h1>Workflow Sessions</h1>
      <div className="toolbar">
        <p className="muted">Active workflow sessions; refreshed every 15 seconds.</p>
        <button type="button" onClick={list.reload}>
          Refresh now
        </button>
      </div>
      {list.error ? <ErrorNote error={list.error} /> : null}
      {!list.data ? (
        <Loading what="sessions" />
      ) : list.data.items.length === 0 ? (
        <p className="empty">No active workflow sessions.</p>
      ) : (
        <div className="table-wrap">
          <table className="grid">
            <PlainHead columns={['Session ID', 'Workflow', 'Version ID', 'Started at', 'Current workflow item', 'Communication type', 'Phone number', 'Category', 'Time in workflow']} />
            <tbody>
              {list.data.items.map((s) => (
                <tr key={s.sessionId}>
                  <td>
                    <a className="mono" href={hrefOf({ name: 'flow', id: s.sessionId, query: {} })}>
                      {s.sessionId}
                    </a>
                  </td>
                  <td>{orDash(s.workflowName ?? s.workflowId)}</td>
                  <td className="mono">{orDash(s.versionId)}</td>
                  <td className="nowrap">{formatDateTime(s.startedAt, me.timeZone)}</td>
                  <td>
                    {orDash(s.currentWorkflowItem.name)}
                    {s.currentWorkflowItem.type ? <span className="muted small"> ({s.currentWorkflowItem.type})</span> : null}
                  </td>
                  <td>{orDash(s.communicationType)}</td>
                  <td className="mono">{orDash(s.sourcePhoneNumber)}</td>
                  <td>{orDash(s.variablesCategory)}</td>
                  <td className="num mono" data-testid="time-in-workflow">
                    {formatClock(s.timeInWorkflow + (now - list.data!.at) / 1000)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
