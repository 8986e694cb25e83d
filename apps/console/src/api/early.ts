/**
 * Requests started before React is loaded: `src/main.tsx` asks for the first data of the
 * screen being opened (and `/v1/me` when the tab has no profile yet) while the browser still
 * fetches and compiles React and the screen's code. `ApiClient.get` then takes the answer to
 * the same path instead of asking again. Each is taken at most once, and only while fresh:
 * later loads (a reload button, a 15 s refresh, another filter) always ask the server.
 */
const MAX_AGE_MS = 10_000;

export interface Early {
  key: string;
  at: number;
  response: Promise<Response>;
  /** The parsed body once a 2xx answer is in: a screen can draw it in its very first render. */
  data?: unknown;
}

export class EarlyRequests {
  private readonly pending = new Map<string, Early>();

  constructor(
    private readonly fetchFn: (path: string, init: RequestInit) => Promise<Response>,
    private readonly now: () => number,
  ) {}

  start(key: string, paths: readonly string[]): void {
    for (const path of paths) {
      const response = this.fetchFn(path, { headers: { authorization: `Bearer ${key}` } });
      const e: Early = { key, at: this.now(), response };
      // Nobody may take it (the key was revoked, the screen changed): never an unhandled rejection.
      response.then(async (r) => (r.ok ? (e.data = await r.clone().json()) : undefined)).catch(() => undefined);
      this.pending.set(path, e);
    }
  }

  /**
   * The parsed early answer to `path` (same key, fresh) if it has already arrived, and then it
   * is used up; undefined otherwise (the screen then asks through `take`).
   */
  peek(path: string, key: string): unknown {
    const e = this.pending.get(path);
    if (!e || e.data === undefined || e.key !== key || this.now() - e.at > MAX_AGE_MS) return undefined;
    this.pending.delete(path);
    return e.data;
  }

  /** The early answer to `path`, asked with this same key, if there is a fresh one, and only once; null otherwise. */
  take(path: string, key: string): Promise<Response> | null {
    const e = this.pending.get(path);
    if (!e) return null;
    this.pending.delete(path);
    return e.key === key && this.now() - e.at <= MAX_AGE_MS ? e.response : null;
  }
}

/** The page's one set of early requests (a module, not a global: the app imports it). */
export const early = new EarlyRequests(
  (path, init) => fetch(path, init),
  () => performance.now(),
);
