import { parseJsonBody } from './safe-json';
import { quoteUnsafeIntegers } from './exact-integers';

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
    for (const text of ['{"a":01234567890123456789}', '[1 12345678901234567891]', '{"a":12345678901234567891x}', '{"a":-12345678901234567891.}', '"12345678901234567891']) {
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
