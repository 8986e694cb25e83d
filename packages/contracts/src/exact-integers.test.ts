import { parseJsonBody } from './safe-json';
import { quoteUnsafeIntegers } from './exact-integers';
import { validateAsSent, validateTaskEvent } from './validate';

const parse = (text: string) => parseJsonBody(new TextEncoder().encode(text));
const valueOf = (text: string) => {
  const r = parse(text);
  if (!r.ok) throw new Error(`refused: ${r.detail}`);
  return r.value;
};

describe('integers beyond the double-precision safe range', () => {
  it('keeps an integer beyond ±(2^53 − 1) as a string of its exact digits, wherever it is', () => {
    expect(valueOf('{"orderRef":12345678901234567891}')).toEqual({ orderRef: '12345678901234567891' });
    expect(valueOf('{"a":[ -12345678901234567891 , {"b":9007199254740993}]}')).toEqual({ a: ['-12345678901234567891', { b: '9007199254740993' }] });
    expect(valueOf('98765432109876543210')).toBe('98765432109876543210');
    // 2^53 itself is beyond the safe range: 2^53 + 1 would read as the same number.
    expect(valueOf('[9007199254740992]')).toEqual(['9007199254740992']);
  });

  it('still refuses an integer beyond double range, as any number there is refused', () => {
    expect(parse(`{"n":${'9'.repeat(400)}}`)).toMatchObject({ ok: false, status: 422, reason: 'number_out_of_range', path: '/n' });
  });

  it('leaves safe integers, decimals and exponents as numbers', () => {
    expect(valueOf('{"a":9007199254740991,"b":-9007199254740991,"c":1.5e20,"d":123456789012345678.5,"e":12345678901234567E3,"f":0}')).toEqual({
      a: 9007199254740991,
      b: -9007199254740991,
      c: 1.5e20,
      d: 123456789012345678.5,
      e: 12345678901234567e3,
      f: 0,
    });
  });

  it('does not touch digits inside strings or keys, escaped quotes included', () => {
    const text = '{"12345678901234567891":"12345678901234567891","t":"a \\" 12345678901234567891 \\\\","n":12345678901234567891}';
    expect(valueOf(text)).toEqual({ '12345678901234567891': '12345678901234567891', t: 'a " 12345678901234567891 \\', n: '12345678901234567891' });
  });

  it('returns a text without such an integer unchanged (the same string, not a copy)', () => {
    const text = '{"card":"4111 1111 1111 1111","ts":1733300000000}';
    expect(quoteUnsafeIntegers(text)).toBe(text);
    const long = '{"s":"12345678901234567891"}';
    expect(quoteUnsafeIntegers(long)).toBe(long);
  });

  it('keeps invalid JSON invalid, with JSON.parse’s message for the text as sent', () => {
    for (const text of ['{12345678901234567891:1}', '{"a":1,-12345678901234567891 :2}', '{"a":01234567890123456789}', '[1 12345678901234567891]', '{"a":12345678901234567891x}', '{"a":-12345678901234567891.}', '"12345678901234567891']) {
      const r = parse(text);
      expect(r).toMatchObject({ ok: false, status: 400, reason: 'invalid_json' });
      let expected = '';
      try {
        JSON.parse(text);
      } catch (err) {
        expected = (err as Error).message;
      }
      expect(!r.ok && r.detail).toBe(`body is not valid JSON: ${expected}`);
    }
  });
});

describe('validateAsSent', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  const task = (fields: string) => {
    const r = parse(`{"eventType":"CREATED","timestamp":"2026-12-03T10:00:00Z",${fields}}`);
    if (!r.ok) throw new Error(r.detail);
    return validateAsSent(r, (b) => validateTaskEvent(b, null, now));
  };

  it('keeps the exact digits where the field takes a number', () => {
    const v = task('"taskId":"t1","variables":{"orderRef":70404301035722134}');
    expect(v.ok && v.value.body.variables).toEqual({ orderRef: '70404301035722134' });
  });

  it('refuses a long integer where a string is wanted, as it refuses a short one', () => {
    expect(task('"taskId":12345678901234567891')).toMatchObject({ ok: false, errors: [{ path: '/taskId' }] });
    expect(task('"taskId":123')).toMatchObject({ ok: false, errors: [{ path: '/taskId' }] });
    expect(task('"taskId":"t1","agent":{"id":-12345678901234567891}')).toMatchObject({ ok: false, errors: [{ path: '/agent/id' }] });
  });

  it('checks a number field’s range on the number sent', () => {
    const v = task('"taskId":"t1","dispositionCode":12345678901234567891');
    expect(v).toMatchObject({ ok: false, errors: [{ path: '/dispositionCode' }] });
  });
});
