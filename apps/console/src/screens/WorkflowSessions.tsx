import { useState } from 'react';
import type { WorkflowSession } from '../api/types';
import { useSession } from '../context';
import { navigate, useInterval, useKeyedState, useResource, useDataShownMark } from '../hooks';
import { formatClock, formatDateTime, orDash } from '../lib/format';
import { hrefOf, type Query } from '../lib/router';
import { pageLimit, pageOf } from '../lib/paging';
import { SESSIONS_PATH } from '../lib/requests';
import { ErrorNote, Loading } from '../components/Status';
import { PlainHead } from '../components/SortHeader';
import { Pager } from '../components/Pager';

const REFRESH_MS = 15_000;

/**
 * Seed 003: executions still running. The API measures time in workflow when it answers; the
 * counter adds the time since that answer every second, and the list reloads every 15 s. The
 * API sends up to 1,000 active executions at once, the longest-running first, with how many
 * there are (286 on the demo day); they are shown 50 a page, as the other lists, so a page and
 * each tick of the counters draw 50 rows, not all of them. More than 1,000: the screen says so.
 */
export function WorkflowSessions({ query }: { query: Query }) {
  const { api, me } = useSession();
  const limit = pageLimit(query);
  const [wanted, setWanted] = useKeyedState(String(limit), () => 0);
  const list = useResource(
    async (signal) => ({ at: Date.now(), ...(await api.get<{ items: WorkflowSession[]; total: number }>(SESSIONS_PATH, {}, signal)) }),
    'sessions',
    () => {
      // Time in workflow was measured when the server answered, a moment ago: close enough to count from now.
      const r = api.arrived<{ items: WorkflowSession[]; total: number }>(SESSIONS_PATH);
      return r ? { at: Date.now(), ...r } : null;
    },
  );
  useDataShownMark(list.data !== null);
  const [now, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), 1000);
  useInterval(() => list.reload(), REFRESH_MS);
  const shown = pageOf(list.data?.items ?? [], wanted, limit);
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
      {list.data && list.data.total > list.data.items.length ? (
        <p className="muted" role="status">
          Showing the {list.data.items.length.toLocaleString('en-US')} longest-running of {list.data.total.toLocaleString('en-US')} active sessions.
        </p>
      ) : null}
      {!list.data ? (
        <Loading what="sessions" />
      ) : list.data.items.length === 0 ? (
        <p className="empty">No active workflow sessions.</p>
      ) : (
        <div className="table-wrap">
          <table className="grid">
            <PlainHead columns={['Session ID', 'Workflow', 'Version ID', 'Started at', 'Current workflow item', 'Communication type', 'Phone number', 'Category', 'Time in workflow']} />
            <tbody>
              {shown.rows.map((s) => (
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
      {list.data && list.data.items.length > 0 ? (
        <Pager
          page={shown.page}
          limit={limit}
          shown={shown.rows.length}
          total={list.data.items.length}
          nextCursor={shown.hasNext ? String(shown.page + 1) : null}
          onNext={() => setWanted(shown.page + 1)}
          onPrev={() => setWanted(Math.max(0, shown.page - 1))}
          onLimit={(n) => navigate({ name: 'sessions', query: n === 50 ? {} : { limit: [String(n)] } })}
        />
      ) : null}
    </main>
  );
}
