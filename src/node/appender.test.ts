import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { LOCAL_OPERATOR } from '../cli/context.js';
import type { ParleyNode } from './parley-node.js';
import { initNode, openNode } from '../workflows/open-node.js';
import { verifyStorage } from '../workflows/audit/verify.js';
import { createChannel } from '../workflows/channels/commands.js';
import { addOffice, addPrincipal } from '../workflows/directory/commands.js';
import { postEntry } from '../workflows/entries/commands.js';

const PASSWORD = 'correct horse battery staple';

async function freshNode(): Promise<ParleyNode> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'parley-appender-')), 'node');
  const node = await initNode({
    dataDir,
    party: 'RU',
    partyName: 'RU',
    adminId: 'admin',
    adminPassword: PASSWORD,
  });
  await addOffice(node, LOCAL_OPERATOR, { id: 'svr', name: 'SVR' });
  await addPrincipal(node, LOCAL_OPERATOR, {
    id: 'head',
    office: 'svr',
    role: 'head',
    title: '',
    password: PASSWORD,
  });
  await createChannel(node, LOCAL_OPERATOR, {
    id: 'intel',
    name: 'Intel',
    offices: ['svr'],
    languages: ['en'],
  });
  return node;
}

describe('group commit', () => {
  it('commits many concurrent appends in few transactions without forking the chain', async () => {
    const node = await freshNode();
    const head = (await node.storage.getPrincipal('head'))!;
    const batchesBefore = node.appender.batches;
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        postEntry(node, head, 'intel', { kind: 'note', body: { text: `n${i}` } }),
      ),
    );
    const seqs = results.map((r) => r.seq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(500);
    expect(seqs.at(-1)! - seqs[0]! + 1).toBe(500);
    expect(node.appender.batches - batchesBefore).toBeLessThan(50);
    expect((await verifyStorage(node.storage)).failures).toEqual([]);
    await node.close();
  });

  it('recovers when another writer appended to the same chain behind its back', async () => {
    const node = await freshNode();
    const head = (await node.storage.getPrincipal('head'))!;
    await postEntry(node, head, 'intel', { kind: 'note', body: { text: 'first' } });
    // A second process on the same database (e.g. the CLI) appends to the same chain.
    const other = await openNode(node.dataDir);
    await postEntry(other, head, 'intel', { kind: 'note', body: { text: 'from elsewhere' } });
    await other.close();
    const after = await postEntry(node, head, 'intel', { kind: 'note', body: { text: 'after' } });
    const chain = await node.storage.readChain('intel', 'RU', 0, 100);
    expect(chain.map((e) => e.seq)).toEqual(chain.map((_, i) => i));
    expect(after.seq).toBe(chain.length - 1);
    expect((await verifyStorage(node.storage)).failures).toEqual([]);
    await node.close();
  });
});
