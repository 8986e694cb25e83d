import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { parseHash, hrefOf, type Route } from './lib/router';

export function useRoute(): Route {
  // Kept as the hash text, so a second notice of the same navigation (see navigate) renders nothing.
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return useMemo(() => parseHash(hash), [hash]);
}

/**
 * Goes to `route`. The browser's own hashchange comes later, as a task of its own; the app is
 * told at once, so the new screen (and a filter form reset to the new URL) is drawn within the
 * click that navigated. Otherwise a choice made right after Reset could land on the old form
 * and then be wiped when the hashchange arrived.
 */
export function navigate(route: Route): void {
  const href = hrefOf(route);
  if (window.location.hash === href) return;
  window.location.hash = href;
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/**
 * State that goes back to `initial()` whenever `key` changes, within the render that sees the new
 * key (React's "adjusting state when a prop changes"), not in an effect after it. The effect
 * (`useEffect(() => setX(…), [key])`) drew the whole screen a second time right after its first
 * commit, and for one render paired new filters with the old page's cursor.
 */
export function useKeyedState<T>(key: string, initial: () => T): [T, Dispatch<SetStateAction<T>>] {
  const [state, setState] = useState(() => ({ key, value: initial() }));
  let value = state.value;
  if (state.key !== key) {
    value = initial();
    setState({ key, value });
  }
  const set = useCallback<Dispatch<SetStateAction<T>>>(
    (next) => setState((s) => ({ key: s.key, value: typeof next === 'function' ? (next as (prev: T) => T)(s.value) : next })),
    [],
  );
  return [value, set];
}

export interface Resource<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `load()` whenever `key` changes; a newer load cancels an older one, so a slow answer
 * to an old filter can never overwrite the answer to the current one. The request starts in a
 * layout effect, before the browser paints the empty screen rather than after: on a slow
 * machine a paint costs a few hundred milliseconds, and the request can run meanwhile.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, key: string, arrived?: () => T | null, enabled = true): Resource<T> {
  // `arrived`: data already in (an answer asked before React started), drawn in the first render.
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>(() => {
    const data = arrived?.() ?? null;
    return { data, error: null, loading: data === null };
  });
  const skipFirst = useRef(state.data !== null);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useLayoutEffect(() => {
    // Not yet wanted (`enabled` false): stays loading, asks nothing.
    if (!enabled) return;
    if (skipFirst.current) {
      skipFirst.current = false;
      return;
    }
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    loadRef
      .current(ctrl.signal)
      .then((data) => {
        if (!ctrl.signal.aborted) setState({ data, error: null, loading: false });
      })
      .catch((error: unknown) => {
        if (!ctrl.signal.aborted) setState({ data: null, error: error instanceof Error ? error : new Error(String(error)), loading: false });
      });
    return () => ctrl.abort();
  }, [key, tick, enabled]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/**
 * False until `ready` has been true for one painted frame. What a screen needs only after its
 * data is on screen (filter options, saved searches) waits for it, so neither the requests nor
 * their answers compete with the first render and paint for the page's one main thread.
 */
export function useAfterPaint(ready: boolean): boolean {
  const [after, setAfter] = useState(false);
  useEffect(() => {
    if (!ready || after) return;
    let timer = 0;
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => setAfter(true));
    });
    return () => {
      cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, [ready, after]);
  return after;
}

export function useInterval(fn: () => void, ms: number): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const id = window.setInterval(() => ref.current(), ms);
    return () => window.clearInterval(id);
  }, [ms]);
}

/**
 * Marks the moment a screen first shows its data (`performance.mark('cxfold:data')`), once per
 * page load: what `npm run bench:console` reads as the load time, measured in the page itself.
 */
export function useDataShownMark(shown: boolean): void {
  useEffect(() => {
    if (shown && performance.getEntriesByName('cxfold:data').length === 0) performance.mark('cxfold:data');
  }, [shown]);
}
