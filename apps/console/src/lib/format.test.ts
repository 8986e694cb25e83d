import { formatClock, formatDateTime, formatDateTimeMs, formatDuration, formatPercent, orDash } from './format';

test('times are shown in the tenant zone, whatever the browser zone', () => {
  expect(formatDateTime('2026-03-07T05:03:22.123Z', 'America/New_York')).toBe('2026-03-07 00:03:22');
  expect(formatDateTime('2026-03-07T05:03:22.123Z', 'Asia/Kolkata')).toBe('2026-03-07 10:33:22');
  expect(formatDateTimeMs('2026-03-07T05:03:22.007Z', 'UTC')).toBe('2026-03-07 05:03:22.007');
  expect(formatDateTime(null, 'UTC')).toBe('—');
});

test('durations', () => {
  expect(formatDuration(0)).toBe('0s');
  expect(formatDuration(0.4)).toBe('0.4s');
  expect(formatDuration(45)).toBe('45s');
  expect(formatDuration(125)).toBe('2m 05s');
  expect(formatDuration(3723)).toBe('1h 02m 03s');
  expect(formatDuration(null)).toBe('—');
});

test('live counter and percentages', () => {
  expect(formatClock(0)).toBe('0:00:00');
  expect(formatClock(3725.9)).toBe('1:02:05');
  expect(formatPercent(0.1234)).toBe('12.3%');
  expect(formatPercent(null)).toBe('—');
  expect(orDash('')).toBe('—');
  expect(orDash(0)).toBe('0');
});
