/**
 * A peer back from an outage is caught up at once. While US is down, RU's loop to it fails and
 * backs off (doubling, here up to two minutes); US's own pull waits for its outbox lease, which
 * its killed process still holds (here for a minute). Neither wait applies: US tells its peers
 * it is up as soon as it starts, and RU's loop, hearing from US, pushes what it holds for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { api, eventually, openChannel, peerUp, startParty, type PartyNode } from './support/node-process.js';

const CHANNEL = 'intel';
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.allSettled(cleanup.map((c) => c()));
  cleanup = [];
});

async function holds(node: PartyNode, text: string): Promise<boolean> {
  const page = await api<{ entries: Array<{ body: { text?: string } }> }>(
    node,
    `${node.party.toLowerCase()}-duty`,
    'GET',
    `/api/v1/channels/${CHANNEL}/entries?limit=200`,
  );
  return page.status === 200 && page.body.entries.some((e) => e.body.text === text);
}

describe('a peer returning after an outage', () => {
  it("is caught up as soon as it is back, not after the sender's back-off or its own stale lease", async () => {
    const slow = { PARLEY_RETRY_MAX_MS: '120000', PARLEY_LEASE_MS: '60000' };
    const [ru, us] = await Promise.all([startParty('RU', slow), startParty('US', slow)]);
    cleanup.push(
      () => ru.serve.stop(),
      () => us.serve.stop(),
    );
    peerUp(ru, us);
    await openChannel(ru, us);

    await us.serve.kill9();
    const text = 'written while US was down';
    const posted = await api(ru, 'ru-duty', 'POST', `/api/v1/channels/${CHANNEL}/entries`, {
      kind: 'note',
      body: { text },
    });
    expect(posted.status).toBe(201);
    // Long enough for RU's loop to US to fail several times: its next try is seconds away.
    await eventually(
      async () => {
        const peers = await api<{ peers: Array<{ party: string; status: string }> }>(
          ru,
          'admin',
          'GET',
          '/api/v1/peers',
        );
        return peers.body.peers.some((p) => p.party === 'US' && p.status === 'down');
      },
      20_000,
      'the link to US reported down at RU',
    );
    await new Promise((r) => setTimeout(r, 6000));

    await us.restart();
    const back = Date.now();
    await eventually(() => holds(us, text), 4000, 'US to hold what RU wrote during the outage');
    console.log(`peer return: US held RU's entry ${Date.now() - back} ms after listening again`);
    expect(Date.now() - back).toBeLessThan(4000);
  }, 60_000);
});
