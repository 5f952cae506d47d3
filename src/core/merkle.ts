/**
 * RFC 9162 §2.1 Merkle tree over SHA-256, the same tree Certificate Transparency and C2SP
 * tlog-checkpoint use, so any off-the-shelf log client can check Parley's proofs. Leaves and
 * interior nodes are hashed with distinct one-byte prefixes (0x00, 0x01) so a leaf can never be
 * passed off as a node. Proof builders take the full list of leaf hashes (the storage layer
 * has them); verifiers take only hashes and sizes and answer false rather than throwing, since
 * their inputs come from the network. `CompactRange` keeps the O(log n) right frontier so a
 * node can compute the root after each append without rereading the leaves.
 */
import { createHash } from 'node:crypto';
import { sha256 } from './hash.js';

/** Size in bytes of every hash in the tree. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** Thrown when a proof is requested for sizes or indices the tree does not have. */
export class MerkleRangeError extends RangeError {
  override readonly name = 'MerkleRangeError';
}

/** Thrown when a serialised compact range does not describe a tree of the stated size. */
export class CompactRangeError extends Error {
  override readonly name = 'CompactRangeError';
}

/** Leaf hash, RFC 9162 §2.1.1: SHA-256(0x00 || leaf). Strings are hashed as UTF-8. */
export function leafHash(leaf: Uint8Array | string): Buffer {
  // Strings (canonical entries, on every append and verify) take the one-shot path: U+0000
  // encodes as the single byte 0x00 in UTF-8.
  if (typeof leaf === 'string') return sha256(`\u0000${leaf}`);
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

/** Interior node hash, RFC 9162 §2.1.1: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  // One-shot over a 65-byte buffer: cheaper than three updates, and it runs on every append.
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
    const input = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
    input[0] = 0x01;
    input.set(left, 1);
    input.set(right, 1 + HASH_SIZE);
    return sha256(input);
  }
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** Root of the empty tree, RFC 9162 §2.1.1: MTH({}) = SHA-256(""). */
export function emptyRoot(): Buffer {
  return sha256(new Uint8Array(0));
}

/**
 * Merkle Tree Hash of a list of leaf hashes, RFC 9162 §2.1.1. Computed bottom-up: pairing
 * neighbours and promoting an unpaired last node unchanged gives exactly the recursive MTH with
 * its "largest power of two smaller than n" split, in O(n) hashes and no recursion.
 */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return emptyRoot();
  let level: Uint8Array[] = leafHashes.slice();
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return Buffer.from(level[0]!);
}

/** Largest power of two strictly smaller than n (n >= 2): the split point k of RFC 9162 §2.1.1. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) for a non-empty range, without copying the leaf list. */
function subtreeRoot(leafHashes: readonly Uint8Array[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 1) return Buffer.from(leafHashes[start]!);
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leafHashes, start, start + k), subtreeRoot(leafHashes, start + k, end));
}

/**
 * Audit path PATH(m, D[n]) for leaf `index` in the tree of all `leafHashes`,
 * RFC 9162 §2.1.3.1. Hashes are ordered from the leaf's sibling up to the root's child.
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Buffer[] {
  const size = leafHashes.length;
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new MerkleRangeError(`leaf index ${index} is outside a tree of size ${size}`);
  }
  const proof: Buffer[] = [];
  path(leafHashes, index, 0, size, proof);
  return proof;
}

// PATH(m, D[start:end]); siblings are appended after the deeper part of the path.
function path(leafHashes: readonly Uint8Array[], m: number, start: number, end: number, out: Buffer[]): void {
  const n = end - start;
  if (n === 1) return;
  const k = splitPoint(n);
  if (m < k) {
    path(leafHashes, m, start, start + k, out);
    out.push(subtreeRoot(leafHashes, start + k, end));
  } else {
    path(leafHashes, m - k, start + k, end, out);
    out.push(subtreeRoot(leafHashes, start, start + k));
  }
}

/**
 * Consistency proof PROOF(m, D[n]) from the tree of the first `oldSize` leaves to the tree of
 * all `leafHashes`, RFC 9162 §2.1.4.1. The RFC defines it for 0 < m <= n (m = n gives the
 * empty proof); an empty old tree has nothing to prove, so oldSize 0 is rejected.
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], oldSize: number): Buffer[] {
  const size = leafHashes.length;
  if (!Number.isSafeInteger(oldSize) || oldSize < 1 || oldSize > size) {
    throw new MerkleRangeError(`no consistency proof from size ${oldSize} to size ${size}`);
  }
  const proof: Buffer[] = [];
  subproof(leafHashes, oldSize, 0, size, true, proof);
  return proof;
}

// SUBPROOF(m, D[start:end], b) of RFC 9162 §2.1.4.1.
function subproof(
  leafHashes: readonly Uint8Array[],
  m: number,
  start: number,
  end: number,
  complete: boolean,
  out: Buffer[],
): void {
  const n = end - start;
  if (m === n) {
    // The old tree is a subtree here; its root is needed only when the verifier cannot know it.
    if (!complete) out.push(subtreeRoot(leafHashes, start, end));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(leafHashes, m, start, start + k, complete, out);
    out.push(subtreeRoot(leafHashes, start + k, end));
  } else {
    subproof(leafHashes, m - k, start + k, end, false, out);
    out.push(subtreeRoot(leafHashes, start, start + k));
  }
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

function isProof(proof: unknown): proof is readonly Uint8Array[] {
  // 64 levels is far beyond any tree a safe integer can size; bounds the work on hostile input.
  return Array.isArray(proof) && proof.length <= 64 && proof.every(isHash);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

const isOdd = (x: number): boolean => x % 2 === 1;
// Sizes may exceed 2^32, so halve arithmetically rather than with 32-bit shifts.
const half = (x: number): number => Math.floor(x / 2);

/**
 * Verifies an audit path with the algorithm of RFC 9162 §2.1.3.2. Returns false, never throws,
 * for any malformed input (bad index or size, wrong hash lengths, wrong proof length).
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!isHash(leafHash) || !(root instanceof Uint8Array) || !isProof(proof)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // A right border node: skip the levels where this subtree has no right sibling.
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(r, root);
}

/**
 * Verifies a consistency proof with the algorithm of RFC 9162 §2.1.4.2, which covers
 * 0 < oldSize < newSize. Equal sizes are consistent iff the proof is empty and the roots are
 * equal. An empty old tree is rejected, as in the RFC and the transparency-dev reference: a
 * proof from nothing proves nothing, so callers must not rely on one. Never throws.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize)) return false;
  if (oldSize < 1 || newSize < oldSize) return false;
  if (!(oldRoot instanceof Uint8Array) || !(newRoot instanceof Uint8Array) || !isProof(proof)) return false;
  if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (proof.length === 0 || !isHash(oldRoot) || !isHash(newRoot)) return false;

  // When the old tree is a perfect subtree its root is the proof's implicit first node.
  const nodes: readonly Uint8Array[] = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = nodes[0]!;
  let sr: Uint8Array = nodes[0]!;
  for (let i = 1; i < nodes.length; i++) {
    const c = nodes[i]!;
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      // A right border node: skip the levels where this subtree has no right sibling.
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}

/** Number of set bits of a non-negative safe integer (may exceed 32 bits). */
function popcount(n: number): number {
  let count = 0;
  for (let x = n; x > 0; x = half(x)) if (isOdd(x)) count++;
  return count;
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * The right frontier of an append-only RFC 9162 tree: the roots of its maximal perfect
 * subtrees, largest (leftmost) first, one per set bit of the size. Appending merges equal-sized
 * subtrees like a binary counter carry, so both `append` and `root` cost O(log n) hashes.
 */
export class CompactRange {
  #size: number;
  readonly #hashes: Buffer[];

  private constructor(size: number, hashes: Buffer[]) {
    this.#size = size;
    this.#hashes = hashes;
  }

  /** The frontier of the empty tree. */
  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /**
   * Restores a frontier saved with `toHex`. Throws CompactRangeError unless there is exactly one
   * 32-byte lowercase-hex hash per set bit of `size`.
   */
  static fromHex(size: number, hashes: readonly string[]): CompactRange {
    if (!Number.isSafeInteger(size) || size < 0) throw new CompactRangeError(`invalid tree size ${size}`);
    const expected = popcount(size);
    if (hashes.length !== expected) {
      throw new CompactRangeError(`a tree of size ${size} needs ${expected} hashes, got ${hashes.length}`);
    }
    for (const hash of hashes) {
      if (!HEX_HASH.test(hash)) throw new CompactRangeError('hashes must be 64 lowercase hex characters');
    }
    return new CompactRange(
      size,
      hashes.map((hash) => Buffer.from(hash, 'hex')),
    );
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Appends one leaf hash (already `leafHash`ed), RFC 9162 §2.1.1 order. */
  append(leafHash: Uint8Array): void {
    if (!isHash(leafHash)) throw new CompactRangeError('leaf hash must be 32 bytes');
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new CompactRangeError('tree is full');
    let hash: Buffer = Buffer.from(leafHash);
    // Each trailing 1 bit of the old size is a perfect subtree of the new leaf's height: merge.
    for (let n = this.#size; isOdd(n); n = half(n)) hash = nodeHash(this.#hashes.pop()!, hash);
    this.#hashes.push(hash);
    this.#size += 1;
  }

  /** MTH of the tree so far (RFC 9162 §2.1.1), folding the frontier from the right. */
  root(): Buffer {
    const hashes = this.#hashes;
    if (hashes.length === 0) return emptyRoot();
    let root = hashes[hashes.length - 1]!;
    for (let i = hashes.length - 2; i >= 0; i--) root = nodeHash(hashes[i]!, root);
    return Buffer.from(root);
  }

  /** The frontier hashes, largest subtree first, as lowercase hex for storage. */
  toHex(): string[] {
    return this.#hashes.map((hash) => hash.toString('hex'));
  }

  /** An independent copy, so a caller can try appends without disturbing this range. */
  clone(): CompactRange {
    return new CompactRange(this.#size, this.#hashes.slice());
  }
}
