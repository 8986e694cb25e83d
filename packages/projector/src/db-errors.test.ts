import { isDatabaseUnavailable } from './db-errors';

const err = (code: unknown) => Object.assign(new Error('x'), { code });

describe('isDatabaseUnavailable: waited out, not charged to the event', () => {
  test.each([
    ['ECONNREFUSED'],
    ['EHOSTUNREACH'],
    ['ENETUNREACH'],
    ['CONNECTION_CLOSED'],
    ['08006'], // connection failure
    ['53300'], // too many connections
    ['53100'], // disk full
    ['53200'], // out of memory
    ['57P01'], // admin shutdown
  ])('%s', (code) => expect(isDatabaseUnavailable(err(code))).toBe(true));

  test.each([
    ['23505'], // unique violation: the data
    ['22P02'], // invalid text representation
    ['57014'], // statement cancelled: a record whose fold runs too long is that record's problem
    ['53400'], // configuration limit exceeded (temp_file_limit): the statement's own doing
    ['40P01'], // deadlock: retried by the job's attempts
  ])('%s is not', (code) => expect(isDatabaseUnavailable(err(code))).toBe(false));

  test('errors without a code are not', () => {
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable(err(42))).toBe(false);
  });
});
