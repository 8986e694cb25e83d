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
      // Nobody may take it (the key was revoked, the screen changed): never an unhandled rejection.
      response.catch(() => undefined);
      this.pending.set(path, { key, at: this.now(), response });
    }
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
