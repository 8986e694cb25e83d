import { useState, type FormEvent } from 'react';
import type { InteractionListItem, Option, PageOf } from '../api/types';
import { useSession } from '../context';
import { navigate, useAfterPaint, useKeyedState, useResource, useDataShownMark } from '../hooks';
import { DEFAULT_INTERACTION_FILTERS, filtersToQuery, interactionApiParams, interactionFiltersFromQuery, nextSort, type InteractionFilters, type InteractionSort } from '../lib/filters';
import { formatDateTime, formatDuration, orDash } from '../lib/format';
import { hrefOf, type Query } from '../lib/router';
import { interactionListPath } from '../lib/requests';
import { DateRangeField } from '../components/DateRangeField';
import { ExportMenu } from '../components/ExportMenu';
import { Pager, usePager } from '../components/Pager';
import { SavedSearches } from '../components/SavedSearches';
import { Select } from '../components/Select';
import { SortHeader } from '../components/SortHeader';
import { ErrorNote, Loading, StatusBadge } from '../components/Status';
import { HistoryDialog, type HistoryTarget } from './HistoryDialog';

const go = (f: InteractionFilters) => navigate({ name: 'interactions', query: filtersToQuery(f, DEFAULT_INTERACTION_FILTERS) });

/** Seed 001: CC Interactions with its filter bar, date shortcuts, status badges and C / A badges. */
export function InteractionList({ query }: { query: Query }) {
  const { api, me } = useSession();
  const applied = interactionFiltersFromQuery(query);
  const appliedKey = JSON.stringify(applied);
  // The form follows navigation (back/forward, saved searches, sort clicks); keyed on the value, not the object.
  const [draft, setDraft] = useKeyedState(appliedKey, () => applied);
  const pager = usePager(appliedKey);
  const list = useResource(
    async (signal) => ({ pageIndex: pager.page, ...(await api.get<PageOf<InteractionListItem>>(interactionListPath(applied, pager.cursor), {}, signal)) }),
    `${appliedKey}|${pager.cursor ?? ''}`,
    () => {
      const page = api.arrived<PageOf<InteractionListItem>>(interactionListPath(applied, null));
      return page ? { pageIndex: 0, ...page } : null;
    },
  );
  useDataShownMark(list.data !== null);
  // Queue options come from the API's scoped lookup: a supervisor sees only their own queues.
  // Asked for once the list is painted (as are the saved searches): the rows are what the analyst waits for.
  const afterRows = useAfterPaint(list.data !== null || list.error !== null);
  const options = useResource(
    async (signal) => {
      const [queues, channels, dispositions] = await Promise.all(
        ['queues', 'channels', 'dispositions'].map((f) => api.get<{ options: Option[] }>(`/v1/filter-options/${f}`, {}, signal).then((r) => r.options)),
      );
      return { queues: queues!, channels: channels!, dispositions: dispositions! };
    },
    'options',
    undefined,
    afterRows,
  );
  const [history, setHistory] = useState<HistoryTarget | null>(null);
  const set = <K extends keyof InteractionFilters>(k: K, v: InteractionFilters[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go(draft);
  };
  const sortBy = (column: InteractionSort) => go({ ...applied, ...nextSort(applied, column) });
  const sortable = (column: InteractionSort, label: string) => (
    <SortHeader column={column} {...applied} onSort={sortBy}>
      {label}
    </SortHeader>
  );

  return (
    <main id="main" className="page" tabIndex={-1}>
      <h1>CC Interactions</h1>
      <form className="filters bar" onSubmit={submit} aria-label="Filters">
        <div className="field">
          <label htmlFor="i-agent">Agent</label>
          <input id="i-agent" name="agent" value={draft.agent} onChange={(e) => set('agent', e.target.value)} placeholder="name or id" />
        </div>
        <Select id="i-queue" label="Queue" all={me.role === 'admin' ? 'All Queues' : 'All my queues'} options={options.data?.queues ?? []} value={draft.queue} onChange={(v) => set('queue', v)} />
        <Select id="i-channel" label="Channel" all="All" options={options.data?.channels ?? []} value={draft.channel} onChange={(v) => set('channel', v)} />
        <div className="field">
          <label htmlFor="i-did">DID</label>
          <input id="i-did" name="did" value={draft.did} onChange={(e) => set('did', e.target.value)} placeholder="+18005550100" />
        </div>
        <Select id="i-disposition" label="Disposition" all="Any" options={options.data?.dispositions ?? []} value={draft.disposition} onChange={(v) => set('disposition', v)} />
        <DateRangeField value={draft} onChange={(r) => setDraft((d) => ({ ...d, ...r }))} timeZone={me.timeZone} />
        <div className="row">
          <button type="submit" className="primary">
            Apply
          </button>
          <button type="button" onClick={() => go({ ...DEFAULT_INTERACTION_FILTERS, limit: applied.limit })}>
            Reset
          </button>
        </div>
      </form>
      <section aria-label="CC interactions">
        <div className="toolbar">
          <SavedSearches list="interactions" enabled={afterRows} current={filtersToQuery(applied, DEFAULT_INTERACTION_FILTERS)} onApply={(q) => navigate({ name: 'interactions', query: q })} />
          <ExportMenu path="/v1/interactions/export" params={interactionApiParams(applied)} fallbackName="cc-interactions" />
        </div>
        {list.error ? <ErrorNote error={list.error} /> : null}
        <div className="table-wrap">
          <table className="grid" aria-busy={list.loading}>
            <thead>
              <tr>
                {sortable('created', 'Created')}
                {sortable('closed', 'Closed')}
                {sortable('channel', 'Channel')}
                {sortable('queue', 'Queue')}
                {sortable('agent', 'Agent')}
                {sortable('client', 'Client')}
                {sortable('did', 'DID')}
                {sortable('disposition', 'Disposition')}
                {sortable('duration', 'Duration')}
                {sortable('acw', 'ACW')}
                {sortable('status', 'Status')}
                <th scope="col">
                  <abbr title="Client history">C</abbr>
                </th>
                <th scope="col">
                  <abbr title="Agent history">A</abbr>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data?.items.map((i) => {
                const created = formatDateTime(i.created, me.timeZone);
                return (
                  <tr key={i.id}>
                    <td className="nowrap">
                      <a href={hrefOf({ name: 'interaction', id: i.id, query: {} })} aria-label={`Interaction ${i.id}, created ${created}`}>
                        {created}
                      </a>
                    </td>
                    <td className="nowrap">{formatDateTime(i.closed, me.timeZone)}</td>
                    <td>{orDash(i.channel)}</td>
                    <td>{orDash(i.queue?.name ?? i.queue?.id)}</td>
                    <td>{orDash(i.agent?.name ?? i.agent?.id)}</td>
                    <td>{orDash(i.client)}</td>
                    <td className="mono">{orDash(i.did)}</td>
                    <td>{orDash(i.disposition)}</td>
                    <td className="num">{formatDuration(i.duration)}</td>
                    <td className="num">{formatDuration(i.acw)}</td>
                    <td>
                      <StatusBadge status={i.status} />
                    </td>
                    <td>
                      {i.origin ? (
                        <button type="button" className="badge badge-c" aria-label={`Client history of ${i.origin}`} onClick={() => setHistory({ kind: 'client', address: i.origin! })}>
                          C
                        </button>
                      ) : null}
                    </td>
                    <td>
                      {i.agent ? (
                        <button type="button" className="badge badge-a" aria-label={`Agent history of ${i.agent.name ?? i.agent.id}`} onClick={() => setHistory({ kind: 'agent', id: i.agent!.id, name: i.agent!.name ?? i.agent!.id })}>
                          A
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {list.loading && !list.data ? <Loading what="interactions" /> : null}
          {list.data && list.data.items.length === 0 ? <p className="empty">No interactions match these filters.</p> : null}
        </div>
        {list.data ? (
          <Pager page={list.data.pageIndex}
            busy={list.loading} limit={applied.limit} shown={list.data.items.length} total={list.data.total} nextCursor={list.data.nextCursor} onNext={pager.next} onPrev={pager.prev} onLimit={(limit) => go({ ...applied, limit })} />
        ) : null}
      </section>
      <HistoryDialog target={history} onClose={() => setHistory(null)} />
    </main>
  );
}
