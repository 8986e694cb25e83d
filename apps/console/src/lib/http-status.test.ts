import { statusTone } from './http-status';

test('HTTP status pills: green 2xx, blue 3xx, red 4xx and 5xx', () => {
  expect([200, 204, 299, 301, 302, 399, 400, 404, 500, 599, 100, null].map(statusTone)).toEqual(['ok', 'ok', 'ok', 'redirect', 'redirect', 'redirect', 'error', 'error', 'error', 'error', 'other', 'other']);
});
