import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { plainIssue, type ValidationIssue } from './plain-issue.js';

const said = (schema: z.ZodType, value: unknown): string => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a refusal');
  return plainIssue(result.error.issues[0] as ValidationIssue);
};

describe('validation failures in plain words', () => {
  it('says what a field must be, never the validator text', () => {
    expect(said(z.string().min(1), '')).toBe('must not be empty');
    expect(said(z.string().min(3), 'ab')).toBe('must have at least 3 characters');
    expect(said(z.string().max(5), 'abcdefg')).toBe('must have at most 5 characters');
    expect(said(z.array(z.string()).min(1), [])).toBe('must not be empty');
    expect(said(z.array(z.string()).max(1), ['a', 'b'])).toBe('must have at most 1 item');
    expect(said(z.number().int().min(0), -1)).toBe('must be at least 0');
    expect(said(z.number().int(), 1.5)).toBe('must be a whole number');
    expect(said(z.number().max(10), 11)).toBe('must be at most 10');
    expect(said(z.strictObject({ a: z.string() }), {})).toBe('is required');
    expect(said(z.string(), 4)).toBe('must be text');
    expect(said(z.enum(['read', 'understood']), 'seen')).toBe('must be one of "read", "understood"');
    expect(said(z.literal('x'), 'y')).toBe('must be "x"');
    expect(said(z.strictObject({}), { extra: 1, more: 2 })).toBe('unknown fields extra, more');
  });

  it("keeps a schema's own explanation of its rule", () => {
    expect(said(z.string().regex(/^P\d+D$/, 'must be a duration such as P14D'), 'soon')).toBe(
      'must be a duration such as P14D',
    );
    expect(said(z.string().regex(/^a$/), 'b')).toBe('has the wrong format');
    for (const text of [said(z.string().min(1), ''), said(z.number(), 'x')])
      expect(text).not.toMatch(/Too small|expected|Invalid/);
  });
});
