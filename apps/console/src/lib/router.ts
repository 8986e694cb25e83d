/**
 * Hash routing (`#/flows?range=today`): the server only ever serves `/`, so no fallback route
 * is needed in the API and no console URL can shadow an API path. Filters live in the hash
 * query, so reload, back/forward and shared links keep them.
 */
export type Query = Record<string, string[]>;

export type Route =
  | { name: 'overview'; query: Query }
  | { name: 'flows'; query: Query }
  | { name: 'flow'; id: string; query: Query }
  | { name: 'interactions'; query: Query }
  | { name: 'interaction'; id: string; query: Query }
  | { name: 'sessions'; query: Query }
  | { name: 'not-found'; query: Query };

export function parseQuery(qs: string): Query {
  const out: Query = {};
  for (const [k, v] of new URLSearchParams(qs)) (out[k] ??= []).push(v);
  return out;
}

export function formatQuery(query: Query): string {
  const p = new URLSearchParams();
  for (const [k, values] of Object.entries(query)) for (const v of values) if (v !== '') p.append(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [pathPart = '/', qs = ''] = raw.split('?', 2) as [string, string?];
  const query = parseQuery(qs);
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, id, ...rest] = parts;
  if (rest.length) return { name: 'not-found', query };
  if (!first) return { name: 'overview', query };
  if (first === 'flows') return id ? { name: 'flow', id, query } : { name: 'flows', query };
  if (first === 'interactions') return id ? { name: 'interaction', id, query } : { name: 'interactions', query };
  if (first === 'sessions' && !id) return { name: 'sessions', query };
  return { name: 'not-found', query };
}

const enc = encodeURIComponent;

/** The href of a route: `#/flows/abc?tab=steps`. */
export function hrefOf(route: Route): string {
  const q = formatQuery(route.query);
  switch (route.name) {
    case 'overview':
      return `#/${q}`;
    case 'flows':
      return `#/flows${q}`;
    case 'flow':
      return `#/flows/${enc(route.id)}${q}`;
    case 'interactions':
      return `#/interactions${q}`;
    case 'interaction':
      return `#/interactions/${enc(route.id)}${q}`;
    case 'sessions':
      return `#/sessions${q}`;
    case 'not-found':
      return '#/';
  }
}

export const first = (query: Query, key: string): string | undefined => query[key]?.[0];
