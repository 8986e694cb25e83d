import { Fragment, useState } from 'react';
import type { FlowExecution, FlowStep } from '../api/types';
import { useSession } from '../context';
import { navigate, useResource } from '../hooks';
import { formatDateTime, formatDateTimeMs, formatDuration, orDash } from '../lib/format';
import { first, hrefOf, type Query } from '../lib/router';
import { flowPath } from '../lib/requests';
import { Dialog, JsonView } from '../components/Dialog';
import { ErrorNote, HttpPill, Loading, Pill, StatusBadge } from '../components/Status';
import { StepIcon, stepLabel } from '../components/StepIcon';
import { Pairs } from '../components/Pairs';
import { PlainHead } from '../components/SortHeader';
import { Tabs } from '../components/Tabs';

type Panel = 'details' | 'settings' | 'values';
const failed = (s: FlowStep) => s.error !== null || (s.http?.status ?? 0) >= 400;

function StepPanel({ step, panel }: { step: FlowStep; panel: Panel }) {
  const [side, setSide] = useState<'before' | 'after'>('before');
  if (panel === 'details') return <JsonView value={step.details} label={`Details of step ${step.seq}`} />;
  if (panel === 'settings') return <JsonView value={step.settings ?? null} label={`Settings of step ${step.seq}`} />;
  return (
    <div>
      <Tabs
        label={`Values of step ${step.seq}`}
        idPrefix={`values-${step.seq}`}
        tabs={[
          { id: 'before', label: 'Before' },
          { id: 'after', label: 'After' },
        ]}
        value={side}
        onChange={setSide}
      />
      <div role="tabpanel" id={`values-${step.seq}-panel-${side}`} aria-labelledby={`values-${step.seq}-tab-${side}`}>
        <JsonView value={(side === 'before' ? step.valuesBefore : step.valuesAfter) ?? null} label={`Values ${side} step ${step.seq}`} />
      </div>
    </div>
  );
}

function StepsTab({ x, debug, timeZone }: { x: FlowExecution; debug: boolean; timeZone: string }) {
  const firstFailure = debug ? x.steps.find(failed) : undefined;
  const [open, setOpen] = useState<Map<number, Panel>>(() => new Map(firstFailure ? [[firstFailure.seq, 'details']] : []));
  const [search, setSearch] = useState('');
  const toggle = (seq: number, panel: Panel) =>
    setOpen((m) => {
      const next = new Map(m);
      if (next.get(seq) === panel) next.delete(seq);
      else next.set(seq, panel);
      return next;
    });
  const needle = search.trim().toLowerCase();
  const steps = x.steps.filter((s) => !needle || (s.name ?? '').toLowerCase().includes(needle));
  return (
    <div>
      <div className="toolbar">
        <label>
          Search steps by name <input type="search" name="stepSearch" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <span className="muted small">
          {steps.length} of {x.steps.length} steps · {x.counts.errors} errors · {x.counts.httpErrors} HTTP errors
        </span>
      </div>
      <div className="table-wrap">
        <table className="grid steps">
          <PlainHead columns={['Step', 'Type', 'Name', 'Result', 'Started at', 'Ended at', 'Duration', 'Inspect']} />
          <tbody>
            {steps.map((s) => {
              const panel = open.get(s.seq);
              return (
                <Fragment key={s.seq}>
                  <tr className={failed(s) ? 'failed' : undefined} data-testid={`step-${s.seq}`}>
                    <td className="num">{s.seq}</td>
                    <td className="nowrap">
                      <StepIcon type={s.type} /> {stepLabel(s.type)}
                    </td>
                    <td>{orDash(s.name)}</td>
                    <td className="result">
                      {s.result ? <span>{s.result}</span> : null} <HttpPill status={s.http?.status ?? null} />{' '}
                      {s.error ? (
                        <Pill tone="error" title={s.error.message ?? undefined}>
                          Error{s.error.code ? ` ${s.error.code}` : ''}
                        </Pill>
                      ) : null}
                    </td>
                    <td className="nowrap mono small">{formatDateTimeMs(s.startedAt, timeZone)}</td>
                    <td className="nowrap mono small">{formatDateTimeMs(s.endedAt, timeZone)}</td>
                    <td className="num">{s.durationMs === null ? '—' : `${s.durationMs} ms`}</td>
                    <td className="actions">
                      {(['details', 'settings', 'values'] as const).map((p) => (
                        <button key={p} type="button" className="small" aria-expanded={panel === p} aria-controls={`step-${s.seq}-panel`} onClick={() => toggle(s.seq, p)}>
                          {p === 'values' ? 'Values' : p[0]!.toUpperCase() + p.slice(1)}
                        </button>
                      ))}
                    </td>
                  </tr>
                  {panel ? (
                    <tr className="expanded" id={`step-${s.seq}-panel`}>
                      <td colSpan={8}>
                        <h3 className="small-heading">
                          Step {s.seq} · {panel === 'values' ? 'Values before / after' : panel === 'details' ? 'Details' : 'Settings'}
                        </h3>
                        {s.error?.message ? <p className="error-text">{s.error.message}</p> : null}
                        {s.http?.url ? (
                          <p className="mono small">
                            {s.http.method ?? ''} {s.http.url}
                          </p>
                        ) : null}
                        <StepPanel step={s} panel={panel} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
        {steps.length === 0 ? <p className="empty">No step matches “{search}”.</p> : null}
      </div>
    </div>
  );
}

function DetailsTab({ x, timeZone }: { x: FlowExecution; timeZone: string }) {
  const d = x.details;
  const rows: [string, string][] = [
    ['From', orDash(d.from)],
    ['To', orDash(d.to)],
    ['Started at', formatDateTime(d.startedAt, timeZone) + (d.startInferred ? ' (inferred from the first step)' : '')],
    ['Ended at', formatDateTime(d.endedAt, timeZone)],
    ['Flow ID', orDash(d.flowId)],
    ['Flow Version ID', orDash(d.flowVersionId)],
    ['Last Step Executed', orDash(d.lastStepExecuted)],
    ['Tag', orDash(d.tag)],
    ['Entry point', orDash(x.entryPoint)],
    ['Channel', orDash(x.channel)],
    ['Duration', formatDuration(x.duration)],
    ['End reason', orDash(x.endReason)],
  ];
  return <Pairs rows={rows} />;
}

/** Seed 000's flow interaction page: header, Raw Details, Steps and Details tabs. */
export function FlowDetail({ id, query }: { id: string; query: Query }) {
  const { api, me } = useSession();
  const x = useResource((signal) => api.get<FlowExecution>(flowPath(id), {}, signal), id);
  const tab = first(query, 'tab') === 'details' ? 'details' : 'steps';
  const debug = first(query, 'debug') === '1';
  const [raw, setRaw] = useState(false);
  const setTab = (t: 'steps' | 'details') => navigate({ name: 'flow', id, query: { ...query, tab: [t] } });
  if (x.error) {
    return (
      <main id="main" className="page" tabIndex={-1}>
        <p>
          <a href="#/flows">← Flow Interactions</a>
        </p>
        <ErrorNote error={x.error} />
      </main>
    );
  }
  if (!x.data) return <Loading what="flow execution" />;
  const e = x.data;
  return (
    <main id="main" className="page" tabIndex={-1}>
      <p>
        <a href="#/flows">← Flow Interactions</a>
      </p>
      <header className="detail-head">
        <div>
          <h1>
            Interaction{' '}
            {e.interactionId ? (
              <a href={hrefOf({ name: 'interaction', id: e.interactionId, query: {} })} className="mono">
                {e.interactionId}
              </a>
            ) : (
              <span className="mono">{e.id}</span>
            )}
          </h1>
          <p className="subtitle">
            {orDash(e.flow.name)} · version {orDash(e.flow.version)} <StatusBadge status={e.status} /> {debug ? <Pill tone="warn">Debug: first failing step opened</Pill> : null}
          </p>
          <p className="muted small mono">execution {e.id}</p>
        </div>
        <div className="row">
          <button type="button" onClick={() => setRaw(true)}>
            Raw Details
          </button>
          {!debug ? (
            <a className="button" href={hrefOf({ name: 'flow', id, query: { debug: ['1'] } })}>
              Debug Flow
            </a>
          ) : null}
        </div>
      </header>
      <Tabs
        label="Flow interaction"
        idPrefix="flow"
        tabs={[
          { id: 'steps', label: `Steps (${e.steps.length})` },
          { id: 'details', label: 'Details' },
        ]}
        value={tab}
        onChange={setTab}
      />
      <section role="tabpanel" id={`flow-panel-${tab}`} aria-labelledby={`flow-tab-${tab}`} className="tabpanel">
        {tab === 'steps' ? <StepsTab key={String(debug)} x={e} debug={debug} timeZone={me.timeZone} /> : <DetailsTab x={e} timeZone={me.timeZone} />}
      </section>
      <Dialog title="Raw Details" open={raw} onClose={() => setRaw(false)} wide>
        <JsonView value={e.raw} label="Raw events of this execution" />
      </Dialog>
    </main>
  );
}
