/**
 * Test fixtures of the storage contract suite: entries built with the real canonical JSON encoder
 * and SHA-256 so they look like what the node stores (signatures are placeholders: storage never
 * verifies them), chains that track their tip, and channel and principal records.
 */
import { canonicalize } from '../core/canonical-json.js';
import type { Precedence } from '../core/entry.js';
import { sha256Hex } from '../core/hash.js';
import type {
  ChainHead,
  Channel,
  EquivocationEvidence,
  Peer,
  Principal,
  Session,
  SecurityEvent,
  SecurityTrailHead,
  SecurityTrailTip,
  Storage,
  StoredEntry,
} from './storage.js';

export interface EntryOptions {
  kind?: string;
  author?: string;
  ref?: string | null;
  precedence?: Precedence;
  storedAt?: number;
}

/** Builds one entry whose canonical text is a realistic signed object naming `prev`. */
export function makeEntry(
  channel: string,
  party: string,
  seq: number,
  prev: string | null,
  options: EntryOptions = {},
): StoredEntry {
  const kind = options.kind ?? 'message';
  const author = options.author ?? 'alice';
  const precedence = options.precedence ?? 'ROUTINE';
  const ref = options.ref ?? null;
  const hlc = `${String(1_700_000_000_000 + seq).padStart(15, '0')}-0000-${party}`;
  const body = ref === null ? { text: `entry ${seq} of ${party}` } : { ref };
  const canonical = canonicalize({
    v: 1,
    channel,
    party,
    seq,
    prev,
    seen: {},
    hlc,
    kind,
    precedence,
    lang: 'en',
    body,
    author,
    authorKey: 'A'.repeat(43) + '=',
  });
  return entryOf(canonical, {
    channel,
    party,
    seq,
    sig: 'S'.repeat(86) + '==',
    kind,
    author,
    precedence,
    hlc,
    ref,
    storedAt: options.storedAt ?? 1_700_000_000_000 + seq,
  });
}

/** A stored entry of `canonical` text, hashed as the node hashes it. */
function entryOf(
  canonical: string,
  { channel, party, seq, ...rest }: Omit<StoredEntry, 'hash' | 'canonical'>,
): StoredEntry {
  return { channel, party, seq, hash: sha256Hex(canonical), canonical, ...rest };
}

/** Tracks one chain's tip so tests can build valid continuations (and deliberately bad ones). */
export class TestChain {
  size = 0;
  hash: string | null = null;

  constructor(
    readonly channel: string,
    readonly party: string,
  ) {}

  /** The next valid entry; advances the chain. */
  next(options: EntryOptions = {}): StoredEntry {
    const entry = makeEntry(this.channel, this.party, this.size, this.hash, options);
    this.size += 1;
    this.hash = entry.hash;
    return entry;
  }

  /** `count` next entries. */
  take(count: number, options: EntryOptions = {}): StoredEntry[] {
    return Array.from({ length: count }, () => this.next(options));
  }

  /** A copy, to build a continuation without advancing this chain. */
  clone(): TestChain {
    const copy = new TestChain(this.channel, this.party);
    copy.size = this.size;
    copy.hash = this.hash;
    return copy;
  }

  head(): ChainHead {
    return {
      channel: this.channel,
      party: this.party,
      size: this.size,
      hash: this.hash,
      frontier: this.hash === null ? [] : [this.hash, sha256Hex(`range ${this.size}`)],
      checkpoint: `parley/${this.channel}/${this.party}\n${this.size}\n${this.hash ?? ''}\n`,
    };
  }
}

export function channelRecord(id: string, overrides: Partial<Channel> = {}): Channel {
  return {
    id,
    name: `Channel ${id}`,
    offices: ['ops', 'legal'],
    languages: ['en', 'fr'],
    parties: { P: ['ops'], Q: ['legal'] },
    observers: { O: ['watch'] },
    state: 'active',
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function principalRecord(id: string, overrides: Partial<Principal> = {}): Principal {
  return {
    id,
    office: null,
    role: 'member',
    title: `Title of ${id}`,
    passwordHash: `$scrypt$ln=15,r=8,p=1$c2FsdA$${id}`,
    publicKey: `pub-${id}`,
    privateKey: `priv-${id}`,
    createdAt: 1_700_000_000_123,
    disabled: false,
    ...overrides,
  };
}

/** Creates channel `id` whose local chain (party P) starts with `initial` charter entries. */
export async function createChannelOn(store: Storage, id: string, initial = 1): Promise<TestChain> {
  const chain = new TestChain(id, 'P');
  const entries = chain.take(initial, { kind: 'charter', author: 'node' });
  await store.createChannel(channelRecord(id), entries, chain.head());
  return chain;
}

/** A session of alice's (or whose `overrides` say), from 10 until 20. */
export function sessionRecord(tokenHash: string, overrides: Partial<Session> = {}): Session {
  return {
    tokenHash,
    principal: 'alice',
    csrfToken: 'csrf',
    createdAt: 10,
    expiresAt: 20,
    lastSeenAt: 10,
    ...overrides,
  };
}

/** The peer party Q. */
export const PEER_Q: Peer = {
  party: 'Q',
  name: 'Party Q',
  url: 'http://127.0.0.1:1',
  nodePublicKey: 'A'.repeat(43) + '=',
  tlsCa: null,
  addedAt: 5,
};

/** Evidence, reported by P, that Q signed two roots. */
export const EQUIVOCATION_EVIDENCE: EquivocationEvidence = {
  channel: 'c1',
  party: 'Q',
  noteA: 'a',
  noteB: 'b',
  detail: 'two roots',
  reportedBy: 'P',
  at: 4,
};

/** Strips the cursor so cursored results compare equal to the stored entries. */
export function withoutCursor(entry: StoredEntry & { cursor?: number }): StoredEntry {
  const { cursor: _cursor, ...rest } = entry;
  return rest;
}

/** A bare entry for backend-specific tests: canonical text naming `prev`, nothing else realistic. */
export function plainEntry(
  channel: string,
  party: string,
  seq: number,
  prev: string | null,
  text: string,
): StoredEntry {
  const canonical = canonicalize({ channel, party, seq, prev, body: { text } });
  return entryOf(canonical, {
    channel,
    party,
    seq,
    sig: 'sig',
    kind: 'message',
    author: 'alice',
    precedence: 'ROUTINE',
    hlc: `hlc-${seq}`,
    ref: null,
    storedAt: 1_700_000_000_000 + seq,
  });
}

/** The head of a chain whose last entry is `last` (placeholder frontier and checkpoint). */
export function headAfter(last: StoredEntry): ChainHead {
  return {
    channel: last.channel,
    party: last.party,
    size: last.seq + 1,
    hash: last.hash,
    frontier: [last.hash],
    checkpoint: `cp ${last.seq + 1}`,
  };
}

/** An active channel with no parties, for backend-specific tests. */
export function bareChannel(id: string): Channel {
  return {
    id,
    name: id,
    offices: [],
    languages: ['en'],
    parties: {},
    observers: {},
    state: 'active',
    createdAt: 1,
  };
}

/**
 * Two stores append one entry each at the same time, both built on the head each store read;
 * resolves to why the appends failed (exactly one should, with ChainConflictError).
 */
export async function raceOneEntry(
  stores: [Storage, Storage],
  entries: [StoredEntry, StoredEntry],
): Promise<unknown[]> {
  const results = await Promise.allSettled(
    stores.map((store, i) => store.appendEntries([entries[i]!], [headAfter(entries[i]!)])),
  );
  return results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
}

/** A stored security event (storage does not check hashes or signatures; audit-trail does). */
export const TRAIL_EVENT: SecurityEvent = {
  seq: 1,
  at: 1,
  actor: 'alice',
  action: 'login',
  subject: 'alice',
  address: '192.0.2.1',
  details: '{}',
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
  nodeKey: 'k',
  sig: 's',
};

/** A seal for appendSecurityEvent that chains a test event onto the tip. */
export function testTrailSeal(
  fields: Partial<SecurityEvent> = {},
): (tip: SecurityTrailTip | null) => { event: SecurityEvent; head: SecurityTrailHead } {
  return (tip) => {
    const seq = (tip?.seq ?? 0) + 1;
    const hash = `${seq}`.padStart(64, 'f');
    const event = { ...TRAIL_EVENT, ...fields, seq, prevHash: tip?.hash ?? TRAIL_EVENT.prevHash, hash };
    return { event, head: { seq, hash, nodeKey: event.nodeKey, sig: `head ${seq}` } };
  };
}
