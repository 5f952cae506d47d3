import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { LOCAL_OPERATOR } from '../cli/context.js';
import { ParleyNode } from './parley-node.js';
import { verifyStorage } from '../workflows/audit/verify.js';

const PASSWORD = 'correct horse battery staple';

async function freshNode(): Promise<ParleyNode> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'parley-appender-')), 'node');
  const node = await ParleyNode.init({
    dataDir,
    party: 'RU',
    partyName: 'RU',
    adminId: 'admin',
    adminPassword: PASSWORD,
  });
  await node.addOffice(LOCAL_OPERATOR, { id: 'svr', name: 'SVR' });
  await node.addPrincipal(LOCAL_OPERATOR, {
    id: 'head',
    office: 'svr',
    role: 'head',
    title: '',
    password: PASSWORD,
  });
  await node.createChannel(LOCAL_OPERATOR, {
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
        node.postEntry(head, 'intel', { kind: 'note', body: { text: `n${i}` } }),
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
    await node.postEntry(head, 'intel', { kind: 'note', body: { text: 'first' } });
    // A second process on the same database (e.g. the CLI) appends to the same chain.
    const other = await ParleyNode.open(node.dataDir);
    await other.postEntry(head, 'intel', { kind: 'note', body: { text: 'from elsewhere' } });
    await other.close();
    const after = await node.postEntry(head, 'intel', { kind: 'note', body: { text: 'after' } });
    const chain = await node.storage.readChain('intel', 'RU', 0, 100);
    expect(chain.map((e) => e.seq)).toEqual(chain.map((_, i) => i));
    expect(after.seq).toBe(chain.length - 1);
    expect((await verifyStorage(node.storage)).failures).toEqual([]);
    await node.close();
  });
});
