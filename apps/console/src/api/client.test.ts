import { fileNameOf } from './client';
import { toSearchParams, withQuery } from './query-string';

test('file names from Content-Disposition', () => {
  expect(fileNameOf('attachment; filename="flow-interactions-2026-03-01-to-2026-03-07.csv"')).toBe('flow-interactions-2026-03-01-to-2026-03-07.csv');
  expect(fileNameOf("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf")).toBe('résumé.pdf');
  expect(fileNameOf(null)).toBeNull();
});

test('query strings repeat array keys and leave out empty values', () => {
  expect(toSearchParams({ a: ['x', 'y'], b: '', c: undefined, d: null, e: 0, f: false }).toString()).toBe('a=x&a=y&e=0&f=false');
  expect(withQuery('/v1/x')).toBe('/v1/x');
  expect(withQuery('/v1/x', { q: 'a b' })).toBe('/v1/x?q=a+b');
});
