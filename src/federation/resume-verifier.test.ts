/**
 * Resuming a chain's verifier from storage (resume-verifier.ts) reads only the chain's key
 * entries, yet must stand exactly where a verifier that read every entry stands: the same size,
 * head hash, published and revoked keys and `seen`, so the next entry is judged the same way.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_OPERATOR } from '../cli/local-node.js';
import { ChainVerifier } from '../core/verify-chain.js';
import { createChannel } from '../workflows/channels/commands.js';
import { rotateOwnKey, revokeKey } from '../workflows/directory/key-rotation.js';
import { postEntry } from '../workflows/entries/commands.js';
import { newNode, TEST_PASSWORD } from '../workflows/test-support/new-node.js';
import { unlockedActor } from '../../test/support/unlocked.js';
import { resumeVerifier } from './resume-verifier.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('resumeVerifier', () => {
  it('stands where reading the whole chain stands, key rotations and revocations included', async () => {
    const { dir, node } = await newNode('RU', {
      prefix: 'parley-resume-',
      office: { id: 'ru-ops', name: 'RU operations' },
      people: [
        ['ru-head', 'head'],
        ['ru-duty', 'duty-officer'],
      ],
    });
    cleanups.push(async () => {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    });
    for (const id of ['intel', 'other']) {
      await createChannel(node, LOCAL_OPERATOR, {
        id,
        name: id,
        offices: ['ru-ops'],
        peers: {},
        languages: ['en'],
      });
    }
    let duty = await unlockedActor(node.storage, 'ru-duty');
    const note = (channel: string, text: string) =>
      postEntry(node, duty, channel, { kind: 'note', body: { text } });
    for (let i = 0; i < 30; i += 1) await note(i % 3 === 0 ? 'other' : 'intel', `note ${i}`);
    // The duty officer rotates their key (publication + revocation), the head's key is revoked.
    await rotateOwnKey(node, (await node.storage.getPrincipal('ru-duty'))!, {
      password: TEST_PASSWORD,
      ip: null,
    });
    duty = await unlockedActor(node.storage, 'ru-duty');
    for (let i = 0; i < 5; i += 1) await note('intel', `after rotation ${i}`);
    await revokeKey(node, LOCAL_OPERATOR, 'ru-head', { reason: 'device lost', ip: null });
    await note('intel', 'last');

    const head = (await node.storage.getChainHead('intel', 'RU'))!;
    const chain = await node.storage.readChain('intel', 'RU', 0, head.size);
    expect(chain.filter((e) => e.kind === 'principal-key-revoke')).toHaveLength(2);
    const full = new ChainVerifier(node.kinds, 'intel', 'RU', node.nodePublicKey);
    for (const entry of chain) full.push(entry);
    expect(full.failures).toEqual([]);

    const resumed = await resumeVerifier(node.kinds, node.storage, 'intel', 'RU', node.nodePublicKey);
    const { tree: resumedTree, ...resumedState } = resumed.state;
    const { tree: fullTree, ...fullState } = full.state;
    expect(resumedState).toEqual(fullState);
    expect(resumedTree.root().equals(fullTree.root())).toBe(true);
    expect([...resumed.state.revokedKeys.keys()].sort()).toEqual(['ru-duty', 'ru-head']);
  });
});
