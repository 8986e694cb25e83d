import { useState, type FormEvent } from 'react';
import type { FlowExecution, FlowListItem, Option, PageOf } from '../api/types';
import { useSession } from '../context';
import { navigate, useAfterPaint, useKeyedState, useResource, useDataShownMark } from '../hooks';
import { DEFAULT_FLOW_FILTERS, DURATION_OPS, flowApiParams, flowFiltersFromQuery, filtersToQuery, nextSort, type FlowFilters, type FlowSort } from '../lib/filters';
import { formatDateTime, formatDuration, orDash } from '../lib/format';
import { hrefOf, type Query } from '../lib/router';
import { flowListPath, flowPath } from '../lib/requests';
import { DateRangeField } from '../components/DateRangeField';
import { Dialog, JsonView } from '../components/Dialog';
import { ExportMenu } from '../components/ExportMenu';
import { MultiSelect } from '../components/MultiSelect';
import { Pager, usePager } from '../components/Pager';
import { SavedSearches } from '../components/SavedSearches';
import { Select } from '../components/Select';
import { SortHeader } from '../components/SortHeader';
import { ErrorNote, Loading } from '../components/Status';
import { HistoryDialog, type HistoryTarget } from './HistoryDialog';

const go = (f: FlowFilters) => navigate({ name: 'flows', query: filtersToQuery(f, DEFAULT_FLOW_FILTERS) });

/** Options of a filter, asked for once the list is painted: the rows are what the analyst waits for. */
function useOptions(field: string, afterRows: boolean): Option[] {
  const { api } = useSession();
  const r = useResource(async (signal) => (await api.get<{ options: Option[] }>(`/v1/filter-options/${field}`, {}, signal)).options, field, undefined, afterRows);
  return r.data ?? [];
}

/** Seed 000: the Flow Interactions table, its filter panel, saved searches and exports. */
export function FlowList({ query }: { query: Query }) {
  const { api, me } = useSession();
  const applied = flowFiltersFromQuery(query);
  const appliedKey = JSON.stringify(applied);
  // The form follows navigation (back/forward, saved searches, sort clicks); keyed on the value, not the object.
  const [draft, setDraft] = useKeyedState(appliedKey, () => applied);
  const pager = usePager(appliedKey);
  const list = useResource(
    async (signal) => ({ pageIndex: pager.page, ...(await api.get<PageOf<FlowListItem>>(flowListPath(applied, pager.cursor), {}, signal)) }),
    `${appliedKey}|${pager.cursor ?? ''}`,
    () => {
      const page = api.arrived<PageOf<FlowListItem>>(flowListPath(applied, null));
      return page ? { pageIndex: 0, ...page } : null;
    },
  );
  useDataShownMark(list.data !== null);
  const afterRows = useAfterPaint(list.data !== null || list.error !== null);
  const flows = useOptions('flows', afterRows);
  const entryPoints = useOptions('entry-points', afterRows);
  const versions = useOptions('versions', afterRows);
  const tags = useOptions('tags', afterRows);
  const [raw, setRaw] = useState<{ id: string; value: unknown } | null>(null);
  const [history, setHistory] = useState<HistoryTarget | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    go(draft);
  };
  const sortBy = (column: FlowSort) => go({ ...applied, ...nextSort(applied, column) });
  const set = <K extends keyof FlowFilters>(k: K, v: FlowFilters[K]) => setDraft((d) => ({ ...d, [k]: v }));

  async function showRaw(id: string) {
    const x = await api.get<FlowExecution>(flowPath(id));
    setRaw({ id, value: x.raw });
  }

  return (
    <main id="main" className="page with-sidebar" tabIndex={-1}>
      <h1>Flow Interactions</h1>
      <form className="filters" onSubmit={submit} aria-label="Filters">
        <DateRangeField value={draft} onChange={(r) => setDraft((d) => ({ ...d, ...r }))} timeZone={me.timeZone} withTime />
        <div className="field">
          <label htmlFor="f-phone">Phone number</label>
          <div className="row tight">
            <input id="f-phone" name="phone" value={draft.phone} onChange={(e) => set('phone', e.target.value)} placeholder="+1555…" />
            <select aria-label="Match phone number in" value={draft.phoneIn} onChange={(e) => set('phoneIn', e.target.value as FlowFilters['phoneIn'])}>
              <option value="both">Both</option>
              <option value="from">From</option>
              <option value="to">To</option>
            </select>
          </div>
        </div>
        <div className="field">
          <label htmlFor="f-interaction">Interaction ID</label>
          <input id="f-interaction" name="interactionId" value={draft.interactionId} onChange={(e) => set('interactionId', e.target.value)} />
        </div>
        <MultiSelect label="Flow name" name="flowName" options={flows} value={draft.flowName} onChange={(v) => set('flowName', v)} />
        <MultiSelect label="Entry point" name="entryPoint" options={entryPoints} value={draft.entryPoint} onChange={(v) => set('entryPoint', v)} />
        <Select id="f-version" label="Flow version" all="Any" options={versions} value={draft.version} onChange={(v) => set('version', v)} />
        <Select id="f-tag" label="Tag" all="Any" options={tags} value={draft.tag} onChange={(v) => set('tag', v)} />
        <div className="field">
          <label htmlFor="f-duration">Duration (seconds)</label>
          <div className="row tight">
            <select aria-label="Duration comparison" value={draft.durationOp} onChange={(e) => set('durationOp', e.target.value as FlowFilters['durationOp'])}>
              {DURATION_OPS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
            <input id="f-duration" name="duration" type="number" min={0} step="any" value={draft.duration} onChange={(e) => set('duration', e.target.value)} disabled={draft.durationOp === ''} />
          </div>
        </div>
        <div className="row">
          <button type="submit" className="primary">
            Apply
          </button>
          <button type="button" onClick={() => go({ ...DEFAULT_FLOW_FILTERS, limit: applied.limit })}>
            Reset
          </button>
        </div>
      </form>

      <section className="results" aria-label="Flow interactions">
        <div className="toolbar">
          <SavedSearches list="flow-executions" enabled={afterRows} current={filtersToQuery(applied, DEFAULT_FLOW_FILTERS)} onApply={(q) => navigate({ name: 'flows', query: q })} />
          <ExportMenu path="/v1/flow-executions/export" params={flowApiParams(applied)} fallbackName="flow-interactions" />
        </div>
        {list.error ? <ErrorNote error={list.error} /> : null}
        {list.data ? (
          <p className="muted small" data-testid="range">
            {formatDateTime(list.data.range.from, me.timeZone)} to {formatDateTime(list.data.range.to, me.timeZone)} ({me.timeZone})
          </p>
        ) : null}
        <div className="table-wrap">
          <table className="grid compact" aria-busy={list.loading}>
            <thead>
              <tr>
                <th scope="col">Interaction ID</th>
                <SortHeader column="flow" {...applied} onSort={sortBy}>
                  Flow
                </SortHeader>
                <th scope="col">Version</th>
                <th scope="col">Tag</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <SortHeader column="started" {...applied} onSort={sortBy}>
                  Started at
                </SortHeader>
                <SortHeader column="entryPoint" {...applied} onSort={sortBy}>
                  Entry point
                </SortHeader>
                <SortHeader column="duration" {...applied} onSort={sortBy}>
                  Duration
                </SortHeader>
                <SortHeader column="ended" {...applied} onSort={sortBy}>
                  Ended at
                </SortHeader>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data?.items.map((x) => (
                <tr key={x.id}>
                  <td>
                    <a href={hrefOf({ name: 'flow', id: x.id, query: {} })} className="mono">
                      {x.interactionId ?? x.id}
                    </a>
                  </td>
                  <td className="wrap">{orDash(x.flow)}</td>
                  <td>{orDash(x.version)}</td>
                  <td>{orDash(x.tag)}</td>
                  <td className="mono nowrap">
                    {/* Seed 000: From links to the contact's record: here, the client's history. */}
                    {x.from ? (
                      <button type="button" className="linklike mono" onClick={() => setHistory({ kind: 'client', address: x.from! })} aria-label={`Client history of ${x.from}`}>
                        {x.from}
                      </button>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="mono nowrap">{orDash(x.to)}</td>
                  <td className="nowrap">{formatDateTime(x.startedAt, me.timeZone)}</td>
                  <td className="wrap">{orDash(x.entryPoint)}</td>
                  <td className="num">{formatDuration(x.duration)}</td>
                  <td className="nowrap">{formatDateTime(x.endedAt, me.timeZone)}</td>
                  <td className="actions">
                    <button type="button" className="small" onClick={() => void showRaw(x.id)} aria-label={`Show raw JSON of ${x.interactionId ?? x.id}`}>
                      Show
                    </button>
                    <a className="button small" href={hrefOf({ name: 'flow', id: x.id, query: {} })} aria-label={`View details of ${x.interactionId ?? x.id}`}>
                      Details
                    </a>
                    <a className="button small" href={hrefOf({ name: 'flow', id: x.id, query: { debug: ['1'] } })} aria-label={`Debug ${x.interactionId ?? x.id}`}>
                      Debug
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.loading && !list.data ? <Loading what="flow interactions" /> : null}
          {list.data && list.data.items.length === 0 ? <p className="empty">No flow interactions match these filters.</p> : null}
        </div>
        {list.data ? (
          <Pager
            page={list.data.pageIndex}
            busy={list.loading}
            limit={applied.limit}
            shown={list.data.items.length}
            total={list.data.total}
            nextCursor={list.data.nextCursor}
            onNext={pager.next}
            onPrev={pager.prev}
            onLimit={(limit) => go({ ...applied, limit })}
          />
        ) : null}
      </section>
      <HistoryDialog target={history} onClose={() => setHistory(null)} />
      <Dialog title={`Raw JSON · ${raw?.id ?? ''}`} open={raw !== null} onClose={() => setRaw(null)} wide>
        <JsonView value={raw?.value} label="Raw events" />
      </Dialog>
    </main>
  );
}
