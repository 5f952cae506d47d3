/**
 * Two real node processes (RU and US) on 127.0.0.1 federating over HTTP: pinning, a channel
 * proposed by one and accepted by the other, entries and receipts flowing both ways, delivery
 * state that only says "delivered" with the receiving node's signed receipt, live updates across
 * nodes, identical replicas that both verify, and refusal of unsigned federation requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { databasePath } from '../src/node/data-dir.js';
import { api, eventually, peerUp, runCli, startParty, type PartyNode } from './support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

beforeAll(async () => {
  [ru, us] = await Promise.all([startParty('RU'), startParty('US')]);
  peerUp(ru, us);
});

afterAll(async () => {
  await Promise.all([ru?.serve.stop(), us?.serve.stop()]);
});

interface Channel {
  id: string;
  state: string;
}
interface Entry {
  id: string;
  seq: number;
  party: string;
  kind: string;
  hash: string;
  body: Record<string, unknown>;
}

async function chainSnapshot(node: PartyNode, channel: string): Promise<string[]> {
  const storage = SqliteStorage.open(databasePath(node.dataDir), { readonly: true });
  try {
    const heads = await storage.listChainHeads(channel);
    const all: string[] = [];
    for (const head of heads) {
      for (const e of await storage.readChain(channel, head.party, 0, 1_000_000))
        all.push(`${e.party}/${e.seq}/${e.hash}/${e.sig}`);
    }
    return all.sort();
  } finally {
    await storage.close();
  }
}

describe('two federated nodes', () => {
  it('refuses to pin a peer whose key does not match the fingerprint given out of band', () => {
    const wrong = runCli([
      'peer',
      'add',
      us.url,
      '--party',
      'US',
      '--fingerprint',
      ru.fingerprint,
      '--data-dir',
      ru.dataDir,
    ]);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('fingerprint mismatch');
  });

  it('pins a peer through the API only for an administrator and only with the right fingerprint', async () => {
    const pin = (user: string, body: Record<string, unknown>) => api(ru, user, 'POST', '/api/v1/peers', body);
    const wrong = await pin('admin', { url: us.url, party: 'US', fingerprint: ru.fingerprint });
    expect(wrong.status).toBe(403);
    expect(JSON.stringify(wrong.body)).toContain('fingerprint mismatch');
    const notAdmin = await pin('ru-head', { url: us.url, party: 'US', fingerprint: us.fingerprint });
    expect(notAdmin.status).toBe(403);
    expect((await pin('admin', { url: 'ftp://x', party: 'US', fingerprint: us.fingerprint })).status).toBe(
      400,
    );
    expect((await pin('admin', { url: us.url, party: 'NATO', fingerprint: us.fingerprint })).status).toBe(
      403,
    );
    expect((await pin('admin', { url: us.url, party: 'RU', fingerprint: us.fingerprint })).status).toBe(400);
    const pinned = await pin('admin', { url: us.url, party: 'US', fingerprint: us.fingerprint });
    expect(pinned.status).toBe(201);
    expect(pinned.body).toMatchObject({ party: 'US', fingerprint: us.fingerprint });
  });

  it('creates a channel that is proposed until the other party accepts it with a signed entry', async () => {
    const created = await api<Channel>(ru, 'admin', 'POST', '/api/v1/channels', {
      id: 'intel',
      name: 'Intelligence services',
      offices: ['ru-ops'],
      peers: { US: ['us-ops'] },
      languages: ['ru', 'en'],
    });
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('proposed');
    // RU cannot write before US accepts.
    const early = await api(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'note',
      body: { text: 'too early' },
    });
    expect(early.status).toBe(409);

    await eventually(
      async () =>
        (await api<Channel>(us, 'admin', 'GET', '/api/v1/channels/intel')).body.state === 'proposed',
      20_000,
      'proposal at US',
    );
    const accepted = await api<Channel>(us, 'admin', 'POST', '/api/v1/channels/intel/accept');
    expect(accepted.status).toBe(200);
    expect(accepted.body.state).toBe('active');
    await eventually(
      async () => (await api<Channel>(ru, 'admin', 'GET', '/api/v1/channels/intel')).body.state === 'active',
      20_000,
      'activation at RU',
    );
  });

  it('delivers a FLASH entry, proves delivery with a signed receipt, and carries the read-back back', async () => {
    const sent = await api<Entry>(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'note',
      precedence: 'FLASH',
      lang: 'ru',
      body: { text: 'Уведомляем о запланированных учениях с 21 по 23 февраля.' },
    });
    expect(sent.status).toBe(201);
    const path = `/api/v1/channels/intel/entries/RU/${sent.body.seq}/delivery`;

    const inbox = await eventually(
      async () => {
        const result = await api<{ entries: Entry[] }>(us, 'us-duty', 'GET', '/api/v1/inbox');
        return result.body.entries.find((e) => e.id === sent.body.id);
      },
      20_000,
      'entry at US',
    );
    expect(inbox.hash).toBe(sent.body.hash);

    await eventually(
      async () => {
        const state = await api<{ parties: Array<{ party: string; state: string }> }>(
          ru,
          'ru-head',
          'GET',
          path,
        );
        return state.body.parties.find((p) => p.party === 'US')?.state === 'delivered';
      },
      20_000,
      'delivered state at RU',
    );

    const ack = await api(
      us,
      'us-duty',
      'POST',
      `/api/v1/channels/intel/entries/RU/${sent.body.seq}/receipts`,
      {
        level: 'understood',
        readBack: 'You will hold an exercise from 21 to 23 February.',
      },
    );
    expect(ack.status).toBe(201);
    const final = await eventually(
      async () => {
        const state = await api<{
          parties: Array<{ party: string; state: string; receipts: Array<{ by: string }> }>;
        }>(ru, 'ru-head', 'GET', path);
        const us = state.body.parties.find((p) => p.party === 'US');
        return us?.state === 'understood' ? us : undefined;
      },
      20_000,
      'understood state at RU',
    );
    expect(final.receipts[0]!.by).toBe('us-duty');
  });

  it('pushes entries from the other node to a live subscriber without polling', async () => {
    const controller = new AbortController();
    const tail = await api<{ entries: Entry[]; next: number }>(
      ru,
      'ru-duty',
      'GET',
      '/api/v1/channels/intel/entries?limit=1000',
    );
    const response = await fetch(`${ru.url}/api/v1/channels/intel/events?after=${tail.body.next}`, {
      headers: { authorization: `Bearer ${ru.tokens['ru-duty']}` },
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const sent = await api<Entry>(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'note',
      lang: 'en',
      body: { text: 'Coordinates follow.' },
    });
    let received = '';
    const decoder = new TextDecoder();
    while (!received.includes(`"id":"${sent.body.id}"`)) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value);
    }
    controller.abort();
    expect(received).toContain(sent.body.hash);
  });

  it('suspends and resumes a channel only with the signed agreement of every party', async () => {
    interface Status {
      state: string;
      change: {
        id: string;
        hash: string;
        by: string;
        party: string;
        reason: string;
        at: string;
        waitingFor: string[];
      } | null;
    }
    const status = (node: PartyNode) =>
      api<Status>(node, node === ru ? 'ru-duty' : 'us-duty', 'GET', '/api/v1/channels/intel/state');
    // A duty officer cannot propose it; the head of the office can.
    const notHead = await api(ru, 'ru-duty', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'channel-change',
      body: { change: 'suspend', reason: 'x' },
    });
    expect(notHead.status).toBe(403);
    const proposal = await api<Entry>(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'channel-change',
      lang: 'en',
      body: { change: 'suspend', reason: 'Consultations in capitals' },
    });
    expect(proposal.status).toBe(201);
    // One party alone changes nothing.
    expect((await status(ru)).body).toMatchObject({ state: 'active', change: { waitingFor: ['US'] } });
    const seen = await eventually(
      async () => {
        const s = (await status(us)).body;
        return s.change?.id === proposal.body.id ? s : undefined;
      },
      20_000,
      'proposal at US',
    );
    expect(seen.change).toMatchObject({ by: 'ru-head', party: 'RU', reason: 'Consultations in capitals' });
    const agree = await api(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'channel-change-agree',
      lang: 'en',
      body: { of: { party: 'RU', seq: proposal.body.seq, hash: proposal.body.hash } },
    });
    expect(agree.status).toBe(201);
    for (const node of [us, ru]) {
      await eventually(
        async () => (await status(node)).body.state === 'suspended',
        20_000,
        `suspended at ${node.party}`,
      );
    }
    const refused = await api<{ error: { code: string } }>(
      ru,
      'ru-duty',
      'POST',
      '/api/v1/channels/intel/entries',
      { kind: 'note', lang: 'en', body: { text: 'while suspended' } },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('channel_not_active');

    const resume = await api<Entry>(us, 'us-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'channel-change',
      lang: 'en',
      body: { change: 'resume', reason: 'Consultations concluded' },
    });
    expect(resume.status).toBe(201);
    await eventually(
      async () => (await status(ru)).body.change?.id === resume.body.id,
      20_000,
      'resume proposal at RU',
    );
    expect((await status(ru)).body.state).toBe('suspended');
    const agreeResume = await api(ru, 'ru-head', 'POST', '/api/v1/channels/intel/entries', {
      kind: 'channel-change-agree',
      lang: 'en',
      body: { of: { party: 'US', seq: resume.body.seq, hash: resume.body.hash } },
    });
    expect(agreeResume.status).toBe(201);
    for (const node of [ru, us]) {
      await eventually(
        async () => (await status(node)).body.state === 'active',
        20_000,
        `active again at ${node.party}`,
      );
    }
  });

  it('ends with identical replicas on both nodes that both verify', async () => {
    for (let i = 0; i < 20; i += 1) {
      await api(i % 2 ? ru : us, i % 2 ? 'ru-duty' : 'us-duty', 'POST', '/api/v1/channels/intel/entries', {
        kind: 'note',
        lang: 'en',
        body: { text: `burst ${i}` },
      });
    }
    const settled = await eventually(
      async () => {
        const [a, b] = await Promise.all([chainSnapshot(ru, 'intel'), chainSnapshot(us, 'intel')]);
        return a.length > 40 && a.join() === b.join() ? a : undefined;
      },
      30_000,
      'identical replicas',
    );
    expect(settled.some((e) => e.startsWith('US/'))).toBe(true);
    for (const node of [ru, us]) {
      const verify = runCli(['verify', '--data-dir', node.dataDir, '--json']);
      expect(verify.status, verify.stdout).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, chains: 2 });
    }
  });

  it("shows each node's checkpoint with the other party's witness cosignature", async () => {
    const cosigned = await eventually(
      async () => {
        const result = await api<{
          chains: Array<{
            party: string;
            size: number;
            cosignatures: Array<{ witness: string; note: string }>;
          }>;
        }>(ru, 'ru-duty', 'GET', '/api/v1/channels/intel/checkpoints');
        const own = result.body.chains.find((c) => c.party === 'RU');
        return own?.cosignatures.find((c) => c.witness === 'US');
      },
      20_000,
      'a US cosignature of the RU checkpoint',
    );
    expect(cosigned.note).toContain('— parley-witness-US ');
    expect(cosigned.note).toContain('parley/RU/intel\n');
    const alerts = await api<{ equivocations: unknown[]; forks: unknown[] }>(
      us,
      'us-duty',
      'GET',
      '/api/v1/alerts',
    );
    expect(alerts.body).toMatchObject({ equivocations: [], forks: [] });
  });

  it('refuses unsigned and unknown-peer federation requests', async () => {
    const unsigned = await fetch(`${ru.url}/federation/v1/entries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entries: [], checkpoints: [] }),
    });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('request_unsigned');
    const peers = await api<{ peers: Array<{ party: string; status: string }> }>(
      ru,
      'ru-duty',
      'GET',
      '/api/v1/peers',
    );
    expect(peers.body.peers).toEqual([expect.objectContaining({ party: 'US', status: 'up' })]);
  });
});
