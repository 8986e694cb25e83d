import { pageLimit, pageOf } from './paging';

const items = Array.from({ length: 286 }, (_, i) => i);

test('pages of 50: the first, a middle one and the last, shorter one', () => {
  expect(pageOf(items, 0, 50)).toEqual({ page: 0, rows: items.slice(0, 50), hasNext: true });
  expect(pageOf(items, 2, 50).rows[0]).toBe(100);
  const last = pageOf(items, 5, 50);
  expect(last).toEqual({ page: 5, rows: items.slice(250), hasNext: false });
  expect(last.rows).toHaveLength(36);
});

test('a page past the end (the list shrank on refresh) shows the last page; an empty list has one empty page', () => {
  expect(pageOf(items.slice(0, 60), 5, 50)).toEqual({ page: 1, rows: items.slice(50, 60), hasNext: false });
  expect(pageOf([], 3, 50)).toEqual({ page: 0, rows: [], hasNext: false });
  expect(pageOf(items, -1, 25).page).toBe(0);
});

test('rows per page from the hash query: only the pager’s sizes, 50 otherwise', () => {
  expect(pageLimit({})).toBe(50);
  expect(pageLimit({ limit: ['25'] })).toBe(25);
  expect(pageLimit({ limit: ['100'] })).toBe(100);
  expect(pageLimit({ limit: ['1000'] })).toBe(50);
  expect(pageLimit({ limit: ['abc'] })).toBe(50);
});
