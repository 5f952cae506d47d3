/**
 * Test fixtures of the storage contract suite: entries built with the real canonical JSON encoder
 * and SHA-256 so they look like what the node stores (signatures are placeholders: storage never
 * verifies them), chains that track their tip, and channel and principal records.
 */
import { canonicalize } from '../core/canonical-json.js';
import type { Precedence } from '../core/entry.js';
import { sha256Hex } from '../core/hash.js';
import type { ChainHead, Channel, Principal, StoredEntry } from './storage.js';

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
  return {
    channel,
    party,
    seq,
    hash: sha256Hex(canonical),
    canonical,
    sig: 'S'.repeat(86) + '==',
    kind,
    author,
    precedence,
    hlc,
    ref,
    storedAt: options.storedAt ?? 1_700_000_000_000 + seq,
  };
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

/** Strips the cursor so cursored results compare equal to the stored entries. */
export function withoutCursor(entry: StoredEntry & { cursor?: number }): StoredEntry {
  const { cursor: _cursor, ...rest } = entry;
  return rest;
}
