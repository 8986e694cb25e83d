import { useMemo, useState } from 'react';
import type { InteractionDetail } from '../api/types';
import { useSession } from '../context';
import { useResource } from '../hooks';
import { formatDateTime, formatDuration, orDash } from '../lib/format';
import { hrefOf } from '../lib/router';
import { interactionPath } from '../lib/requests';
import { timelineOf } from '../lib/timeline';
import { TimelineChart } from '../charts/TimelineChart';
import { Dialog, JsonView } from '../components/Dialog';
import { Pairs } from '../components/Pairs';
import { PlainHead } from '../components/SortHeader';
import { ErrorNote, Loading, StatusBadge } from '../components/Status';
import { HistoryDialog, type HistoryTarget } from './HistoryDialog';

/** One CC interaction (seed 004's record): summary, timeline of its segments, legs, flows. */
export function InteractionPage({ id }: { id: string }) {
  const { api, me } = useSession();
  const d = useResource((signal) => api.get<InteractionDetail>(interactionPath(id), {}, signal), id);
  const [raw, setRaw] = useState(false);
  const [history, setHistory] = useState<HistoryTarget | null>(null);
  const timeline = useMemo(() => (d.data ? timelineOf(d.data, Date.now()) : null), [d.data]);
  const back = (
    <p>
      <a href="#/interactions">← CC Interactions</a>
    </p>
  );
  if (d.error)
    return (
      <main id="main" className="page" tabIndex={-1}>
        {back}
        <ErrorNote error={d.error} />
      </main>
    );
  if (!d.data || !timeline) return <Loading what="interaction" />;
  const x = d.data;
  const vars = { ...x.variables.call, ...x.variables.ecc, ...x.variables.extension };
  const facts: [string, string][] = [
    ['Channel', orDash(x.channelType)],
    ['Direction', x.direction],
    ['Customer', orDash(x.customer)],
    ['Customer name', orDash(x.customerName)],
    ['Contact point (DID)', orDash(x.contactPoint)],
    ['Started', formatDateTime(x.startTimestamp, me.timeZone)],
    ['Ended', formatDateTime(x.endTimestamp, me.timeZone)],
    ['Interaction time', formatDuration(x.interactionTime)],
    ['Self-service (IVR) time', formatDuration(x.ivrTime)],
    ['Abandoned after', formatDuration(x.customerAbandonTime)],
    ['Disposition', orDash(x.dispositionName ?? x.dispositionId)],
  ];
  return (
    <main id="main" className="page" tabIndex={-1}>
      {back}
      <header className="detail-head">
        <div>
          <h1>
            Interaction <span className="mono">{x.interactionId}</span>
          </h1>
          <p className="subtitle">
            {orDash(x.channelType)} · {x.segments.length} segment(s) · {x.queues.length} queue leg(s) · {x.agents.length} agent leg(s) {!x.endTimestamp ? <StatusBadge status="active" /> : <StatusBadge status="closed" />}
          </p>
        </div>
        <div className="row">
          {x.customer ? (
            <button type="button" className="badge badge-c" onClick={() => setHistory({ kind: 'client', address: x.customer! })} aria-label={`Client history of ${x.customer}`}>
              C
            </button>
          ) : null}
          <button type="button" onClick={() => setRaw(true)}>
            Raw record
          </button>
        </div>
      </header>
      <section aria-labelledby="timeline-h" className="card">
        <h2 id="timeline-h">Timeline</h2>
        <div className="legend" aria-hidden="true">
          <span className="key tl-self" /> Self-service <span className="key tl-queue" /> Queue <span className="key tl-agent" /> Agent <span className="key tl-transfer-key" /> Transfer
        </div>
        <TimelineChart t={timeline} timeZone={me.timeZone} />
      </section>
      <div className="two-col">
        <section aria-labelledby="facts-h" className="card">
          <h2 id="facts-h">Summary</h2>
          <Pairs rows={facts} />
        </section>
        <section aria-labelledby="legs-h" className="card">
          <h2 id="legs-h">Legs</h2>
          <table className="grid">
            <PlainHead columns={['Leg', 'Start', 'Time', 'Exit']} />
            <tbody>
              {x.queues.map((q, i) => (
                <tr key={`q${i}`}>
                  <td>Queue {orDash(q.queueName ?? q.queueId)}</td>
                  <td className="nowrap">{formatDateTime(q.startTimestamp, me.timeZone)}</td>
                  <td className="num">{formatDuration(q.queueTime)}</td>
                  <td>{q.queueAbandoned ? 'abandoned' : orDash(q.queueExitType)}</td>
                </tr>
              ))}
              {x.agents.map((a, i) => (
                <tr key={`a${i}`}>
                  <td>
                    Agent{' '}
                    {a.agentId ? (
                      <button type="button" className="linklike" onClick={() => setHistory({ kind: 'agent', id: a.agentId!, name: a.agentName ?? a.agentId! })}>
                        {a.agentName ?? a.agentId}
                      </button>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="nowrap">{formatDateTime(a.startTimestamp, me.timeZone)}</td>
                  <td className="num">{formatDuration(a.handleTime)}</td>
                  <td>{orDash(a.exitType)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <div className="two-col">
        <section aria-labelledby="flows-h" className="card">
          <h2 id="flows-h">Flow executions</h2>
          {x.flowExecutions.length === 0 ? <p className="muted">None linked.</p> : null}
          <ul className="plain">
            {x.flowExecutions.map((f) => (
              <li key={f.id}>
                <a href={hrefOf({ name: 'flow', id: f.id, query: {} })}>{orDash(f.flowName)}</a> · {formatDateTime(f.startedAt, me.timeZone)} · {formatDuration(f.durationSeconds)} <StatusBadge status={f.status} />
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="vars-h" className="card">
          <h2 id="vars-h">Variables</h2>
          {Object.keys(vars).length === 0 ? <p className="muted">None.</p> : <JsonView value={vars} label="Variables" />}
        </section>
      </div>
      <Dialog title="Raw record" open={raw} onClose={() => setRaw(false)} wide>
        <JsonView value={x} label="The CxEngage-shaped record" />
      </Dialog>
      <HistoryDialog target={history} onClose={() => setHistory(null)} />
    </main>
  );
}
