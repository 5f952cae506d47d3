/** Unit tests of checking an introduction (introduction.ts): the proof that a later member was admitted. */
import { ALL_KINDS } from '../workflows/all-kinds.js';
import { describe, expect, it } from 'vitest';
import type { CanonicalValue } from '../core/canonical-json.js';
import { NODE_AUTHOR, signEntry, type EntryContent } from '../core/entry.js';
import { formatHlc } from '../core/hlc.js';
import { generateKeyPair, type KeyPair } from '../core/keys.js';
import { ParleyError } from '../core/errors.js';
import { checkIntroduction } from './introduction.js';
import type { Introduction, WireEntry } from './wire.js';

const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const nodes: Record<string, KeyPair> = { RU: generateKeyPair(), US: generateKeyPair() };
const heads: Record<string, KeyPair> = { RU: generateKeyPair(), US: generateKeyPair() };
const stranger = generateKeyPair();

function entry(
  party: string,
  seq: number,
  kind: string,
  body: Record<string, CanonicalValue>,
  signer: { author: string; key: KeyPair },
  minute = seq,
): WireEntry & { hash: string } {
  const content: EntryContent = {
    v: 1,
    channel: 'intel',
    party,
    seq,
    prev: null,
    seen: {},
    hlc: formatHlc({ wall: T0 + minute * 60_000, counter: 0 }),
    kind,
    precedence: 'ROUTINE',
    lang: 'en',
    body,
    author: signer.author,
    authorKey: signer.key.publicKey,
  };
  const signed = signEntry(content, signer.key.privateKey);
  return { channel: 'intel', party, seq, canonical: signed.canonical, sig: signed.sig, hash: signed.hash };
}

const node = (party: string) => ({ author: NODE_AUTHOR, key: nodes[party]! });
const head = (party: string, key = heads[party]!) => ({ author: `${party.toLowerCase()}-head`, key });
const keyOf = (party: string, seq: number) =>
  entry(
    party,
    seq,
    'principal-key',
    {
      principal: `${party.toLowerCase()}-head`,
      office: `${party.toLowerCase()}-ops`,
      role: 'head',
      title: 'Head',
      publicKey: heads[party]!.publicKey,
    },
    node(party),
  );

const charter = entry(
  'RU',
  0,
  'charter',
  {
    name: 'Intelligence services',
    parties: { RU: ['ru-ops'], US: ['us-ops'] },
    observers: {},
    languages: ['ru', 'en'],
    nodeKey: nodes.RU!.publicKey,
  },
  node('RU'),
);
const amendment = entry(
  'US',
  5,
  'channel-change',
  { change: 'amend', reason: 'France joins', charter: { parties: { FR: ['fr-ops'] } } },
  head('US'),
);
const agreement = entry(
  'RU',
  9,
  'channel-change-agree',
  { of: { party: 'US', seq: 5, hash: amendment.hash } },
  head('RU'),
);
const proof = [charter, keyOf('RU', 1), keyOf('US', 1), amendment, agreement];

const pinned = (party: string) => nodes[party]?.publicKey ?? null;
const introduce = (entries: WireEntry[], keys = pinned): ReturnType<typeof checkIntroduction> =>
  checkIntroduction(ALL_KINDS, 'intel', { channel: 'intel', entries } satisfies Introduction, 'FR', keys);
const refusal = (entries: WireEntry[], keys = pinned): string => {
  try {
    introduce(entries, keys);
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError);
    return `${(error as ParleyError).code}: ${(error as Error).message}`;
  }
  throw new Error('the introduction was accepted');
};

describe('checkIntroduction', () => {
  it('accepts a charter, an amendment and every agreement signed by published keys', () => {
    const { name, charter: folded } = introduce(proof);
    expect(name).toBe('Intelligence services');
    expect(folded.parties).toEqual({ RU: ['ru-ops'], US: ['us-ops'], FR: ['fr-ops'] });
  });

  it('refuses when a party has not agreed', () => {
    expect(refusal(proof.filter((e) => e !== agreement))).toMatch(/^forbidden: nothing every party/);
  });

  it('refuses a forged signature, a key no node published, a foreign charter and unpinned parties', () => {
    const forged = { ...agreement, sig: amendment.sig };
    expect(refusal(proof.map((e) => (e === agreement ? forged : e)))).toMatch(
      /^entry_invalid: .*signature_invalid/,
    );

    const byStranger = entry(
      'RU',
      9,
      'channel-change-agree',
      { of: { party: 'US', seq: 5, hash: amendment.hash } },
      head('RU', stranger),
    );
    expect(refusal(proof.map((e) => (e === agreement ? byStranger : e)))).toMatch(/author_key_unknown/);

    const otherChannel = { ...charter, channel: 'other' };
    expect(refusal(proof.map((e) => (e === charter ? otherChannel : e)))).toMatch(
      /^entry_invalid: .*field_mismatch/,
    );

    expect(refusal(proof, (party) => (party === 'US' ? null : pinned(party)))).toMatch(/^peer_not_found: US/);
    expect(refusal(proof.filter((e) => e !== charter))).toMatch(/^channel_not_found/);
  });
});
