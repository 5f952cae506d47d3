/**
 * Tests for the RFC 9162 Merkle tree: the transparency-dev / Certificate Transparency reference
 * tree (published leaves, node hashes, roots and proof probes in test/fixtures), then exhaustive
 * round trips of inclusion and consistency proofs up to 64 leaves with tampering, and the
 * compact range against the full-tree root for every size up to 100.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  CompactRangeError,
  MerkleRangeError,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

interface InclusionProbe {
  file: string;
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[];
  desc: string;
  wantErr: boolean;
}

interface ConsistencyProbe {
  file: string;
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[];
  desc: string;
  wantErr: boolean;
}

interface Vectors {
  source: string;
  hasher: { emptyRoot: string; emptyLeafHash: string; leafL123456: string; nodeN123N456: string };
  leavesHex: string[];
  leafHashesHex: string[];
  rootsHexBySize: string[];
  nodeHashesHexByLevel: string[][];
  inclusionProbes: InclusionProbe[];
  consistencyProbes: ConsistencyProbe[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../test/fixtures/rfc9162-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const hex = (b: Buffer): string => b.toString('hex');
const refLeafHashes = vectors.leavesHex.map((leaf) => leafHash(Buffer.from(leaf, 'hex')));

function flip(hash: Buffer, bit = 0): Buffer {
  const copy = Buffer.from(hash);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

function leaves(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => leafHash(`leaf ${i}`));
}

describe('RFC 9162 hashing (published vectors)', () => {
  it('names its source', () => {
    expect(vectors.source).toMatch(/transparency-dev\/merkle/);
  });

  it('matches the reference hasher vectors', () => {
    expect(hex(emptyRoot())).toBe(vectors.hasher.emptyRoot);
    expect(hex(leafHash(new Uint8Array(0)))).toBe(vectors.hasher.emptyLeafHash);
    expect(hex(leafHash('L123456'))).toBe(vectors.hasher.leafL123456);
    expect(hex(nodeHash(Buffer.from('N123'), Buffer.from('N456')))).toBe(vectors.hasher.nodeN123N456);
  });

  it('matches the reference leaf hashes and interior node hashes', () => {
    expect(refLeafHashes.map(hex)).toEqual(vectors.leafHashesHex);
    const levels = vectors.nodeHashesHexByLevel;
    for (let level = 1; level < levels.length; level++) {
      const width = 2 ** level;
      levels[level]!.forEach((want, i) => {
        expect(hex(rootFromLeafHashes(refLeafHashes.slice(i * width, (i + 1) * width)))).toBe(want);
      });
    }
  });

  it('matches the reference roots for sizes 0..8', () => {
    vectors.rootsHexBySize.forEach((want, size) => {
      expect(hex(rootFromLeafHashes(refLeafHashes.slice(0, size)))).toBe(want);
    });
  });
});

describe('inclusion proofs', () => {
  it('agrees with every published inclusion probe', () => {
    expect(vectors.inclusionProbes.length).toBeGreaterThan(50);
    for (const p of vectors.inclusionProbes) {
      const ok = verifyInclusion(b64(p.leafHash), p.leafIdx, p.treeSize, p.proof.map(b64), b64(p.root));
      expect(ok, `${p.file}: ${p.desc}`).toBe(!p.wantErr);
    }
  });

  it('generates exactly the published happy-path proofs over the reference tree', () => {
    let checked = 0;
    for (const p of vectors.inclusionProbes.filter((q) => q.desc === 'happy path' && q.treeSize <= 8)) {
      const tree = refLeafHashes.slice(0, p.treeSize);
      if (hex(rootFromLeafHashes(tree)) !== hex(b64(p.root))) continue;
      expect(inclusionProof(tree, p.leafIdx).map((h) => h.toString('base64'))).toEqual(p.proof);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('round-trips for every (index, size) up to 64 leaves and rejects tampering', () => {
    const all = leaves(64);
    for (let size = 1; size <= 64; size++) {
      const tree = all.slice(0, size);
      const root = rootFromLeafHashes(tree);
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(tree, index);
        const leaf = tree[index]!;
        expect(verifyInclusion(leaf, index, size, proof, root)).toBe(true);
        expect(verifyInclusion(flip(leaf), index, size, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, index, size, proof, flip(root, 255))).toBe(false);
        if (size > 1) expect(verifyInclusion(leaf, index ^ 1, size, proof, root)).toBe(false);
        // A size with the same path shape can only be told apart by its root, so double it.
        expect(verifyInclusion(leaf, index, size * 2, proof, root)).toBe(false);
        if (size > 1) expect(verifyInclusion(leaf, index, Math.floor(size / 2), proof, root)).toBe(false);
        expect(verifyInclusion(leaf, index, size, [...proof, leaf], root)).toBe(false);
        proof.forEach((_, i) => {
          const bad = proof.map((h, j) => (i === j ? flip(h, 7) : h));
          expect(verifyInclusion(leaf, index, size, bad, root)).toBe(false);
        });
        if (proof.length > 0) expect(verifyInclusion(leaf, index, size, proof.slice(1), root)).toBe(false);
      }
    }
  });

  it('returns false rather than throwing on malformed input', () => {
    const tree = leaves(5);
    const root = rootFromLeafHashes(tree);
    const proof = inclusionProof(tree, 2);
    expect(verifyInclusion(tree[2]!, -1, 5, proof, root)).toBe(false);
    expect(verifyInclusion(tree[2]!, 5, 5, proof, root)).toBe(false);
    expect(verifyInclusion(tree[2]!, 2.5, 5, proof, root)).toBe(false);
    expect(verifyInclusion(tree[2]!, 2, Number.NaN, proof, root)).toBe(false);
    expect(verifyInclusion(tree[2]!.subarray(1), 2, 5, proof, root)).toBe(false);
    expect(verifyInclusion(tree[2]!, 2, 5, [proof[0]!.subarray(0, 31), ...proof.slice(1)], root)).toBe(false);
    expect(verifyInclusion(tree[2]!, 2, 5, null as unknown as Buffer[], root)).toBe(false);
    expect(verifyInclusion(tree[2]!, 2, 5, proof, undefined as unknown as Buffer)).toBe(false);
  });

  it('refuses to build proofs for leaves the tree does not have', () => {
    expect(() => inclusionProof(leaves(3), 3)).toThrow(MerkleRangeError);
    expect(() => inclusionProof([], 0)).toThrow(MerkleRangeError);
  });
});

describe('consistency proofs', () => {
  it('agrees with every published consistency probe', () => {
    expect(vectors.consistencyProbes.length).toBeGreaterThan(50);
    for (const p of vectors.consistencyProbes) {
      const ok = verifyConsistency(p.size1, p.size2, b64(p.root1), b64(p.root2), p.proof.map(b64));
      expect(ok, `${p.file}: ${p.desc}`).toBe(!p.wantErr);
    }
  });

  it('generates exactly the published happy-path proofs over the reference tree', () => {
    let checked = 0;
    for (const p of vectors.consistencyProbes.filter((q) => q.desc === 'happy path' && q.size2 <= 8)) {
      const tree = refLeafHashes.slice(0, p.size2);
      if (p.size1 === 0 || hex(rootFromLeafHashes(tree)) !== hex(b64(p.root2))) continue;
      expect(consistencyProof(tree, p.size1).map((h) => h.toString('base64'))).toEqual(p.proof);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('round-trips for every (old, new) up to 64 leaves and rejects tampering', () => {
    const all = leaves(64);
    const roots = Array.from({ length: 65 }, (_, n) => rootFromLeafHashes(all.slice(0, n)));
    for (let newSize = 1; newSize <= 64; newSize++) {
      const tree = all.slice(0, newSize);
      for (let oldSize = 1; oldSize <= newSize; oldSize++) {
        const proof = consistencyProof(tree, oldSize);
        const oldRoot = roots[oldSize]!;
        const newRoot = roots[newSize]!;
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof)).toBe(true);
        expect(verifyConsistency(oldSize, newSize, flip(oldRoot), newRoot, proof)).toBe(false);
        expect(verifyConsistency(oldSize, newSize, oldRoot, flip(newRoot), proof)).toBe(false);
        if (oldSize === newSize) {
          expect(proof).toEqual([]);
          continue;
        }
        expect(verifyConsistency(oldSize, newSize, newRoot, oldRoot, proof)).toBe(false);
        expect(verifyConsistency(oldSize + 1, newSize, oldRoot, newRoot, proof)).toBe(false);
        expect(verifyConsistency(oldSize, newSize * 2, oldRoot, newRoot, proof)).toBe(false);
        if (newSize < 64)
          expect(verifyConsistency(oldSize, newSize, oldRoot, roots[newSize + 1]!, proof)).toBe(false);
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof.slice(1))).toBe(false);
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, [...proof, oldRoot])).toBe(false);
        proof.forEach((_, i) => {
          const bad = proof.map((h, j) => (i === j ? flip(h, 100) : h));
          expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, bad)).toBe(false);
        });
      }
    }
  });

  it('handles the edge cases of RFC 9162 §2.1.4 without throwing', () => {
    const tree = leaves(6);
    const root = rootFromLeafHashes(tree);
    // Equal sizes: consistent iff the proof is empty and the roots match.
    expect(verifyConsistency(6, 6, root, root, [])).toBe(true);
    expect(verifyConsistency(6, 6, root, root, [root])).toBe(false);
    // The RFC defines proofs only from a non-empty tree.
    expect(verifyConsistency(0, 6, emptyRoot(), root, [])).toBe(false);
    expect(verifyConsistency(0, 0, emptyRoot(), emptyRoot(), [])).toBe(false);
    expect(() => consistencyProof(tree, 0)).toThrow(MerkleRangeError);
    expect(() => consistencyProof(tree, 7)).toThrow(MerkleRangeError);
    // Shrinking trees, garbage sizes and hashes.
    expect(verifyConsistency(6, 5, root, root, [])).toBe(false);
    expect(verifyConsistency(2, 6, root, root, [])).toBe(false);
    expect(verifyConsistency(Number.NaN, 6, root, root, [root])).toBe(false);
    expect(verifyConsistency(2, 6, root.subarray(2), root, [root])).toBe(false);
    expect(verifyConsistency(3, 6, root, root, 'x' as unknown as Buffer[])).toBe(false);
  });
});

describe('CompactRange', () => {
  it('matches rootFromLeafHashes at every size 0..100 and survives hex round trips', () => {
    const all = leaves(100);
    let range = CompactRange.empty();
    for (let size = 0; size <= 100; size++) {
      expect(range.size).toBe(size);
      expect(hex(range.root())).toBe(hex(rootFromLeafHashes(all.slice(0, size))));
      const saved = range.toHex();
      expect(saved.length).toBe(size.toString(2).replace(/0/g, '').length);
      range = CompactRange.fromHex(size, saved);
      if (size < 100) range.append(all[size]!);
    }
  });

  it('reproduces the published reference roots', () => {
    const range = CompactRange.empty();
    expect(hex(range.root())).toBe(vectors.rootsHexBySize[0]);
    refLeafHashes.forEach((leaf, i) => {
      range.append(leaf);
      expect(hex(range.root())).toBe(vectors.rootsHexBySize[i + 1]);
    });
  });

  it('validates serialised ranges', () => {
    const hash = '00'.repeat(32);
    expect(() => CompactRange.fromHex(3, [hash])).toThrow(CompactRangeError);
    expect(() => CompactRange.fromHex(0, [hash])).toThrow(CompactRangeError);
    expect(() => CompactRange.fromHex(-1, [])).toThrow(CompactRangeError);
    expect(() => CompactRange.fromHex(1.5, [hash])).toThrow(CompactRangeError);
    expect(() => CompactRange.fromHex(1, ['AB'.repeat(32)])).toThrow(CompactRangeError);
    expect(() => CompactRange.fromHex(1, ['00'])).toThrow(CompactRangeError);
    expect(CompactRange.fromHex(2 ** 40 + 1, [hash, hash]).size).toBe(2 ** 40 + 1);
    expect(() => CompactRange.empty().append(Buffer.alloc(31))).toThrow(CompactRangeError);
  });

  it('clones independently', () => {
    const range = CompactRange.empty();
    range.append(leafHash('a'));
    const copy = range.clone();
    copy.append(leafHash('b'));
    expect(range.size).toBe(1);
    expect(copy.size).toBe(2);
    expect(hex(copy.root())).toBe(hex(rootFromLeafHashes([leafHash('a'), leafHash('b')])));
  });
});
