/**
 * Tests for canonical JSON in Parley's restricted RFC 8785 profile: the published RFC 8785
 * examples and reference test data that fall inside the profile must serialise exactly as
 * published; those outside it (fractions, non-ASCII or control-character keys) must be refused;
 * and parseCanonical must accept only text that is already canonical. parseStrictJson, the gate
 * for JSON from outside, must agree with JSON.parse on what is JSON, refuse what I-JSON forbids
 * and name the path of the first value outside the profile.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CanonicalJsonError,
  JsonSyntaxError,
  MAX_JSON_DEPTH,
  canonicalize,
  parseCanonical,
  parseStrictJson,
} from './canonical-json.js';

interface Vectors {
  source: string;
  accepted: Array<{ name: string; source: string; input: string; output: string }>;
  rejected: Array<{ name: string; source: string; reason: string; input: string; rfcOutput: string }>;
}

const vectors = JSON.parse(
  readFileSync(new URL('../../test/fixtures/rfc8785-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

describe('canonicalize: published RFC 8785 vectors', () => {
  it('names its source', () => {
    expect(vectors.source).toMatch(/RFC 8785/);
    expect(vectors.accepted.length).toBeGreaterThanOrEqual(4);
  });

  it.each(vectors.accepted.map((v) => [v.name, v] as const))('serialises %s as published', (_, v) => {
    const value: unknown = JSON.parse(v.input);
    expect(canonicalize(value)).toBe(v.output);
    expect(parseCanonical(v.output)).toEqual(value);
  });

  it.each(vectors.rejected.map((v) => [v.name, v] as const))('refuses %s (outside the profile)', (_, v) => {
    expect(() => canonicalize(JSON.parse(v.input))).toThrow(CanonicalJsonError);
    expect(() => parseCanonical(v.rfcOutput)).toThrow(CanonicalJsonError);
  });
});

describe('canonicalize: profile rules', () => {
  it('sorts keys by code unit at every depth and drops undefined members', () => {
    const value = { b: 1, a: [{ z: true, A: null, _: 'x' }], '10': 0, '1': 0, c: undefined };
    expect(canonicalize(value)).toBe('{"1":0,"10":0,"a":[{"A":null,"_":"x","z":true}],"b":1}');
  });

  it('escapes control characters and keeps other Unicode as UTF-8 (RFC 8785 §3.2.2.2)', () => {
    expect(canonicalize('\u0000\u0008\t\n\u000b\f\r\u001f"\\/\u007f')).toBe(
      '"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\\"\\\\/\u007f"',
    );
    expect(canonicalize('é€😀\u2028')).toBe('"é€😀\u2028"');
  });

  it('serialises safe integers like ECMAScript (RFC 8785 §3.2.2.3)', () => {
    expect(canonicalize([0, -1, 1e3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])).toBe(
      '[0,-1,1000,9007199254740991,-9007199254740991]',
    );
  });

  it.each([
    ['a fraction', 1.5],
    ['-0', -0],
    ['an unsafe integer', 2 ** 53],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a non-ASCII key', { é: 1 }],
    ['a control-character key', { '\n': 1 }],
    ['a lone high surrogate', '\ud83d'],
    ['a lone low surrogate', 'x\ude00'],
    ['a nested bad value', { a: [1, { b: 0.1 }] }],
    ['a bigint', 1n],
    ['a Date', new Date(0)],
    ['a function', () => 1],
  ])('rejects %s', (_, value) => {
    expect(() => canonicalize(value)).toThrow(CanonicalJsonError);
  });

  it('reports where the bad value is', () => {
    expect(() => canonicalize({ a: [1, { b: 0.1 }] })).toThrow(/\$\.a\[1\]\.b/);
  });
});

describe('parseCanonical', () => {
  it('accepts canonical text', () => {
    expect(parseCanonical('{"a":[1,"x",null,true],"b":{}}')).toEqual({ a: [1, 'x', null, true], b: {} });
  });

  it.each([
    ['duplicate keys', '{"a":1,"a":1}'],
    ['whitespace', '{"a": 1}'],
    ['a trailing newline', '{"a":1}\n'],
    ['wrong key order', '{"b":1,"a":2}'],
    ['a fraction', '{"a":1.0}'],
    ['an exponent', '[1e3]'],
    ['-0', '[-0]'],
    ['an unsafe integer', '[9007199254740993]'],
    ['an unnecessary escape', '["\\u0041"]'],
    ['an escaped solidus', '["\\/"]'],
    ['upper-case hex escape', '["\\u001F"]'],
    ['a lone surrogate escape', '["\\ud800"]'],
    ['a non-ASCII key', '{"é":1}'],
    ['invalid JSON', '{'],
  ])('rejects %s', (_, text) => {
    expect(() => parseCanonical(text)).toThrow(CanonicalJsonError);
  });
});

/** What parseStrictJson makes of `text`: the value, or the kind of refusal and its reason. */
function strict(text: string, allowFractions = false) {
  try {
    return { value: parseStrictJson(text, { allowFractions }) };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { syntax: error.reason };
    if (error instanceof CanonicalJsonError) return { outside: error.reason, path: error.path };
    throw error;
  }
}

describe('parseStrictJson: I-JSON in the canonical profile', () => {
  it('reads JSON like JSON.parse', () => {
    const text = ' {"a" : [1, -2, 0, "x\\n\\u00e9\\/", true, false, null, {}, []], "b": {"c": "é😀"}}\n';
    expect(strict(text)).toEqual({ value: JSON.parse(text) });
    expect(strict('1.50e1')).toEqual({ value: 15 });
    expect(strict('"\\ud83d\\ude00"')).toEqual({ value: '😀' });
  });

  it.each([
    ['a repeated member name', '{"text":"a","text":"b"}', /duplicate member name "text"/],
    ['a repeated name written differently', '{"a":{"t":1,"\\u0074":2}}', /duplicate member name "t"/],
    ['__proto__', '{"__proto__":{"x":1}}', /__proto__/],
    ['constructor.prototype', '{"constructor":{"prototype":{}}}', /constructor/],
    ['a byte order mark', '\ufeff{}', /unexpected character/],
    ['an empty text', '', /unexpected end of text/],
    ['trailing text', '{} {}', /after the JSON value/],
    ['a trailing comma', '[1,]', /unexpected character/],
    ['a leading zero', '[01]', /expected "," or "]"/],
    ['a bare dot', '[1.]', /digit after "."/],
    ['a raw control character', '["a\tb"]', /control character/],
    ['a bad escape', '["\\x"]', /invalid escape/],
    ['a short \\u escape', '["\\u12"]', /invalid \\u escape/],
    ['an unterminated string', '["abc', /unterminated string/],
    ['single quotes', "{'a':1}", /member name/],
    ['NaN', '[NaN]', /unexpected character/],
  ])('refuses %s as not JSON', (_, text, reason) => {
    const result = strict(text);
    expect(result.syntax).toMatch(reason);
  });

  it.each([
    ['a lone surrogate', '{"text":"x\\ud800"}', 'lone surrogate in string', '$.text'],
    ['a lone low surrogate in an array', '[1,"\\ude00x"]', 'lone surrogate in string', '$[1]'],
    [
      'a non-ASCII key in a nested object',
      '{"fields":{"x":{"ключ":1}}}',
      'object key "ключ" is not printable ASCII',
      '$.fields.x',
    ],
    ['a control-character key', '{"a\\n":1}', 'object key "a\\n" is not printable ASCII', '$'],
    ['-0', '{"n":-0}', '-0 is not allowed', '$.n'],
    ['-0.0', '[-0.0]', '-0 is not allowed', '$[0]'],
    ['an integer past 2^53', '{"n":9007199254740993}', 'only safe integers are allowed', '$.n'],
    ['an exponent past 2^53', '[1e16]', 'only safe integers are allowed', '$[0]'],
    ['an overflow', '[1e400]', 'only safe integers are allowed', '$[0]'],
    ['a fraction', '{"a":[{"b":0.5}]}', 'only safe integers are allowed', '$.a[0].b'],
  ])('refuses %s as outside the profile, naming the path', (_, text, reason, path) => {
    expect(strict(text)).toEqual({ outside: reason, path });
  });

  it('lets fractions through when asked, but never one that would read as another value', () => {
    expect(strict('{"a":0.5,"b":-12.25e-1}', true)).toEqual({ value: { a: 0.5, b: -1.225 } });
    expect(strict('[1.0000000000000001]', true)).toEqual({
      outside: 'only safe integers are allowed',
      path: '$[0]',
    });
    expect(strict('[1e-400]', true)).toEqual({ outside: 'only safe integers are allowed', path: '$[0]' });
    expect(strict('[-1e-400]', true)).toEqual({ outside: '-0 is not allowed', path: '$[0]' });
    expect(strict('[2.5e400]', true).outside).toBe('only safe integers are allowed');
  });

  it('reports bad syntax before values outside the profile', () => {
    expect(strict('{"ключ":1,').syntax).toMatch(/member name|end of text/);
    expect(strict('{"a":"\\ud800","a":1}').syntax).toMatch(/duplicate/);
  });

  it('refuses nesting deeper than the limit without using up the stack', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(strict(deep(MAX_JSON_DEPTH)).value).toBeDefined();
    expect(strict(deep(MAX_JSON_DEPTH + 1)).syntax).toMatch(/nested deeper/);
    expect(strict('['.repeat(256 * 1024)).syntax).toMatch(/nested deeper/);
  });

  it('stays linear on long strings full of escapes', () => {
    const text = JSON.stringify({ a: '"\n'.repeat(500_000), b: 'x'.repeat(1_000_000) });
    const started = performance.now();
    expect(strict(text).value).toEqual(JSON.parse(text));
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('agrees with JSON.parse and canonicalize on any JSON text (property)', () => {
    fc.assert(
      fc.property(fc.json({ stringUnit: 'binary', maxDepth: 3 }), (text) => {
        fc.pre(!text.includes('"__proto__"') && !text.includes('"constructor"'));
        const parsed: unknown = JSON.parse(text);
        let encodable = true;
        try {
          canonicalize(parsed);
        } catch {
          encodable = false;
        }
        const result = strict(text);
        if (encodable) expect(result).toEqual({ value: parsed });
        else expect(result.outside).toBeDefined();
      }),
      { numRuns: 200 },
    );
  });

  it('accepts exactly what JSON.parse accepts among near-JSON texts (property)', () => {
    const piece = fc.constantFrom(
      ...['{', '}', '[', ']', ':', ',', '"', '\\', 'u', 'd8', '00', '1', '-', '.', 'e', '+', ' '],
      ...['a', 'true', 'nul', 'null', '"a"', '"b"', '"a":', '\n', '\t', '\u0001', '\ud800', 'é'],
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 14 }).map((parts) => parts.join('')),
        (text) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            expect(strict(text, true).syntax).toBeDefined();
            return;
          }
          const result = strict(text, true);
          if ('value' in result) expect(result.value).toEqual(parsed);
          else if (result.syntax !== undefined) expect(result.syntax).toMatch(/duplicate member name/);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
