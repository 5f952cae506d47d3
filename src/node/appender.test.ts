import { describe, expect, it } from 'vitest';
import { LOCAL_OPERATOR } from '../cli/local-node.js';
import { ParleyError } from '../core/errors.js';
import type { Principal } from '../core/model.js';
import type { EntryDraft } from './appender.js';
import type { ParleyNode } from './parley-node.js';
import { openNode } from '../workflows/open-node.js';
import { verifyStorage } from '../workflows/audit/verify.js';
import { createChannel } from '../workflows/channels/commands.js';
import { addOffice } from '../workflows/directory/commands.js';
import { addPerson, newNode } from '../workflows/test-support/new-node.js';
import { postEntry } from '../workflows/entries/commands.js';
import { unlockedActor } from '../../test/support/unlocked.js';

async function freshNode(): Promise<ParleyNode> {
  const { node } = await newNode('RU', {
    prefix: 'parley-appender-',
    office: { id: 'svr', name: 'SVR' },
    people: [['head', 'head']],
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
    const head = await unlockedActor(node.storage, 'head');
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
    const head = await unlockedActor(node.storage, 'head');
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

describe('one bad draft fails only its own append', () => {
  it('refuses poisoned drafts alone while 300 concurrent appends across channels succeed', async () => {
    const node = await freshNode();
    await addOffice(node, LOCAL_OPERATOR, { id: 'gru', name: 'GRU' });
    await addPerson(node, 'other', 'gru', 'duty-officer');
    await createChannel(node, LOCAL_OPERATOR, {
      id: 'ops',
      name: 'Ops',
      offices: ['gru'],
      languages: ['en'],
    });
    const head = await unlockedActor(node.storage, 'head');
    const other = await unlockedActor(node.storage, 'other');
    const draft = (principal: Principal, channel: string, body: EntryDraft['body']): EntryDraft => ({
      channel,
      kind: 'note',
      precedence: 'ROUTINE',
      lang: 'en',
      body,
      author: principal.id,
      authorKey: principal.publicKey,
      signingKey: principal.privateKey,
    });
    const poisons: Array<EntryDraft['body']> = [
      { text: 'x\ud800' },
      { text: 'x', nested: { deeper: { ключ: 1 } } },
      { text: 'x', count: 1.5 },
      { text: 'x', count: -0 },
    ];
    const before = await node.storage.countEntries();
    const attempts = Array.from({ length: 300 }, (_, i) => {
      const [principal, channel] = i % 2 === 0 ? [head, 'intel'] : [other, 'ops'];
      const poisoned = i % 29 === 7;
      const body = poisoned ? poisons[i % poisons.length]! : { text: `good ${i}` };
      // A caller appending several drafts at once fails whole if any of them is bad.
      const drafts =
        poisoned && i % 4 === 0
          ? [draft(principal, channel, { text: `pair ${i}` }), draft(principal, channel, body)]
          : [draft(principal, channel, body)];
      return {
        poisoned,
        result: node.appender.append(drafts).then(
          (entries) => ({ ok: true as const, entries }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      };
    });
    // A poisoned append through the node's own API as well (zod lets a lone surrogate through).
    const viaNode = postEntry(node, head, 'intel', { kind: 'note', body: { text: 'y\udfff' } }).then(
      () => null,
      (error: unknown) => error,
    );
    const outcomes = await Promise.all(attempts.map(async (a) => ({ ...a, outcome: await a.result })));
    const good = outcomes.filter((o) => !o.poisoned);
    const bad = outcomes.filter((o) => o.poisoned);
    expect(bad.length).toBeGreaterThanOrEqual(10);
    expect(good.filter((o) => !o.outcome.ok)).toEqual([]);
    for (const { outcome } of bad) {
      expect(outcome.ok).toBe(false);
      const error = (outcome as { error: unknown }).error;
      expect(error).toBeInstanceOf(ParleyError);
      expect((error as ParleyError).code).toBe('body_invalid');
      expect((error as ParleyError).status).toBe(400);
      expect((error as ParleyError).message).toMatch(/^body\./);
    }
    const refused = await viaNode;
    expect(refused).toBeInstanceOf(ParleyError);
    expect((refused as ParleyError).message).toBe('body.text: lone surrogate in string');
    const written = good.reduce((sum, o) => sum + (o.outcome.ok ? o.outcome.entries.length : 0), 0);
    expect(await node.storage.countEntries()).toBe(before + written);
    const texts = [
      ...(await node.storage.readChain('intel', 'RU', 0, 1000)),
      ...(await node.storage.readChain('ops', 'RU', 0, 1000)),
    ].map((e) => JSON.stringify((JSON.parse(e.canonical) as { body: unknown }).body));
    // Bodies only: a clock stamp such as "…:01.5…" is not a poisoned `count: 1.5`.
    expect(texts.filter((t) => /pair|\\ud800|\\udfff|ключ|"count"/.test(t))).toEqual([]);
    expect((await verifyStorage(node.storage)).failures).toEqual([]);
    await node.close();
  });
});
