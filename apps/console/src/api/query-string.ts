/** Query parameters as the API reads them: arrays repeat the key, empty values are left out. */
export type Params = Record<string, string | number | boolean | readonly string[] | null | undefined>;

export function toSearchParams(params: Params): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      for (const v of value) if (v !== '') out.append(key, v);
    } else {
      out.append(key, String(value));
    }
  }
  return out;
}

export function withQuery(path: string, params: Params = {}): string {
  const qs = toSearchParams(params).toString();
  return qs ? `${path}?${qs}` : path;
}
