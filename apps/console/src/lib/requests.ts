import { withQuery } from '../api/query-string';
import { flowApiParams, flowFiltersFromQuery, interactionApiParams, interactionFiltersFromQuery, type FlowFilters, type InteractionFilters } from './filters';
import { first, type Query, type Route } from './router';

/**
 * The API paths the screens read, built in one place: a screen asks for exactly the path that
 * `firstRequests` names for its route, so a request started before React (src/main.tsx) is the
 * one the screen then takes instead of asking again.
 */

export const OVERVIEW_RANGES = ['today', 'yesterday', 'last7days'] as const;
export type OverviewRange = (typeof OVERVIEW_RANGES)[number];

export function overviewRange(query: Query): OverviewRange {
  const r = first(query, 'range');
  return OVERVIEW_RANGES.find((x) => x === r) ?? 'today';
}

export const STATS = ['interactions-per-hour', 'queue-time', 'abandon-rate', 'failing-steps'] as const;
export type Stat = (typeof STATS)[number];

export const statPath = (stat: Stat, range: OverviewRange): string => withQuery(`/v1/stats/${stat}`, { range });

export const flowListPath = (f: FlowFilters, cursor: string | null): string => withQuery('/v1/flow-executions', { ...flowApiParams(f), limit: f.limit, cursor });

export const interactionListPath = (f: InteractionFilters, cursor: string | null): string => withQuery('/v1/interactions', { ...interactionApiParams(f), limit: f.limit, cursor });

/** Up to the API's maximum: the screen pages them itself, and says so when there are more. */
export const SESSIONS_LIMIT = 1000;
export const SESSIONS_PATH = `/v1/workflow-sessions?limit=${SESSIONS_LIMIT}`;
export const ME_PATH = '/v1/me';

export const flowPath = (id: string): string => `/v1/flow-executions/${encodeURIComponent(id)}`;
export const interactionPath = (id: string): string => `/v1/interactions/${encodeURIComponent(id)}`;

/** What a route's screen asks for first, on its first page (no cursor). */
export function firstRequests(route: Route): string[] {
  switch (route.name) {
    case 'overview':
      return STATS.map((s) => statPath(s, overviewRange(route.query)));
    case 'flows':
      return [flowListPath(flowFiltersFromQuery(route.query), null)];
    case 'flow':
      return [flowPath(route.id)];
    case 'interactions':
      return [interactionListPath(interactionFiltersFromQuery(route.query), null)];
    case 'interaction':
      return [interactionPath(route.id)];
    case 'sessions':
      return [SESSIONS_PATH];
    case 'not-found':
      return [];
  }
}
