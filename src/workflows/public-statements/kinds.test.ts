/** The public-statement kind: attribution required, a real http(s) address, not dated ahead of itself. */
import { describe, expect, it } from 'vitest';
import { ALL_KINDS } from '../all-kinds.js';
import { publicStatementKind } from './kinds.js';

const remarks = {
  speaker: 'Secretary General',
  office: 'NATO Secretary General',
  party: 'NATO',
  venue: 'Press conference, Brussels',
  publishedAt: '2026-02-22T09:00Z',
  language: 'en',
  text: 'The Secretary General voiced support for peace negotiations in Ukraine.',
};

describe('the public-statement kind', () => {
  it('accepts an attributed statement and expects no receipt', () => {
    expect(ALL_KINDS.checkBody('public-statement', remarks)).toMatchObject({ ok: true });
    expect(publicStatementKind.expectsReceipt).toBe(false);
  });

  it('names the field that is missing or wrong', () => {
    const { speaker: _, ...anonymous } = remarks;
    expect(ALL_KINDS.checkBody('public-statement', anonymous)).toMatchObject({
      ok: false,
      message: expect.stringContaining('speaker'),
    });
    expect(ALL_KINDS.checkBody('public-statement', { ...remarks, url: 'javascript:alert(1)' })).toMatchObject(
      {
        ok: false,
        message: expect.stringContaining('url'),
      },
    );
    expect(ALL_KINDS.checkBody('public-statement', { ...remarks, publishedAt: '2026-02-30' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('publishedAt'),
    });
  });

  it('refuses a statement published after the entry that records it', () => {
    const at = Date.parse('2026-02-22T08:59:00Z');
    expect(publicStatementKind.timed!(remarks, at)).toContain('publishedAt');
    expect(publicStatementKind.timed!(remarks, Date.parse('2026-02-22T09:00:00Z'))).toBeNull();
  });
});
