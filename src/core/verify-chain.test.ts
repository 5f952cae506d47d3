import { describe, expect, it } from 'vitest';
import { ALL_KINDS } from '../workflows/all-kinds.js';
import { canonicalize } from './canonical-json.js';
import { signChainCheckpoint } from './chain-checkpoint.js';
import { NODE_AUTHOR, signEntry, type EntryContent } from './entry.js';
import { generateKeyPair } from './keys.js';
import { CompactRange, leafHash } from './merkle.js';
import { ChainVerifier, type EntryRecord } from './verify-chain.js';

const nodeKeys = generateKeyPair();
const alice = generateKeyPair();
const alicePublication = {
  principal: 'alice',
  office: 'svr',
  role: 'head',
  title: 'Director',
  publicKey: alice.publicKey,
};

function content(seq: number, prev: string | null, overrides: Partial<EntryContent>): EntryContent {
  return {
    v: 1,
    channel: 'intel',
    party: 'RU',
    seq,
    prev,
    seen: {},
    hlc: `2026-02-20T08:00:00.000Z/${String(seq).padStart(6, '0')}`,
    kind: 'note',
    precedence: 'ROUTINE',
    lang: 'en',
    body: { text: `entry ${seq}` },
    author: 'alice',
    authorKey: alice.publicKey,
    ...overrides,
  };
}

/** The stored record of `c` signed with `key`. */
function recordOf(c: EntryContent, key: string): EntryRecord {
  const signed = signEntry(c, key);
  return {
    channel: 'intel',
    party: 'RU',
    seq: c.seq,
    hash: signed.hash,
    canonical: signed.canonical,
    sig: signed.sig,
    kind: c.kind,
    author: c.author,
  };
}

/** A valid chain: charter, alice's key, then `notes` notes by alice; plus its checkpoint. */
function buildChain(notes: number): { records: EntryRecord[]; checkpoint: string } {
  const records: EntryRecord[] = [];
  const tree = CompactRange.empty();
  let prev: string | null = null;
  const add = (c: EntryContent, key: string) => {
    const record = recordOf(c, key);
    records.push(record);
    tree.append(leafHash(record.canonical));
    prev = record.hash;
  };
  const node = { author: NODE_AUTHOR, authorKey: nodeKeys.publicKey };
  add(
    content(0, null, {
      ...node,
      kind: 'charter',
      body: {
        name: 'Intel',
        parties: { RU: ['svr'] },
        observers: {},
        languages: ['en'],
        nodeKey: nodeKeys.publicKey,
      },
    }),
    nodeKeys.privateKey,
  );
  add(
    content(1, prev, {
      ...node,
      kind: 'principal-key',
      body: alicePublication,
    }),
    nodeKeys.privateKey,
  );
  for (let i = 0; i < notes; i += 1) add(content(records.length, prev, {}), alice.privateKey);
  return {
    records,
    checkpoint: signChainCheckpoint('intel', 'RU', tree.size, tree.root(), nodeKeys.privateKey),
  };
}

function run(records: EntryRecord[], checkpoint: string | null) {
  const verifier = new ChainVerifier(ALL_KINDS, 'intel', 'RU', nodeKeys.publicKey);
  for (const record of records) verifier.push(record);
  return verifier.finish(checkpoint);
}

describe('ChainVerifier', () => {
  it('accepts a valid chain with its checkpoint', () => {
    const { records, checkpoint } = buildChain(5);
    expect(run(records, checkpoint)).toEqual([]);
  });

  it('reports a key that was never published', () => {
    const { records, checkpoint } = buildChain(1);
    const mallory = generateKeyPair();
    const forged = signEntry(
      content(3, records[2]!.hash, { author: 'mallory', authorKey: mallory.publicKey }),
      mallory.privateKey,
    );
    const failures = run(
      [
        ...records,
        {
          ...records[2]!,
          seq: 3,
          hash: forged.hash,
          canonical: forged.canonical,
          sig: forged.sig,
          author: 'mallory',
        },
      ],
      checkpoint,
    );
    expect(failures).toContainEqual(
      expect.objectContaining({ entry: 'intel/RU/3', rule: 'author_key_unknown' }),
    );
  });

  it('refuses what a key signs after its revocation, and its publication again, but not before', () => {
    const { records } = buildChain(1);
    const node = { author: NODE_AUTHOR, authorKey: nodeKeys.publicKey };
    const record = recordOf;
    const revoke = record(
      content(3, records[2]!.hash, {
        ...node,
        kind: 'principal-key-revoke',
        body: { principal: 'alice', publicKey: alice.publicKey, reason: 'device lost', replacedBy: null },
      }),
      nodeKeys.privateKey,
    );
    expect(run([...records, revoke], null)).toEqual([]);
    const after = record(content(4, revoke.hash, {}), alice.privateKey);
    const republished = record(
      content(4, revoke.hash, {
        ...node,
        kind: 'principal-key',
        body: alicePublication,
      }),
      nodeKeys.privateKey,
    );
    for (const next of [after, republished]) {
      expect(run([...records, revoke, next], null)).toEqual([
        expect.objectContaining({
          entry: 'intel/RU/4',
          rule: 'key_revoked',
          message: expect.stringContaining('revoked at intel/RU/3'),
        }),
      ]);
    }
    // A resumed verifier (a replica continuing its stored copy) knows the revocation too.
    const verifier = new ChainVerifier(ALL_KINDS, 'intel', 'RU', nodeKeys.publicKey);
    for (const r of [...records, revoke]) verifier.push(r);
    const resumed = ChainVerifier.resume(ALL_KINDS, 'intel', 'RU', nodeKeys.publicKey, verifier.state);
    resumed.push(after);
    expect(resumed.failures.map((f) => f.rule)).toEqual(['key_revoked']);
    // Revoking a key the chain never published is refused.
    const stranger = generateKeyPair();
    const wrongRevoke = record(
      content(3, records[2]!.hash, {
        ...node,
        kind: 'principal-key-revoke',
        body: { principal: 'alice', publicKey: stranger.publicKey, reason: 'x', replacedBy: null },
      }),
      nodeKeys.privateKey,
    );
    expect(run([...records, wrongRevoke], null).map((f) => f.rule)).toEqual(['author_key_unknown']);
  });

  it('reports a seen that names its own party, is not a position, or goes back', () => {
    const { records } = buildChain(0);
    const withSeen = (seq: number, prev: string, seen: Record<string, number>) => {
      const signed = signEntry(content(seq, prev, { seen }), alice.privateKey);
      return {
        ...records[1]!,
        seq,
        hash: signed.hash,
        canonical: signed.canonical,
        sig: signed.sig,
        kind: 'note',
        author: 'alice',
      };
    };
    const rulesOf = (seen: Array<Record<string, number>>) => {
      const chain = [...records];
      for (const s of seen) chain.push(withSeen(chain.length, chain.at(-1)!.hash, s));
      return run(chain, null).map((f) => `${f.entry} ${f.rule}`);
    };
    expect(rulesOf([{ US: 3 }, { US: 3, FR: 0 }, { US: 7, FR: 0 }])).toEqual([]);
    expect(rulesOf([{ RU: 1 }])).toEqual(['intel/RU/2 seen_invalid']);
    expect(rulesOf([{ US: -1 }])).toEqual(['intel/RU/2 seen_invalid']);
    expect(rulesOf([{ US: 3 }, { US: 2 }])).toEqual(['intel/RU/3 seen_invalid']);
    expect(rulesOf([{ US: 3 }, {}])).toEqual(['intel/RU/3 seen_invalid']);
  });

  it('reports node kinds signed by a principal', () => {
    const { records } = buildChain(0);
    const fake = signEntry(
      content(2, records[1]!.hash, {
        kind: 'principal-key',
        body: { principal: 'x', office: 'svr', role: 'head', title: '', publicKey: alice.publicKey },
      }),
      alice.privateKey,
    );
    const failures = run(
      [
        ...records,
        {
          ...records[1]!,
          seq: 2,
          hash: fake.hash,
          canonical: fake.canonical,
          sig: fake.sig,
          author: 'alice',
        },
      ],
      null,
    );
    expect(failures).toEqual([expect.objectContaining({ entry: 'intel/RU/2', rule: 'author_key_unknown' })]);
  });

  it('reports entries stored under another seq, channel or kind', () => {
    const { records } = buildChain(2);
    records[3] = { ...records[3]!, kind: 'receipt' };
    expect(run(records, null)).toContainEqual(
      expect.objectContaining({ entry: 'intel/RU/3', rule: 'field_mismatch' }),
    );
  });

  it('reports non-canonical text', () => {
    const { records } = buildChain(1);
    const spaced = JSON.stringify(JSON.parse(records[2]!.canonical), null, 1);
    records[2] = { ...records[2]!, canonical: spaced };
    const failures = run(records, null);
    expect(failures).toContainEqual(expect.objectContaining({ entry: 'intel/RU/2', rule: 'canonical_form' }));
  });

  it('reports bodies that break the kind schema even when correctly signed', () => {
    const { records } = buildChain(0);
    const bad = signEntry(
      content(2, records[1]!.hash, { body: { text: 'x', colour: 'red' } }),
      alice.privateKey,
    );
    const failures = run(
      [
        ...records,
        {
          ...records[1]!,
          seq: 2,
          hash: bad.hash,
          canonical: bad.canonical,
          sig: bad.sig,
          kind: 'note',
          author: 'alice',
        },
      ],
      null,
    );
    expect(failures).toEqual([expect.objectContaining({ entry: 'intel/RU/2', rule: 'kind_invalid' })]);
  });

  it('reports a checkpoint signed by another key or whose root differs', () => {
    const { records } = buildChain(3);
    const tree = CompactRange.empty();
    for (const r of records) tree.append(leafHash(r.canonical));
    const otherKey = generateKeyPair();
    expect(
      run(records, signChainCheckpoint('intel', 'RU', tree.size, tree.root(), otherKey.privateKey)),
    ).toEqual([expect.objectContaining({ rule: 'checkpoint_invalid' })]);
    const wrongRoot = signChainCheckpoint('intel', 'RU', tree.size, leafHash('x'), nodeKeys.privateKey);
    expect(run(records, wrongRoot)).toEqual([
      expect.objectContaining({ rule: 'checkpoint_invalid', message: expect.stringContaining('root') }),
    ]);
    const otherChain = signChainCheckpoint('leaders', 'RU', tree.size, tree.root(), nodeKeys.privateKey);
    expect(run(records, otherChain)).toEqual([
      expect.objectContaining({ rule: 'checkpoint_invalid', message: expect.stringContaining('origin') }),
    ]);
  });

  it('checks an older checkpoint against the root at its size', () => {
    const { records } = buildChain(6);
    const tree = CompactRange.empty();
    for (const r of records.slice(0, 4)) tree.append(leafHash(r.canonical));
    const old = signChainCheckpoint('intel', 'RU', 4, tree.root(), nodeKeys.privateKey);
    const verifier = new ChainVerifier(ALL_KINDS, 'intel', 'RU', nodeKeys.publicKey, 4);
    for (const r of records) verifier.push(r);
    expect(verifier.finish(old)).toEqual([]);
  });

  it('keeps the entry text canonical for hashing', () => {
    const { records } = buildChain(1);
    expect(canonicalize(JSON.parse(records[2]!.canonical))).toBe(records[2]!.canonical);
  });
});
