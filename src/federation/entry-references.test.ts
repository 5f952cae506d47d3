/** Unit tests of reference checking on arrival (entry-references.ts), against a fake context. */
import { describe, expect, it } from 'vitest';
import { ParleyError } from '../core/errors.js';
import type { Channel, Peer, StoredEntry } from '../storage/storage.js';
import { checkReferences, referencesOf, resolveReferences } from './entry-references.js';

const H = (n: number) => n.toString(16).padStart(64, '0');
const channel: Channel = {
  id: 'intel',
  name: 'Intel',
  offices: [],
  languages: ['en'],
  parties: { RU: ['ru-ops'], US: ['us-ops'], FR: ['fr-ops'] },
  observers: { NATO: ['nato-ops'] },
  state: 'active',
  createdAt: 0,
};
const us = { party: 'US' } as Peer;
const entry = (party: string, seq: number, hlc: string): StoredEntry => ({
  channel: 'intel',
  party,
  seq,
  hash: H(seq + party.length * 1000),
  canonical: '{}',
  sig: '',
  kind: 'note',
  author: 'x',
  precedence: 'ROUTINE',
  hlc,
  ref: null,
  storedAt: 0,
});
// RU (this node) holds its own RU/0..2 and FR/0 of FR's chain; US's US/0..1 are stored.
const held = [
  entry('RU', 0, '2026-01-01T00:00:00.000Z/000000'),
  entry('RU', 1, '2026-01-01T00:01:00.000Z/000000'),
  entry('RU', 2, '2026-01-01T00:02:00.000Z/000000'),
  entry('FR', 0, '2026-01-01T00:00:30.000Z/000000'),
  entry('US', 0, '2026-01-01T00:00:10.000Z/000000'),
];
const context = {
  party: 'RU',
  chains: {
    getEntry: async (_: string, party: string, seq: number) =>
      held.find((e) => e.party === party && e.seq === seq) ?? null,
  },
  channelChanges: async () => ({ list: [] }),
} as unknown as Parameters<typeof resolveReferences>[0];
const receipt = entry('US', 2, '2026-01-01T00:05:00.000Z/000000');
const pending = [entry('US', 1, '2026-01-01T00:04:00.000Z/000000')];

async function outcome(of: { party: string; seq: number; hash: string }, record = receipt): Promise<string> {
  const resolution = await resolveReferences(
    context,
    channel,
    us,
    record,
    referencesOf('receipt', { of }),
    pending,
  );
  if (resolution.wait) return 'wait';
  try {
    checkReferences(record, resolution.targets);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError);
    return (error as Error).message.replace(/^.*?reference_unknown: /, '');
  }
}

describe('references between entries, on arrival', () => {
  it('finds every field that names an entry, and the charter an acceptance names', () => {
    const of = { party: 'RU', seq: 1, hash: H(1) };
    expect(referencesOf('statement-draft', { revises: of, title: 't' })).toEqual([
      { field: 'revises', ...of },
    ]);
    expect(referencesOf('charter-accept', { charter: { party: 'RU', hash: H(0) } })).toEqual([
      { field: 'charter', party: 'RU', seq: 0, hash: H(0) },
    ]);
    expect(referencesOf('note', { text: 'hello', of: 'not a reference' })).toEqual([]);
  });

  it('accepts an entry naming, by exact hash, one written before it here or earlier in the push', async () => {
    expect(await outcome({ party: 'RU', seq: 2, hash: held[2]!.hash })).toBe('ok');
    expect(await outcome({ party: 'FR', seq: 0, hash: held[3]!.hash })).toBe('ok');
    expect(await outcome({ party: 'US', seq: 1, hash: pending[0]!.hash })).toBe('ok');
    expect(await outcome({ party: 'US', seq: 0, hash: held[4]!.hash })).toBe('ok');
  });

  it("refuses what this node's or the sender's chain does not hold, a wrong hash and a later entry", async () => {
    expect(await outcome({ party: 'RU', seq: 3, hash: H(3) })).toMatch(/RU has not written/);
    expect(await outcome({ party: 'RU', seq: 1, hash: H(99) })).toMatch(/but that entry's hash is/);
    expect(await outcome({ party: 'US', seq: 2, hash: receipt.hash })).toMatch(/US has not written/);
    expect(await outcome({ party: 'NATO', seq: 0, hash: H(0) })).toMatch(/NATO has not written/);
    const early = entry('US', 2, '2026-01-01T00:01:30.000Z/000000');
    expect(await outcome({ party: 'RU', seq: 2, hash: held[2]!.hash }, early)).toMatch(/written after it/);
  });

  it("waits for a third party's entry that has not reached this node yet", async () => {
    expect(await outcome({ party: 'FR', seq: 1, hash: H(1) })).toBe('wait');
  });
});
