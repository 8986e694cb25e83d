import { bucketLabel, hourKeys, niceMax, stack, ticks } from './charts';

test('niceMax rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
  expect([0, 0.3, 1, 3, 7, 11, 21, 24, 26, 99, 101, 2400].map(niceMax)).toEqual([1, 0.5, 1, 5, 10, 20, 25, 25, 50, 100, 200, 2500]);
});

test('ticks are round: 4 or 5 intervals, one by one for small counts', () => {
  expect(ticks(25)).toEqual([0, 5, 10, 15, 20, 25]);
  expect(ticks(20)).toEqual([0, 5, 10, 15, 20]);
  expect(ticks(10)).toEqual([0, 2, 4, 6, 8, 10]);
  ticks(0.1).forEach((t, i) => expect(t).toBeCloseTo([0, 0.025, 0.05, 0.075, 0.1][i]!, 10));
  expect(ticks(2, true)).toEqual([0, 1, 2]);
});

test('hourKeys: every local hour of the range with its UTC offset, a DST day has 23 or 25', () => {
  // 2026-03-08 is the spring-forward day in New York: 23 local hours.
  const spring = hourKeys('2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 'America/New_York');
  expect(spring).toHaveLength(23);
  expect(spring.slice(0, 3)).toEqual(['2026-03-08T00:00|-300', '2026-03-08T01:00|-300', '2026-03-08T03:00|-240']);
  // 2026-11-01 falls back: 25 hours, 01:00 twice (summer time first), as the API counts them.
  const fall = hourKeys('2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 'America/New_York');
  expect(fall).toHaveLength(25);
  expect(fall.slice(1, 3)).toEqual(['2026-11-01T01:00|-240', '2026-11-01T01:00|-300']);
  expect(new Set(fall).size).toBe(25);
  // Half-hour zones: India's hours start at :30 UTC.
  expect(hourKeys('2026-03-06T18:30:00.000Z', '2026-03-06T20:30:00.000Z', 'Asia/Kolkata')).toEqual(['2026-03-07T00:00|330', '2026-03-07T01:00|330']);
});

test('stack: dense matrix over the keys, series by total, keys outside the range kept', () => {
  const s = stack(
    [
      { key: 'h1', series: 'voice', count: 2 },
      { key: 'h1', series: 'chat', count: 5 },
      { key: 'h3', series: 'voice', count: 1 },
      { key: 'h9', series: 'sms', count: 1 },
    ],
    ['h1', 'h2', 'h3'],
  );
  expect(s.series).toEqual(['chat', 'voice', 'sms']);
  expect(s.keys).toEqual(['h1', 'h2', 'h3', 'h9']);
  expect(s.values).toEqual([
    [5, 2, 0],
    [0, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ]);
  expect(s.max).toBe(7);
});

test('bucket labels', () => {
  expect(bucketLabel(0, 10)).toBe('0s–10s');
  expect(bucketLabel(60, 120)).toBe('1m–2m');
  expect(bucketLabel(600, null)).toBe('10m+');
});
