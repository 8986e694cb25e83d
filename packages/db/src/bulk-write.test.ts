import { pgArrayLiteral } from './bulk-write';

describe('pgArrayLiteral', () => {
  it('quotes every element and escapes quotes and backslashes, so any text survives', () => {
    expect(pgArrayLiteral(['a', 'b,c', 'say "hi"', 'back\\slash', '{}', ''])).toBe('{"a","b,c","say \\"hi\\"","back\\\\slash","{}",""}');
  });
  it('writes NULL unquoted and numbers and booleans as text', () => {
    expect(pgArrayLiteral([null, 1.5, 42, true, false])).toBe('{NULL,"1.5","42","true","false"}');
    expect(pgArrayLiteral([])).toBe('{}');
  });
  it('keeps the JSON text of a jsonb cell intact', () => {
    const json = JSON.stringify({ msg: 'a "quoted" \\ value', n: [1, null] });
    const literal = pgArrayLiteral([json]);
    const inner = literal.slice(2, -2).replace(/\\(.)/g, '$1');
    expect(JSON.parse(inner)).toEqual({ msg: 'a "quoted" \\ value', n: [1, null] });
  });
});
