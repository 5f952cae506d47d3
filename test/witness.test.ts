/**
 * The witness recomputes the root of a chain at the size a checkpoint names. It keeps the trees
 * it computed, so checkpoints of growing sizes cost only the entries since; these checks make
 * sure the kept trees give the same answers as a full re-read, in any order of sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signChainCheckpoint } from '../src/core/chain-checkpoint.js';
import { CompactRange, leafHash } from '../src/core/merkle.js';
import { federationContextOf } from '../src/federation/node-context.js';
import { Witness } from '../src/federation/witness.js';
import { readNodeKey } from '../src/node/data-dir.js';
import type { ParleyNode } from '../src/node/parley-node.js';
import { openNode } from '../src/workflows/open-node.js';
import { prepareNode } from './support/node-process.js';

let node: ParleyNode;
let nodeKey: string;

beforeAll(async () => {
  const fixture = await prepareNode();
  node = await openNode(fixture.dataDir);
  nodeKey = readNodeKey(fixture.dataDir);
  const channel = (await node.storage.getChannel('intel'))!;
  for (let i = 0; i < 40; i += 1)
    await node.appendNodeEntry(channel, 'received', { of: { party: 'RU', seq: 0, hash: '0'.repeat(64) } });
});

afterAll(async () => {
  await node?.close();
});

/** A checkpoint of RU's chain at `size`, signed by the node key, with the true root or another. */
async function checkpoint(size: number, forged = false): Promise<string> {
  const tree = CompactRange.empty();
  for (const entry of await node.storage.readChain('intel', 'RU', 0, size))
    tree.append(leafHash(entry.canonical));
  const root = forged ? Buffer.alloc(32, 7) : tree.root();
  return signChainCheckpoint('intel', 'RU', size, root, nodeKey);
}

describe('Witness.check at older sizes', () => {
  it('agrees with a full re-read whether sizes grow, shrink or jump, and catches a forged root', async () => {
    const witness = new Witness(federationContextOf(node));
    const head = (await node.storage.getChainHead('intel', 'RU'))!.size;
    expect(head).toBeGreaterThan(30);
    for (const size of [10, 20, 5, 25, 3, 30]) {
      expect(await witness.check('intel', 'RU', await checkpoint(size), 'US'), `size ${size}`).toBe(
        'consistent',
      );
    }
    expect(await witness.check('intel', 'RU', await checkpoint(head + 1), 'US')).toBe('ahead');
    // A root for size 15 that the entries contradict, checked after trees at 10 and 20 were kept.
    expect(await witness.check('intel', 'RU', await checkpoint(15, true), 'US')).toBe('equivocation');
    expect((await node.storage.listEquivocations()).some((e) => e.detail.includes('at size 15'))).toBe(true);
  });
});
