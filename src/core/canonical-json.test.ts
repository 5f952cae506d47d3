/**
 * Tests for canonical JSON in Parley's restricted RFC 8785 profile: the published RFC 8785
 * examples and reference test data that fall inside the profile must serialise exactly as
 * published; those outside it (fractions, non-ASCII or control-character keys) must be refused;
 * and parseCanonical must accept only text that is already canonical.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalize, parseCanonical } from './canonical-json.js';

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
