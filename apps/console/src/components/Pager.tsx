import { useKeyedState } from '../hooks';
import { PAGE_SIZES } from '../lib/filters';

/** Keyset pages: the API gives the next page's cursor, so the pager keeps the cursors it has seen. */
export function usePager(resetKey: string) {
  const [cursors, setCursors] = useKeyedState<(string | null)[]>(resetKey, () => [null]);
  const page = cursors.length - 1;
  return {
    page,
    cursor: cursors[page] ?? null,
    next: (nextCursor: string) => setCursors((c) => [...c, nextCursor]),
    prev: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
  };
}

export function Pager(props: {
  page: number;
  limit: number;
  shown: number;
  total: number;
  nextCursor: string | null;
  onNext: (cursor: string) => void;
  onPrev: () => void;
  onLimit: (limit: number) => void;
  /** a page is loading: no second click can skip past it */
  busy?: boolean;
}) {
  const first = props.page * props.limit + 1;
  const last = props.page * props.limit + props.shown;
  return (
    <nav className="pager" aria-label="Pagination">
      <span aria-live="polite" data-testid="pager-status">
        {props.total === 0 ? 'No rows' : `${first}–${last} of ${props.total}`}
      </span>
      <button type="button" onClick={props.onPrev} disabled={props.busy || props.page === 0}>
        ‹ Previous
      </button>
      <button type="button" onClick={() => props.nextCursor && props.onNext(props.nextCursor)} disabled={props.busy || !props.nextCursor}>
        Next ›
      </button>
      <label>
        Rows per page{' '}
        <select value={props.limit} onChange={(e) => props.onLimit(Number(e.target.value))}>
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
    </nav>
  );
}
