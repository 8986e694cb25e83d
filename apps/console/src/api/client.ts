import { withQuery, type Params } from './query-string';
import type { EarlyRequests } from './early';

/** An answer other than 2xx, carrying the API's problem+json fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; count?: number; cap?: number; errors?: { param?: string; message: string }[] },
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

export interface FileDownload {
  blob: Blob;
  fileName: string | null;
}

type Unauthorized = () => void;

/**
 * The only way the console talks to the server: the public API on this origin, with the API
 * key as a bearer token. A 401 means the key was revoked or mistyped: the session ends.
 */
export class ApiClient {
  constructor(
    private readonly key: string,
    private readonly onUnauthorized: Unauthorized = () => {},
    /** Answers asked for before React started (src/main.tsx), taken by `get` for the same path. */
    private readonly earlyRequests: EarlyRequests | null = null,
  ) {}

  private async send(path: string, init: RequestInit = {}, early: Promise<Response> | null = null): Promise<Response> {
    const res = await (early ?? fetch(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${this.key}` } }));
    if (res.ok) return res;
    const problem = await res.json().catch(() => ({ title: res.statusText }));
    if (res.status === 401) this.onUnauthorized();
    throw new ApiError(res.status, problem as ApiError['problem']);
  }

  async get<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
    const url = withQuery(path, params);
    const res = await this.send(url, signal ? { signal } : {}, this.earlyRequests?.take(url, this.key) ?? null);
    return (await res.json()) as T;
  }

  /** An early answer to `path` that has already arrived (api/early.ts), for a screen's first render; null otherwise. */
  arrived<T>(path: string): T | null {
    const data = this.earlyRequests?.peek(path, this.key);
    return data === undefined ? null : (data as T);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await this.send(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return (await res.json()) as T;
  }

  async delete(path: string): Promise<void> {
    await this.send(path, { method: 'DELETE' });
  }

  async download(path: string, params: Params): Promise<FileDownload> {
    const res = await this.send(withQuery(path, params));
    return { blob: await res.blob(), fileName: fileNameOf(res.headers.get('content-disposition')) };
  }
}

/** `attachment; filename="x.csv"` → `x.csv`. */
export function fileNameOf(contentDisposition: string | null): string | null {
  if (!contentDisposition) return null;
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(contentDisposition);
  return m ? decodeURIComponent(m[1]!) : null;
}
