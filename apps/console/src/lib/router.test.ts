import { formatQuery, hrefOf, parseHash, type Route } from './router';

test('hash routes', () => {
  expect(parseHash('')).toEqual({ name: 'overview', query: {} });
  expect(parseHash('#/')).toEqual({ name: 'overview', query: {} });
  expect(parseHash('#/flows?range=yesterday&flowName=A&flowName=B')).toEqual({ name: 'flows', query: { range: ['yesterday'], flowName: ['A', 'B'] } });
  expect(parseHash('#/flows/ex%2F1?tab=details')).toEqual({ name: 'flow', id: 'ex/1', query: { tab: ['details'] } });
  expect(parseHash('#/interactions/t-1')).toEqual({ name: 'interaction', id: 't-1', query: {} });
  expect(parseHash('#/sessions')).toEqual({ name: 'sessions', query: {} });
  expect(parseHash('#/sessions/x').name).toBe('not-found');
  expect(parseHash('#/flows/a/b').name).toBe('not-found');
  expect(parseHash('#/v1/interactions').name).toBe('not-found');
});

test('hrefOf is the inverse of parseHash', () => {
  const routes: Route[] = [
    { name: 'overview', query: {} },
    { name: 'flows', query: { phone: ['+1 555'], flowName: ['A & B', 'C'] } },
    { name: 'flow', id: 'ex/1 2', query: { debug: ['1'] } },
    { name: 'interaction', id: 'task#7', query: {} },
    { name: 'sessions', query: {} },
  ];
  for (const r of routes) expect(parseHash(hrefOf(r))).toEqual(r);
});

test('formatQuery leaves out empty values', () => {
  expect(formatQuery({ a: [''], b: ['x'], c: [] })).toBe('?b=x');
  expect(formatQuery({})).toBe('');
});
