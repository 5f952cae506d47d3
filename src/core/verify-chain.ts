/**
 * Offline verification of one party's chain in one channel. Entries are pushed in seq order
 * (streaming, so a million-entry chain needs no more memory than its keys); every failure names
 * the entry and the rule it broke. The rules:
 *
 * - `canonical_form`: the stored text is canonical JSON of an entry of this version.
 * - `hash_mismatch`: the stored hash is the SHA-256 of the text.
 * - `field_mismatch`: channel, party, seq, kind and author agree with where the entry is stored.
 * - `seq_gap`: seqs run 0, 1, 2… with nothing missing.
 * - `chain_link_broken`: `prev` is the hash of the previous entry (null at seq 0).
 * - `kind_invalid`: the kind is registered, the body matches its schema and its timed rules
 *   (dates against the entry's own timestamp, `KindDefinition.timed`).
 * - `author_key_unknown`: node-authored kinds carry the node key; others a key this party
 *   published (kind `principal-key`) earlier in the chain for that principal.
 * - `key_revoked`: the key was published but revoked (kind `principal-key-revoke`) earlier in
 *   the chain: what it signed before stays valid, nothing after, and it is never published again.
 * - `signature_invalid`: the Ed25519 signature verifies.
 * - `seen_invalid`: `seen` names other parties only, each with a position (a non-negative
 *   integer), and never goes back: what an author's node had seen stays seen in later entries.
 * - `checkpoint_invalid`: the latest signed checkpoint is signed by the node key, covers no more
 *   entries than exist, and its root equals the Merkle root of that prefix (RFC 9162).
 */
import { parseCanonical } from './canonical-json.js';
import { verifyChainCheckpoint } from './chain-checkpoint.js';
import {
  ENTRY_VERSION,
  MARKINGS,
  NODE_AUTHOR,
  PRECEDENCES,
  entryId,
  verifyEntrySignature,
  type Marking,
} from './entry.js';
import { sha256Hex } from './hash.js';
import { parseHlc } from './hlc.js';
import type { KindRegistry } from './kinds.js';
import { CompactRange, leafHash } from './merkle.js';

/** The stored form the verifier reads: where the entry claims to sit, and its bytes. */
export interface EntryRecord {
  channel: string;
  party: string;
  seq: number;
  hash: string;
  canonical: string;
  sig: string;
  kind: string;
  author: string;
}

export interface VerifyFailure {
  /** `<channel>/<party>/<seq>`, or `<channel>/<party>` for chain-level failures. */
  entry: string;
  rule:
    | 'canonical_form'
    | 'hash_mismatch'
    | 'field_mismatch'
    | 'seq_gap'
    | 'chain_link_broken'
    | 'kind_invalid'
    | 'author_key_unknown'
    | 'key_revoked'
    | 'signature_invalid'
    | 'seen_invalid'
    | 'checkpoint_invalid'
    | 'equivocation_detected'
    | 'fork_detected';
  message: string;
}

const MAX_FAILURES_PER_CHAIN = 1000;

/**
 * A party's node keys: the pinned one and those it replaced (node/node-key-rotation.ts), each
 * accepted for entries dated before `until`, the time its successor took over.
 */
export interface NodeKeyHistory {
  current: string;
  earlier: ReadonlyArray<{ key: string; until: number }>;
}

/** Whether `key` signs for the node at clock stamp `hlc`: the current key, or a replaced one before it was replaced. */
export function isNodeKeyAt(history: NodeKeyHistory, key: string, hlc: unknown): boolean {
  if (key === history.current) return true;
  const wall = typeof hlc === 'string' ? parseHlc(hlc)?.wall : undefined;
  return wall !== undefined && history.earlier.some((earlier) => earlier.key === key && wall < earlier.until);
}

/**
 * Signatures already checked elsewhere (in parallel, node/signing-pool.ts), by signature: the
 * entry text it was checked over and the key it verified with. Only verifying ones are listed.
 */
export type VerifiedSignatures = ReadonlyMap<string, { canonical: string; authorKey: string }>;

/** An entry's signed bytes and signature, as a parallel signature check takes them. */
export interface SignedBytes {
  canonical: string;
  sig: string;
}

/**
 * Checks entries' signatures elsewhere (node/signing-pool.ts): per entry, in order, the key its
 * signed bytes name where the signature verifies with it, else ''.
 */
export type CheckSignatures = (entries: readonly SignedBytes[]) => Promise<string[]>;

/** The verifying ones of `entries`, given the keys a CheckSignatures answered for them. */
export function verifiedSignatures(
  entries: readonly SignedBytes[],
  keys: readonly string[],
): VerifiedSignatures {
  const verified = new Map<string, { canonical: string; authorKey: string }>();
  entries.forEach((entry, index) => {
    const authorKey = keys[index];
    if (authorKey) verified.set(entry.sig, { canonical: entry.canonical, authorKey });
  });
  return verified;
}

export class ChainVerifier {
  readonly failures: VerifyFailure[] = [];
  private verified: VerifiedSignatures | null = null;
  private expectedSeq = 0;
  private previousHash: string | null = null;
  private tree = CompactRange.empty();
  /** Merkle roots at every size a checkpoint may name are not kept; the root at `checkpointSize` is. */
  private rootAtCheckpoint: Buffer | null = null;
  private readonly publishedKeys = new Map<string, Set<string>>();
  /** principal → key → seq of the entry that revoked it in this chain. */
  private readonly revokedKeys = new Map<string, Map<string, number>>();
  /** `seen` of the previous entry, which the next one may not go back on. */
  private lastSeen: Record<string, number> = {};
  private checked = 0;

  /**
   * @param checkpointSize when the caller already knows the size of the checkpoint it will check
   *   at the end, pass it so the root at that size is captured on the way.
   */
  private readonly nodePublicKey: string;
  private readonly earlierNodeKeys: ReadonlyArray<{ key: string; until: number }>;

  constructor(
    /** The kinds the verifying node knows (workflows/all-kinds.ts). */
    private readonly kinds: KindRegistry,
    readonly channel: string,
    readonly party: string,
    /** The party's pinned node key, or it with the keys it replaced (node key rotation). */
    nodeKeys: string | NodeKeyHistory,
    private readonly checkpointSize: number | null = null,
  ) {
    this.nodePublicKey = typeof nodeKeys === 'string' ? nodeKeys : nodeKeys.current;
    this.earlierNodeKeys = typeof nodeKeys === 'string' ? [] : nodeKeys.earlier;
    if (checkpointSize === 0) this.rootAtCheckpoint = this.tree.root();
  }

  /** A replaced node key signs only entries dated before it was replaced. */
  private isNodeKey(key: string, hlc: unknown): boolean {
    return isNodeKeyAt({ current: this.nodePublicKey, earlier: this.earlierNodeKeys }, key, hlc);
  }

  /** Why a node-authored entry's key is not accepted: which key, and when it was dated. */
  private nodeKeyMismatch(key: string, hlc: unknown): string {
    const short = `${key.slice(0, 12)}…`;
    const replaced = this.earlierNodeKeys.find((earlier) => earlier.key === key);
    if (replaced) {
      return `it is signed by ${short}, dated ${String(hlc)}, after that key was replaced at ${new Date(replaced.until).toISOString()}`;
    }
    return `it is signed by ${short}, which is neither the pinned key ${this.nodePublicKey.slice(0, 12)}… nor one it replaced`;
  }

  /**
   * Continues verification after `size` entries that were verified before (a replica's stored
   * chain): the next entry must follow `hash`, authors may use `publishedKeys`, and the Merkle
   * tree continues from `tree`.
   */
  static resume(
    kinds: KindRegistry,
    channel: string,
    party: string,
    nodePublicKey: string | NodeKeyHistory,
    state: {
      size: number;
      hash: string | null;
      tree: CompactRange;
      publishedKeys: Map<string, Set<string>>;
      /** Keys revoked earlier in the chain (principal → key → seq of the revocation). */
      revokedKeys?: Map<string, Map<string, number>>;
      /** `seen` of the last verified entry. */
      seen?: Record<string, number>;
    },
  ): ChainVerifier {
    const verifier = new ChainVerifier(kinds, channel, party, nodePublicKey);
    verifier.expectedSeq = state.size;
    verifier.previousHash = state.hash;
    verifier.lastSeen = { ...(state.seen ?? {}) };
    verifier.tree = state.tree.clone();
    for (const [principal, keys] of state.publishedKeys) verifier.publishedKeys.set(principal, new Set(keys));
    for (const [principal, keys] of state.revokedKeys ?? [])
      verifier.revokedKeys.set(principal, new Map(keys));
    return verifier;
  }

  /** The chain's state after everything pushed so far, to resume from later. */
  get state(): {
    size: number;
    hash: string | null;
    tree: CompactRange;
    publishedKeys: Map<string, Set<string>>;
    revokedKeys: Map<string, Map<string, number>>;
    seen: Record<string, number>;
  } {
    return {
      size: this.expectedSeq,
      hash: this.previousHash,
      tree: this.tree,
      publishedKeys: this.publishedKeys,
      revokedKeys: this.revokedKeys,
      seen: this.lastSeen,
    };
  }

  /**
   * Takes signatures checked ahead for the entries about to be pushed (null: none). Every other
   * rule still runs here, in order; a signature counts as checked only over the same bytes and
   * with the same key this verifier reads from them, and anything not listed is verified here.
   */
  useVerifiedSignatures(verified: VerifiedSignatures | null): void {
    this.verified = verified;
  }

  get entriesChecked(): number {
    return this.checked;
  }

  push(record: EntryRecord): void {
    this.checked += 1;
    const id = entryId(this.channel, this.party, record.seq);
    if (record.seq !== this.expectedSeq) {
      this.fail(
        id,
        'seq_gap',
        record.seq > this.expectedSeq
          ? `entries ${this.expectedSeq}..${record.seq - 1} are missing`
          : `seq ${record.seq} repeats or goes backwards (expected ${this.expectedSeq})`,
      );
    }
    if (sha256Hex(record.canonical) !== record.hash) {
      this.fail(id, 'hash_mismatch', 'stored hash is not the SHA-256 of the stored entry text');
    }
    this.checkContent(id, record);
    this.previousHash = record.hash;
    this.expectedSeq = record.seq + 1;
    this.tree.append(leafHash(record.canonical));
    if (this.checkpointSize !== null && this.tree.size === this.checkpointSize) {
      this.rootAtCheckpoint = this.tree.root();
    }
  }

  /** Checks the chain's latest checkpoint against what was pushed; returns all failures. */
  finish(checkpoint: string | null): VerifyFailure[] {
    const chainId = `${this.channel}/${this.party}`;
    if (checkpoint !== null) {
      try {
        const verified = this.verifyCheckpoint(checkpoint);
        if (verified.size > this.tree.size) {
          this.fail(
            chainId,
            'checkpoint_invalid',
            `signed checkpoint covers ${verified.size} entries but only ${this.tree.size} are stored: entries ${this.tree.size}..${verified.size - 1} are missing`,
          );
        } else {
          const root = verified.size === this.tree.size ? this.tree.root() : this.rootAtCheckpoint;
          if (root === null) {
            this.fail(chainId, 'checkpoint_invalid', `no root captured at checkpoint size ${verified.size}`);
          } else if (!root.equals(verified.rootHash)) {
            this.fail(
              chainId,
              'checkpoint_invalid',
              `Merkle root of the first ${verified.size} entries differs from the signed checkpoint`,
            );
          }
        }
      } catch (error) {
        this.fail(chainId, 'checkpoint_invalid', (error as Error).message);
      }
    }
    return this.failures;
  }

  /**
   * A checkpoint signed by the current node key, or by a replaced one (a chain its party has not
   * written to since the rotation keeps the checkpoint the old key signed).
   */
  private verifyCheckpoint(checkpoint: string): ReturnType<typeof verifyChainCheckpoint> {
    let first: unknown;
    for (const key of [this.nodePublicKey, ...this.earlierNodeKeys.map((earlier) => earlier.key)]) {
      try {
        return verifyChainCheckpoint(checkpoint, this.channel, this.party, key);
      } catch (error) {
        first ??= error;
      }
    }
    throw first;
  }

  private checkContent(id: string, record: EntryRecord): void {
    let content: Record<string, unknown>;
    try {
      const parsed = parseCanonical(record.canonical);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      content = parsed;
    } catch (error) {
      this.fail(id, 'canonical_form', (error as Error).message);
      return;
    }
    if (content.v !== ENTRY_VERSION)
      this.fail(id, 'canonical_form', `unsupported entry version ${String(content.v)}`);
    if (
      content.channel !== this.channel ||
      content.party !== this.party ||
      content.seq !== record.seq ||
      content.kind !== record.kind ||
      content.author !== record.author
    ) {
      this.fail(
        id,
        'field_mismatch',
        'signed channel, party, seq, kind or author differ from where it is stored',
      );
    }
    if (content.prev !== this.previousHash && record.seq === this.expectedSeq) {
      this.fail(id, 'chain_link_broken', `prev does not name the hash of entry ${this.expectedSeq - 1}`);
    }
    if (
      typeof content.hlc !== 'string' ||
      parseHlc(content.hlc) === null ||
      !PRECEDENCES.includes(content.precedence as (typeof PRECEDENCES)[number]) ||
      typeof content.lang !== 'string' ||
      (content.marking !== undefined && !MARKINGS.includes(content.marking as Marking)) ||
      typeof content.seen !== 'object' ||
      content.seen === null
    ) {
      this.fail(id, 'canonical_form', 'hlc, precedence, lang, marking or seen is malformed');
    }
    this.checkSeen(id, content.seen);
    const kind = typeof content.kind === 'string' ? this.kinds.get(content.kind) : undefined;
    const bodyCheck = kind ? this.kinds.checkBody(kind.name, content.body) : null;
    if (!kind || !bodyCheck?.ok) {
      this.fail(
        id,
        'kind_invalid',
        kind
          ? `body: ${bodyCheck && !bodyCheck.ok ? bodyCheck.message : ''}`
          : `unknown kind '${String(content.kind)}'`,
      );
    }
    const wall = typeof content.hlc === 'string' ? parseHlc(content.hlc)?.wall : undefined;
    const timed =
      kind?.timed && bodyCheck?.ok && wall !== undefined ? kind.timed(bodyCheck.body, wall) : null;
    if (timed) this.fail(id, 'kind_invalid', `body: ${timed}`);
    const authorKey = typeof content.authorKey === 'string' ? content.authorKey : '';
    const author = typeof content.author === 'string' ? content.author : '';
    if (kind?.authoredBy === 'node') {
      if (author !== NODE_AUTHOR || !this.isNodeKey(authorKey, content.hlc)) {
        this.fail(
          id,
          'author_key_unknown',
          `kind '${kind.name}' must be signed by the node key of ${this.party}; ${this.nodeKeyMismatch(authorKey, content.hlc)}`,
        );
      }
    } else if (kind) {
      const revokedAt = this.revokedKeys.get(author)?.get(authorKey);
      if (revokedAt !== undefined) {
        this.fail(
          id,
          'key_revoked',
          `key of '${author}' was revoked at ${entryId(this.channel, this.party, revokedAt)}`,
        );
      } else if (!this.publishedKeys.get(author)?.has(authorKey)) {
        this.fail(id, 'author_key_unknown', `key of '${author}' was not published earlier in this chain`);
      }
    }
    if (!this.signatureVerifies(record, authorKey)) {
      this.fail(id, 'signature_invalid', `signature by '${author}' does not verify`);
    } else if (bodyCheck?.ok && author === NODE_AUTHOR) {
      this.applyKeyChange(id, record.seq, kind?.name, bodyCheck.body);
    }
  }

  private signatureVerifies(record: EntryRecord, authorKey: string): boolean {
    const ahead = this.verified?.get(record.sig);
    if (ahead && ahead.canonical === record.canonical && ahead.authorKey === authorKey) return true;
    return verifyEntrySignature(record.canonical, authorKey, record.sig);
  }

  /** A node-signed publication or revocation of a person's key changes what later entries may use. */
  private applyKeyChange(id: string, seq: number, kind: string | undefined, body: unknown): void {
    if (kind !== 'principal-key' && kind !== 'principal-key-revoke') return;
    const { principal, publicKey } = body as { principal: string; publicKey: string };
    const revokedAt = this.revokedKeys.get(principal)?.get(publicKey);
    if (kind === 'principal-key') {
      if (revokedAt !== undefined) {
        this.fail(
          id,
          'key_revoked',
          `key of '${principal}' was revoked at ${entryId(this.channel, this.party, revokedAt)} and cannot be published again`,
        );
        return;
      }
      let keys = this.publishedKeys.get(principal);
      if (!keys) this.publishedKeys.set(principal, (keys = new Set()));
      keys.add(publicKey);
      return;
    }
    if (revokedAt !== undefined) return; // revoked twice: the first revocation stands
    if (!this.publishedKeys.get(principal)?.has(publicKey)) {
      this.fail(id, 'author_key_unknown', `revokes a key of '${principal}' this chain never published`);
      return;
    }
    this.publishedKeys.get(principal)!.delete(publicKey);
    let revoked = this.revokedKeys.get(principal);
    if (!revoked) this.revokedKeys.set(principal, (revoked = new Map()));
    revoked.set(publicKey, seq);
  }

  private checkSeen(id: string, seen: unknown): void {
    if (typeof seen !== 'object' || seen === null || Array.isArray(seen)) return; // canonical_form
    const positions = seen as Record<string, unknown>;
    for (const [party, position] of Object.entries(positions)) {
      if (party === this.party || !Number.isSafeInteger(position) || (position as number) < 0) {
        this.fail(id, 'seen_invalid', `seen names ${party} at ${String(position)}`);
        return;
      }
    }
    for (const [party, before] of Object.entries(this.lastSeen)) {
      const now = positions[party] as number | undefined;
      if (now === undefined || now < before) {
        this.fail(id, 'seen_invalid', `seen goes back on ${party}: ${before} before, ${String(now)} now`);
        return;
      }
    }
    this.lastSeen = positions as Record<string, number>;
  }

  private fail(entry: string, rule: VerifyFailure['rule'], message: string): void {
    if (this.failures.length < MAX_FAILURES_PER_CHAIN) this.failures.push({ entry, rule, message });
  }
}
