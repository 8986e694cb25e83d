import { firstRequests, flowListPath, interactionListPath, overviewRange, statPath } from './requests';
import { flowFiltersFromQuery, interactionFiltersFromQuery } from './filters';
import { parseHash } from './router';

test('each screen’s first requests are the paths the screen itself asks for', () => {
  expect(firstRequests(parseHash('#/?range=last7days'))).toEqual([
    '/v1/stats/interactions-per-hour?range=last7days',
    '/v1/stats/queue-time?range=last7days',
    '/v1/stats/abandon-rate?range=last7days',
    '/v1/stats/failing-steps?range=last7days',
  ]);
  expect(firstRequests(parseHash('#/'))[0]).toBe('/v1/stats/interactions-per-hour?range=today');
  expect(firstRequests(parseHash('#/flows?range=last7days'))).toEqual(['/v1/flow-executions?range=last7days&sort=started&order=desc&limit=50']);
  const flows = parseHash('#/flows?range=yesterday&flowName=A&flowName=B&limit=25');
  expect(firstRequests(flows)).toEqual([flowListPath(flowFiltersFromQuery(flows.query), null)]);
  expect(firstRequests(parseHash('#/interactions?agent=ann'))).toEqual(['/v1/interactions?range=today&agent=ann&sort=created&order=desc&limit=50']);
  const cc = parseHash('#/interactions?queue=q1');
  expect(firstRequests(cc)).toEqual([interactionListPath(interactionFiltersFromQuery(cc.query), null)]);
  expect(firstRequests(parseHash('#/sessions'))).toEqual(['/v1/workflow-sessions?limit=1000']);
  expect(firstRequests(parseHash('#/flows/ex%2F1?tab=steps'))).toEqual(['/v1/flow-executions/ex%2F1']);
  expect(firstRequests(parseHash('#/interactions/t-1'))).toEqual(['/v1/interactions/t-1']);
  expect(firstRequests(parseHash('#/nowhere/at/all'))).toEqual([]);
});

test('a later page carries its cursor, so it is never mistaken for the first', () => {
  expect(flowListPath(flowFiltersFromQuery({}), 'abc')).toBe('/v1/flow-executions?range=today&sort=started&order=desc&limit=50&cursor=abc');
});

test('overview ranges: unknown values fall back to today', () => {
  expect(overviewRange({ range: ['yesterday'] })).toBe('yesterday');
  expect(overviewRange({ range: ['forever'] })).toBe('today');
  expect(statPath('failing-steps', 'today')).toBe('/v1/stats/failing-steps?range=today');
});
