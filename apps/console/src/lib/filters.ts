import type { Params } from '../api/query-string';
import { first, type Query } from './router';

/**
 * Filter state ⇄ the hash query ⇄ the API's parameters. The hash holds only what differs from
 * the defaults, so `#/flows` is "today, started at descending", as seed 000 opens.
 */

export type RangeChoice = 'today' | 'yesterday' | 'last7days' | 'custom';
export const RANGE_CHOICES: { value: RangeChoice; label: string }[] = [
  { value: 'today', label: 'Today' },
  { value: 'yesterday', label: 'Yesterday' },
  { value: 'last7days', label: 'Last 7 days' },
  { value: 'custom', label: 'Custom' },
];

export interface DateRange {
  range: RangeChoice;
  /** `YYYY-MM-DDTHH:mm` or `YYYY-MM-DD`, in the tenant zone (custom only) */
  from: string;
  to: string;
}

export const FLOW_SORTS = ['started', 'ended', 'duration', 'flow', 'entryPoint'] as const;
export type FlowSort = (typeof FLOW_SORTS)[number];
export const INTERACTION_SORTS = ['created', 'closed', 'channel', 'queue', 'agent', 'client', 'did', 'disposition', 'duration', 'acw', 'status'] as const;
export type InteractionSort = (typeof INTERACTION_SORTS)[number];
export const DURATION_OPS = [
  { value: '', label: '—' },
  { value: 'gt', label: '>' },
  { value: 'lt', label: '<' },
  { value: 'gte', label: '≥' },
  { value: 'lte', label: '≤' },
] as const;
export type DurationOp = (typeof DURATION_OPS)[number]['value'];
export const PAGE_SIZES = [25, 50, 100] as const;

interface Listing<S extends string> {
  sort: S;
  order: 'asc' | 'desc';
  limit: number;
}

export interface FlowFilters extends DateRange, Listing<FlowSort> {
  phone: string;
  phoneIn: 'both' | 'from' | 'to';
  interactionId: string;
  flowName: string[];
  entryPoint: string[];
  version: string;
  tag: string;
  durationOp: DurationOp;
  duration: string;
}

export interface InteractionFilters extends DateRange, Listing<InteractionSort> {
  agent: string;
  queue: string;
  channel: string;
  did: string;
  disposition: string;
}

const oneOf = <T extends string>(values: readonly T[], v: string | undefined, fallback: T): T => (v !== undefined && (values as readonly string[]).includes(v) ? (v as T) : fallback);
const text = (q: Query, k: string) => first(q, k) ?? '';
const limitOf = (q: Query) => oneOf(PAGE_SIZES.map(String), first(q, 'limit'), '50');

function rangeOf(q: Query): DateRange {
  const range = oneOf(['today', 'yesterday', 'last7days', 'custom'] as const, first(q, 'range'), 'today');
  return { range, from: range === 'custom' ? text(q, 'from') : '', to: range === 'custom' ? text(q, 'to') : '' };
}

export const DEFAULT_FLOW_FILTERS: FlowFilters = {
  range: 'today',
  from: '',
  to: '',
  phone: '',
  phoneIn: 'both',
  interactionId: '',
  flowName: [],
  entryPoint: [],
  version: '',
  tag: '',
  durationOp: '',
  duration: '',
  sort: 'started',
  order: 'desc',
  limit: 50,
};

export function flowFiltersFromQuery(q: Query): FlowFilters {
  return {
    ...rangeOf(q),
    phone: text(q, 'phone'),
    phoneIn: oneOf(['both', 'from', 'to'] as const, first(q, 'phoneIn'), 'both'),
    interactionId: text(q, 'interactionId'),
    flowName: q.flowName ?? [],
    entryPoint: q.entryPoint ?? [],
    version: text(q, 'version'),
    tag: text(q, 'tag'),
    durationOp: oneOf(['', 'gt', 'lt', 'gte', 'lte'] as const, first(q, 'durationOp'), ''),
    duration: text(q, 'duration'),
    sort: oneOf(FLOW_SORTS, first(q, 'sort'), 'started'),
    order: oneOf(['asc', 'desc'] as const, first(q, 'order'), 'desc'),
    limit: Number(limitOf(q)),
  };
}

export const DEFAULT_INTERACTION_FILTERS: InteractionFilters = {
  range: 'today',
  from: '',
  to: '',
  agent: '',
  queue: '',
  channel: '',
  did: '',
  disposition: '',
  sort: 'created',
  order: 'desc',
  limit: 50,
};

export function interactionFiltersFromQuery(q: Query): InteractionFilters {
  return {
    ...rangeOf(q),
    agent: text(q, 'agent'),
    queue: text(q, 'queue'),
    channel: text(q, 'channel'),
    did: text(q, 'did'),
    disposition: text(q, 'disposition'),
    sort: oneOf(INTERACTION_SORTS, first(q, 'sort'), 'created'),
    order: oneOf(['asc', 'desc'] as const, first(q, 'order'), 'desc'),
    limit: Number(limitOf(q)),
  };
}

/** The hash query of a filter state: only the values that differ from `defaults`. */
export function filtersToQuery<F extends object>(f: F, defaults: F): Query {
  const out: Query = {};
  for (const [k, v] of Object.entries(f) as [string, unknown][]) {
    const d = (defaults as Record<string, unknown>)[k];
    if (JSON.stringify(v) === JSON.stringify(d)) continue;
    if (Array.isArray(v)) {
      if (v.length) out[k] = v.map(String);
    } else if (v !== '' && v !== undefined) {
      out[k] = [String(v)];
    }
  }
  return out;
}

function rangeParams(f: DateRange): Params {
  if (f.range !== 'custom') return { range: f.range };
  return { from: f.from || undefined, to: f.to || undefined };
}

/** What GET /v1/flow-executions (and its export) is asked. */
export function flowApiParams(f: FlowFilters): Params {
  const withDuration = f.durationOp !== '' && f.duration.trim() !== '';
  return {
    ...rangeParams(f),
    phone: f.phone.trim() || undefined,
    phoneIn: f.phone.trim() ? f.phoneIn : undefined,
    interactionId: f.interactionId.trim() || undefined,
    flowName: f.flowName,
    entryPoint: f.entryPoint,
    version: f.version || undefined,
    tag: f.tag || undefined,
    duration: withDuration ? f.duration.trim() : undefined,
    durationOp: withDuration ? f.durationOp : undefined,
    sort: f.sort,
    order: f.order,
  };
}

/** What GET /v1/interactions (and its export) is asked. */
export function interactionApiParams(f: InteractionFilters): Params {
  return {
    ...rangeParams(f),
    agent: f.agent.trim() || undefined,
    queue: f.queue || undefined,
    channel: f.channel || undefined,
    did: f.did.trim() || undefined,
    disposition: f.disposition || undefined,
    sort: f.sort,
    order: f.order,
  };
}

/** Clicking a column header: the same column flips the order, another starts descending. */
export function nextSort<S extends string>(current: { sort: S; order: 'asc' | 'desc' }, column: S): { sort: S; order: 'asc' | 'desc' } {
  if (current.sort === column) return { sort: column, order: current.order === 'desc' ? 'asc' : 'desc' };
  return { sort: column, order: 'desc' };
}
