/**
 * The scene of the hostile-peer tests: an honest node RU (a `parley serve` process, its
 * federation rate limit lowered to FLOOD_LIMIT) federating with an honest US over `intel`, and
 * two pinned hostile peers driven from the test process: XX, which shares the channel `hostile`
 * with RU, and XY, used only for the flood (so its rate-limit window starts fresh). An attempt
 * is refused when its code is right, RU's store is left as it was and RU's log shows it.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { generateKeyPair } from '../../src/core/keys.js';
import { databasePath } from '../../src/node/data-dir.js';
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { HostilePeer, type Answer } from './hostile-peer.js';
import { api, eventually, openChannel, peerUp, startParty, type PartyNode } from './node-process.js';

export const CHANNEL = 'hostile';
export const FLOOD_LIMIT = 500;

interface Entry {
  id: string;
  hash: string;
  hlc?: string;
}

/** Methods are arrow functions, so that a test file may take them out of the scene by name. */
export class HostileScene {
  ru!: PartyNode;
  us!: PartyNode;
  xx!: HostilePeer;
  /** A second pinned hostile peer, used only for the flood (so its rate-limit window starts fresh). */
  xy!: HostilePeer;
  /** Hash of RU's charter of `hostile` (RU seq 0), which XX's acceptance names. */
  charterHash!: string;
  /** XX's stored chain so far: hash of each entry. */
  readonly xxChain: string[] = [];
  /** XX's principal whose key XX publishes properly. */
  readonly xxHead = generateKeyPair();

  readonly start = async (): Promise<void> => {
    // A lower federation rate limit at RU, so the flood test needs few enough requests to land in
    // one window even on a slow, shared machine.
    [this.ru, this.us] = await Promise.all([
      startParty('RU', { PARLEY_FEDERATION_MAX_REQUESTS: String(FLOOD_LIMIT) }),
      startParty('US'),
    ]);
    peerUp(this.ru, this.us);
    this.xx = new HostilePeer('XX', this.ru.url, 'RU');
    this.xy = new HostilePeer('XY', this.ru.url, 'RU');
    const storage = this.openRu(false);
    try {
      // Pinned as an operator would after comparing fingerprints; nothing listens at their URL.
      for (const peer of [this.xx, this.xy]) {
        await storage.putPeer({
          party: peer.party,
          name: `Hostile party ${peer.party}`,
          url: 'http://127.0.0.1:9',
          nodePublicKey: peer.key.publicKey,
          addedAt: Date.now(),
        });
      }
    } finally {
      await storage.close();
    }

    // The honest channel, accepted by US.
    await openChannel(this.ru, this.us, { languages: ['en'] });

    // The channel RU shares with XX.
    const hostile = await api(this.ru, 'admin', 'POST', '/api/v1/channels', {
      id: CHANNEL,
      name: 'Talks with XX',
      offices: ['ru-ops'],
      peers: { XX: ['xx-ops'] },
      languages: ['en'],
    });
    expect(hostile.status).toBe(201);
    const reader = this.openRu();
    try {
      this.charterHash = (await reader.getEntry(CHANNEL, 'RU', 0))!.hash;
    } finally {
      await reader.close();
    }
  };

  readonly stop = async (): Promise<void> => {
    await Promise.all([this.ru?.serve.stop(), this.us?.serve.stop()]);
  };

  readonly openRu = (readonly = true): SqliteStorage =>
    SqliteStorage.open(databasePath(this.ru.dataDir), { readonly });

  /** Everything of RU's store that a hostile batch could change. */
  readonly snapshot = async (): Promise<string> => {
    const storage = this.openRu();
    try {
      const lines: string[] = [];
      for (const channel of await storage.listChannels()) {
        lines.push(`channel ${channel.id} ${channel.state}`);
        for (const head of await storage.listChainHeads(channel.id)) {
          // RU's and US's own chains in the honest channel move with honest traffic (receipts).
          if (channel.id === 'intel' && head.party !== 'XX') continue;
          lines.push(`head ${channel.id}/${head.party} ${head.size} ${head.hash} ${head.checkpoint}`);
        }
      }
      lines.push(`forks ${(await storage.listForks()).length}`);
      const peer = await storage.getPeer('XX');
      lines.push(`peer ${peer?.nodePublicKey}`);
      return lines.join('\n');
    } finally {
      await storage.close();
    }
  };

  /** Waits for RU's log to show a refusal line with `message` and `detail` after `mark`. */
  readonly expectLogged = async (mark: number, message: string, detail: string): Promise<void> => {
    await eventually(
      async () =>
        this.ru.serve
          .output()
          .slice(mark)
          .split('\n')
          .some((line) => line.includes(`"msg":"${message}"`) && line.includes(detail)),
      5000,
      `log line '${message}' with ${detail}`,
    );
  };

  /**
   * Runs an attempt and checks it is refused with `status`/`code` (and `reason` in the message),
   * that RU's store is unchanged and that the refusal was logged.
   */
  readonly expectRefused = async (
    attempt: () => Promise<Answer>,
    status: number,
    code: string,
    log: 'federation request refused' | 'federation batch refused',
    reason?: string,
    logged = `"code":"${code}"`,
  ): Promise<Answer> => {
    const before = await this.snapshot();
    const mark = this.ru.serve.output().length;
    const answer = await attempt();
    expect({ status: answer.status, code: answer.code }, answer.message).toEqual({ status, code });
    if (reason) expect(answer.message).toContain(reason);
    await this.expectLogged(mark, log, logged);
    expect(await this.snapshot()).toBe(before);
    return answer;
  };

  /** XX's next valid entry (node-authored unless a principal is given). */
  readonly nextXxEntry = (kind: string, body: Record<string, unknown>, principal?: string) =>
    this.xx.entry(CHANNEL, {
      seq: this.xxChain.length,
      prev: this.xxChain.at(-1) ?? null,
      kind,
      body: body as never,
      ...(principal
        ? { author: principal, authorKey: this.xxHead.publicKey, signingKey: this.xxHead.privateKey }
        : {}),
    });

  /** XX starts its chain with a valid acceptance of RU's charter; resolves once `hostile` is active. */
  readonly acceptCharter = async () => {
    const accept = this.nextXxEntry('charter-accept', {
      charter: { party: 'RU', hash: this.charterHash },
      nodeKey: this.xx.key.publicKey,
    });
    const ok = await this.xx.push([HostilePeer.wire(accept)]);
    expect(ok, ok.message).toMatchObject({ status: 200, body: { held: { [CHANNEL]: 1 } } });
    this.xxChain.push(accept.hash);
    await eventually(
      async () =>
        (await api<{ state: string }>(this.ru, 'admin', 'GET', `/api/v1/channels/${CHANNEL}`)).body.state ===
        'active',
      5000,
      'hostile channel active',
    );
    return accept;
  };

  /** Posts a note on `from` in the honest channel and waits until `to` holds it. */
  readonly honestNoteArrives = async (from: PartyNode, to: PartyNode, text: string, timeoutMs = 20_000) => {
    const lower = from.party.toLowerCase();
    const sent = await api<Entry>(from, `${lower}-duty`, 'POST', '/api/v1/channels/intel/entries', {
      kind: 'note',
      lang: 'en',
      body: { text },
    });
    expect(sent.status).toBe(201);
    const reader = `${to.party.toLowerCase()}-duty`;
    await eventually(
      async () => {
        const page = await api<{ entries: Entry[] }>(
          to,
          reader,
          'GET',
          `/api/v1/channels/intel/entries?limit=1000`,
        );
        return page.body.entries.some((e) => e.id === sent.body.id);
      },
      timeoutMs,
      `${from.party} note at ${to.party}`,
    );
    return sent.body;
  };
}

/** A scene started before the file's tests and stopped after them. */
export function useHostileScene(): HostileScene {
  const scene = new HostileScene();
  beforeAll(scene.start);
  afterAll(scene.stop);
  return scene;
}

/**
 * Sends up to `count` requests, 32 at a time, and counts the answers by status; with
 * `untilLimited`, stops once one is answered 429.
 */
export async function flood(
  count: number,
  make: () => Promise<Answer>,
  untilLimited = false,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count && !(untilLimited && statuses.has(429))) {
        next += 1;
        const { status } = await make();
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}
