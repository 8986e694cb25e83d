import { resolveRange, zonedToUtc, localParts, RangeError_ } from './time-range';

const iso = (ms: number) => new Date(ms).toISOString();

describe('zonedToUtc', () => {
  it('maps local midnight to the right instant on ordinary days and around 02:00 DST changes', () => {
    expect(iso(zonedToUtc(2026, 3, 8, 0, 0, 0, 0, 'America/New_York'))).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(zonedToUtc(2026, 3, 9, 0, 0, 0, 0, 'America/New_York'))).toBe('2026-03-09T04:00:00.000Z');
    expect(iso(zonedToUtc(2026, 3, 29, 0, 0, 0, 0, 'Europe/Berlin'))).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(zonedToUtc(2026, 3, 8, 2, 30, 0, 0, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
  });

  it.each([
    ['America/Santiago', 2026, 9, 6],
    ['America/Havana', 2026, 3, 8],
  ] as const)('in %s, where the clocks skip midnight on %i-%i-%i, the day starts at the change (01:00), not an hour early', (tz, y, m, d) => {
    const at = zonedToUtc(y, m, d, 0, 0, 0, 0, tz);
    expect(localParts(at, tz)).toMatchObject({ year: y, month: m, day: d, hour: 1, minute: 0 });
    expect(localParts(at - 1, tz)).toMatchObject({ day: d - 1, hour: 23, minute: 59 });
  });

  it('takes the earlier of a repeated hour (fall back)', () => {
    const at = zonedToUtc(2026, 11, 1, 1, 30, 0, 0, 'America/New_York');
    expect(iso(at)).toBe('2026-11-01T05:30:00.000Z');
    // Santiago falls back at midnight: 2026-04-05 00:00 happens twice; the day starts at the first.
    const santiago = zonedToUtc(2026, 4, 5, 0, 0, 0, 0, 'America/Santiago');
    expect(localParts(santiago - 1, 'America/Santiago')).toMatchObject({ day: 4, hour: 23 });
  });
});

describe('resolveRange bounds', () => {
  const errorOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof RangeError_ ? { param: e.param, message: e.message } : e;
    }
    return null;
  };

  it.each([
    [{ from: '2026-02-30' }, 'from', 'not a calendar date'],
    [{ from: '2026-01-01', to: '2026-13-01' }, 'to', 'not a calendar date'],
    [{ from: '2026-02-29T10:00' }, 'from', 'not a calendar date'],
    [{ from: '2026-01-01T24:00' }, 'from', 'not a time of day'],
    [{ from: '2026-02-30T00:00:00Z' }, 'from', 'not a calendar date'],
    [{ from: '0999-12-31' }, 'from', 'years 1000 to 9999'],
    [{ from: '0001-01-01T00:00:00Z' }, 'from', 'years 1000 to 9999'],
    [{ from: '2026-02-30 10:00:00+01:00' }, 'from', 'not a calendar date'],
    [{ from: 'March 6 2026 10:00 Z' }, 'from', 'must be YYYY-MM-DD'],
    [{ from: '2026-03-06T10:00:00+01:00junk' }, 'from', 'must be YYYY-MM-DD'],
  ])('refuses %j naming %s', (opts, param, message) => {
    expect(errorOf(() => resolveRange(opts, 'UTC'))).toEqual({ param, message: expect.stringContaining(message) });
  });

  it('reads an instant with a space for the T (RFC 3339) as with the T', () => {
    const spaced = resolveRange({ from: '2026-03-06 10:00:00+01:00', to: '2026-03-07T10:00:00.250Z' }, 'UTC');
    expect([spaced.from.toISOString(), spaced.to.toISOString()]).toEqual(['2026-03-06T09:00:00.000Z', '2026-03-07T10:00:00.250Z']);
  });

  it('accepts 29 February in a leap year and to=9999-12-31, clamped to the last writable instant', () => {
    expect(iso(resolveRange({ from: '2028-02-29', to: '2028-02-29' }, 'UTC').to.getTime())).toBe('2028-03-01T00:00:00.000Z');
    // East of UTC the day's end is still writable; west of it, it falls in year 10000.
    expect(resolveRange({ from: '2000-01-01', to: '9999-12-31' }, 'Asia/Kolkata').to.toISOString()).toBe('9999-12-31T18:30:00.000Z');
    const all = resolveRange({ from: '2000-01-01', to: '9999-12-31' }, 'America/New_York');
    expect(all.to.toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect(all.endLocalDate).toBe('9999-12-31');
  });

  it('clamps the local date of an instant that is in year 10000 (or 999) on the tenant\'s clock', () => {
    const tokyo = resolveRange({ from: '9999-12-31T20:00:00Z', to: '9999-12-31T23:00:00Z' }, 'Asia/Tokyo');
    expect([tokyo.startLocalDate, tokyo.endLocalDate]).toEqual(['9999-12-31', '9999-12-31']);
    expect(tokyo.from.toISOString()).toBe('9999-12-31T20:00:00.000Z');
    const ny = resolveRange({ from: '1000-01-01T00:00:00Z', to: '1000-01-02T00:00:00Z' }, 'America/New_York');
    expect([ny.startLocalDate, ny.endLocalDate]).toEqual(['1000-01-01', '1000-01-01']);
  });
});
