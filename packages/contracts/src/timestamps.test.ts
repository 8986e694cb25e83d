import { EARLIEST_EVENT_MS, FUTURE_SKEW_MS, checkTimestamp, toEpochMs } from './timestamps';

const NOW = Date.UTC(2024, 5, 10, 12, 0, 0);

describe('toEpochMs', () => {
  it.each([
    ['2024-06-10T12:00:00Z', NOW],
    ['2024-06-10T12:00:00.123Z', NOW + 123],
    ['2024-06-10T14:00:00+02:00', NOW],
    ['2024-06-10T07:00:00-0500', NOW],
    ['2024-06-10T12:00Z', NOW],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    [NOW, NOW],
  ])('reads %j', (input, expected) => {
    expect(toEpochMs(input)).toBe(expected);
  });

  it.each([['2024-06-10T12:00:00'], ['2024-06-10'], ['10/06/2024 12:00'], ['2024-13-45T99:99:99Z'], [1.5], [Number.MAX_VALUE], [null], [undefined], [{}]])(
    'rejects %j',
    (input) => {
      expect(toEpochMs(input)).toBeNull();
    },
  );
});

describe('checkTimestamp', () => {
  it('accepts the window [2000-01-01, now + 24h]', () => {
    expect(checkTimestamp(EARLIEST_EVENT_MS, NOW)).toBeNull();
    expect(checkTimestamp(NOW + FUTURE_SKEW_MS, NOW)).toBeNull();
    expect(checkTimestamp('2024-06-10T12:00:00Z', NOW)).toBeNull();
  });

  it('explains why a timestamp is unusable', () => {
    expect(checkTimestamp(EARLIEST_EVENT_MS - 1, NOW)).toBe('is before 2000-01-01');
    expect(checkTimestamp(NOW + FUTURE_SKEW_MS + 1, NOW)).toBe('is more than 24 hours in the future');
    expect(checkTimestamp('yesterday', NOW)).toBe('must be an ISO-8601 date-time with zone or epoch milliseconds');
  });

  it.each([['2024-02-30T10:00:00Z'], ['2024-04-31T00:00:00Z'], ['2023-02-29T12:00:00Z'], ['2024-06-10T24:00:00Z']])(
    'refuses %j at the door, but a stored event keeps folding as it did (rolled over)',
    (value) => {
      expect(checkTimestamp(value, NOW)).toBe('must be an ISO-8601 date-time with zone or epoch milliseconds');
      expect(checkTimestamp(value, NOW, { calendar: false })).toBeNull();
      expect(toEpochMs(value)).toBe(Date.parse(value));
    },
  );
  it('accepts 29 February of a leap year', () => expect(checkTimestamp('2024-02-29T00:00:00Z', NOW)).toBeNull());
});
