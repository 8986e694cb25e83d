import { MAX_JSON_DEPTH, escapePointer, parseJsonBody } from './safe-json';

const bytes = (text: string) => new TextEncoder().encode(text);
const nested = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels);

describe('parseJsonBody', () => {
  it('parses a valid UTF-8 JSON body', () => {
    expect(parseJsonBody(bytes('{"taskId":"t-1","text":"Grüße 😀","n":[1,2,{"a":null}]}'))).toEqual({
      ok: true,
      value: { taskId: 't-1', text: 'Grüße 😀', n: [1, 2, { a: null }] },
    });
  });

  it('accepts scalars and a leading byte-order mark', () => {
    expect(parseJsonBody(bytes('42'))).toEqual({ ok: true, value: 42 });
    expect(parseJsonBody(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('{"a":1}')]))).toEqual({ ok: true, value: { a: 1 } });
  });

  it.each([
    ['a lone continuation byte', [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0x80, 0x22, 0x7d]],
    ['a truncated multi-byte sequence', [0x22, 0xc3, 0x22]],
    ['an 0xff byte', [0xff]],
    ['an overlong encoding of "/"', [0x22, 0xc0, 0xaf, 0x22]],
    ['a UTF-8 encoded surrogate (CESU)', [0x22, 0xed, 0xa0, 0x80, 0x22]],
  ])('rejects invalid UTF-8: %s', (_, raw) => {
    expect(parseJsonBody(new Uint8Array(raw))).toEqual({ ok: false, status: 400, reason: 'invalid_utf8', detail: 'body is not valid UTF-8' });
  });

  it.each([['{"taskId":"t-1",'], ['{"a":'], [''], ['{a:1}'], ["{'a':1}"], ['[1,2,]'], ['{"a":1} trailing']])('rejects malformed JSON %j with 400', (text) => {
    const r = parseJsonBody(bytes(text));
    expect(r).toMatchObject({ ok: false, status: 400, reason: 'invalid_json' });
    expect(!r.ok && r.detail.startsWith('body is not valid JSON: ')).toBe(true);
  });

  describe('prototype-polluting keys', () => {
    it.each([
      ['{"__proto__":{"admin":true}}', '/__proto__', '__proto__'],
      ['{"constructor":{"prototype":{"x":1}}}', '/constructor', 'constructor'],
      ['{"a":{"b":[{"prototype":1}]}}', '/a/b/0/prototype', 'prototype'],
      ['{"a/b":{"__proto__":1}}', '/a~1b/__proto__', '__proto__'],
    ])('rejects %s at %s', (text, path, key) => {
      expect(parseJsonBody(bytes(text))).toEqual({ ok: false, status: 422, reason: 'forbidden_key', detail: `key "${key}" is not allowed`, path });
    });

    it('allows the same words as values and inside longer keys', () => {
      expect(parseJsonBody(bytes('{"note":"__proto__","constructorName":"x"}'))).toEqual({ ok: true, value: { note: '__proto__', constructorName: 'x' } });
    });

    it('does not pollute Object.prototype', () => {
      parseJsonBody(bytes('{"__proto__":{"polluted":true}}'));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('text that Postgres jsonb cannot store', () => {
    it('rejects NUL written as \\u0000 in a value', () => {
      expect(parseJsonBody(bytes('{"text":"abc\\u0000def"}'))).toEqual({
        ok: false,
        status: 422,
        reason: 'nul_character',
        detail: 'NUL characters are not allowed in text',
        path: '/text',
      });
    });

    it('rejects NUL in a key and in an array item', () => {
      expect(parseJsonBody(bytes('{"a\\u0000":1}'))).toMatchObject({ reason: 'nul_character', path: '/a\u0000' });
      expect(parseJsonBody(bytes('{"list":["ok","\\u0000"]}'))).toMatchObject({ reason: 'nul_character', path: '/list/1' });
    });

    it('rejects a lone high surrogate \\ud800', () => {
      expect(parseJsonBody(bytes('{"text":"x\\ud800y"}'))).toEqual({
        ok: false,
        status: 422,
        reason: 'lone_surrogate',
        detail: 'text contains an unpaired UTF-16 surrogate',
        path: '/text',
      });
    });

    it('rejects a lone low surrogate and a reversed pair', () => {
      expect(parseJsonBody(bytes('["\\udc00"]'))).toMatchObject({ reason: 'lone_surrogate', path: '/0' });
      expect(parseJsonBody(bytes('{"k":"\\ude00\\ud83d"}'))).toMatchObject({ reason: 'lone_surrogate', path: '/k' });
    });

    it('accepts a proper surrogate pair written as escapes', () => {
      expect(parseJsonBody(bytes('{"e":"\\ud83d\\ude00"}'))).toEqual({ ok: true, value: { e: '😀' } });
    });

    it('rejects a top-level string with NUL at path ""', () => {
      expect(parseJsonBody(bytes('"\\u0000"'))).toMatchObject({ reason: 'nul_character', path: '' });
    });
  });

  describe('nesting depth', () => {
    it(`accepts ${MAX_JSON_DEPTH} levels`, () => {
      const r = parseJsonBody(bytes(nested(MAX_JSON_DEPTH, '"deep"')));
      expect(r.ok).toBe(true);
    });

    it(`rejects ${MAX_JSON_DEPTH + 1} levels with the path of the too-deep container`, () => {
      const r = parseJsonBody(bytes(nested(MAX_JSON_DEPTH + 1)));
      expect(r).toEqual({
        ok: false,
        status: 422,
        reason: 'too_deep',
        detail: 'nesting deeper than 32 levels',
        path: '/0'.repeat(MAX_JSON_DEPTH),
      });
    });

    it('counts objects and arrays alike', () => {
      const deepObject = '{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1);
      expect(parseJsonBody(bytes(deepObject))).toMatchObject({ ok: false, reason: 'too_deep', path: '/a'.repeat(MAX_JSON_DEPTH) });
      const okObject = '{"a":'.repeat(MAX_JSON_DEPTH) + '1' + '}'.repeat(MAX_JSON_DEPTH);
      expect(parseJsonBody(bytes(okObject)).ok).toBe(true);
    });

    it('survives absurd nesting without a stack overflow', () => {
      expect(parseJsonBody(bytes(nested(5_000)))).toMatchObject({ ok: false, reason: 'too_deep' });
    });
  });
});

describe('escapePointer', () => {
  it('escapes ~ before /', () => {
    expect(escapePointer('a/b~c')).toBe('a~1b~0c');
    expect(escapePointer('~1')).toBe('~01');
    expect(escapePointer('plain')).toBe('plain');
  });
});
