import { DEFAULT_FLOW_FILTERS, DEFAULT_INTERACTION_FILTERS, filtersToQuery, flowApiParams, flowFiltersFromQuery, interactionApiParams, interactionFiltersFromQuery, nextSort } from './filters';
import { toSearchParams } from '../api/query-string';

test('an empty hash query is seed 000’s default: today, started at descending, 50 a page', () => {
  expect(flowFiltersFromQuery({})).toEqual(DEFAULT_FLOW_FILTERS);
  expect(toSearchParams(flowApiParams(DEFAULT_FLOW_FILTERS)).toString()).toBe('range=today&sort=started&order=desc');
});

test('flow filters round-trip through the hash, keeping only what differs from the defaults', () => {
  const f = { ...DEFAULT_FLOW_FILTERS, range: 'custom' as const, from: '2026-03-01T08:00', to: '2026-03-02', phone: '+1555', phoneIn: 'from' as const, flowName: ['A', 'B'], durationOp: 'gte' as const, duration: '30', limit: 25 };
  const q = filtersToQuery(f, DEFAULT_FLOW_FILTERS);
  expect(q).toEqual({ range: ['custom'], from: ['2026-03-01T08:00'], to: ['2026-03-02'], phone: ['+1555'], phoneIn: ['from'], flowName: ['A', 'B'], durationOp: ['gte'], duration: ['30'], limit: ['25'] });
  expect(flowFiltersFromQuery(q)).toEqual(f);
});

test('flow API parameters: custom ranges as from/to, duration only with an operator, phoneIn only with a phone', () => {
  const p = flowApiParams({ ...DEFAULT_FLOW_FILTERS, range: 'custom', from: '2026-03-01', to: '', duration: '10', phoneIn: 'to' });
  expect(toSearchParams(p).toString()).toBe('from=2026-03-01&sort=started&order=desc');
  const q = flowApiParams({ ...DEFAULT_FLOW_FILTERS, durationOp: 'lt', duration: ' 10 ', phone: '+1', phoneIn: 'to', entryPoint: ['Web', 'Phone'] });
  expect(toSearchParams(q).toString()).toBe('range=today&phone=%2B1&phoneIn=to&entryPoint=Web&entryPoint=Phone&duration=10&durationOp=lt&sort=started&order=desc');
});

test('unknown or hostile hash values fall back to the defaults', () => {
  const f = flowFiltersFromQuery({ sort: ['drop table'], order: ['sideways'], limit: ['100000'], range: ['forever'], phoneIn: ['x'], durationOp: ['eq'] });
  expect(f).toEqual(DEFAULT_FLOW_FILTERS);
  expect(interactionFiltersFromQuery({ sort: ['nope'] })).toEqual(DEFAULT_INTERACTION_FILTERS);
});

test('interaction filters', () => {
  const f = interactionFiltersFromQuery({ agent: ['ann'], queue: ['q-sales'], range: ['last7days'], sort: ['agent'], order: ['asc'] });
  expect(toSearchParams(interactionApiParams(f)).toString()).toBe('range=last7days&agent=ann&queue=q-sales&sort=agent&order=asc');
});

test('clicking a header: same column flips, another starts descending', () => {
  expect(nextSort({ sort: 'started', order: 'desc' }, 'started')).toEqual({ sort: 'started', order: 'asc' });
  expect(nextSort({ sort: 'started', order: 'asc' }, 'duration')).toEqual({ sort: 'duration', order: 'desc' });
});
