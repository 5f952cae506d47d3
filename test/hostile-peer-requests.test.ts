// A hostile peer's requests refused: forged, replayed, stale, misdirected, malformed, oversize, floods, lies.
import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { signChainCheckpoint } from '../src/core/chain-checkpoint.js';
import { generateKeyPair } from '../src/core/keys.js';
import { HostilePeer } from './support/hostile-peer.js';
import { CHANNEL, FLOOD_LIMIT, flood, useHostileScene } from './support/hostile-scene.js';
import { api, runCli, METRICS_AUTH, type PartyNode } from './support/node-process.js';

const scene = useHostileScene();
const { xxChain, openRu, snapshot, expectLogged, expectRefused, honestNoteArrives } = scene;
let ru: PartyNode;
let us: PartyNode;
let xx: HostilePeer;
let xy: HostilePeer;
beforeAll(async () => {
  ({ ru, us, xx, xy } = scene);
  // XX's chain begins, so that it has entries to re-send and a head to sign a checkpoint of.
  await scene.acceptCharter();
});

describe('a hostile pinned peer', () => {
  it('cannot forge request signatures, not even naming another peer as sender', async () => {
    const batch = { entries: [], checkpoints: [] };
    await expectRefused(
      () => xx.send(batch, { key: generateKeyPair() }),
      401,
      'request_signature_invalid',
      'federation request refused',
    );
    // Signed with XX's real key but claiming to come from US.
    await expectRefused(
      () => xx.send(batch, { from: 'US' }),
      401,
      'request_signature_invalid',
      'federation request refused',
    );
    // Unknown sender.
    await expectRefused(
      () => xx.send(batch, { from: 'ZZ' }),
      401,
      'peer_unknown',
      'federation request refused',
    );
  });

  it('cannot replay a request; re-sending a stored entry changes nothing', async () => {
    const request = xx.sign({ entries: [], checkpoints: [] });
    expect((await HostilePeer.deliver(request)).status).toBe(200);
    await expectRefused(
      () => HostilePeer.deliver(request),
      401,
      'request_replayed',
      'federation request refused',
    );

    // The stored entries, byte for byte, in a fresh request: idempotent.
    const storage = openRu();
    const stored = await storage.readChain(CHANNEL, 'XX', 0, 100);
    await storage.close();
    const before = await snapshot();
    const again = await xx.push(
      stored.map((e) => ({
        channel: e.channel,
        party: e.party,
        seq: e.seq,
        canonical: e.canonical,
        sig: e.sig,
      })),
    );
    expect(again, again.message).toMatchObject({
      status: 200,
      body: { held: { [CHANNEL]: xxChain.length } },
    });
    expect(await snapshot()).toBe(before);
  });

  it('cannot send stale, future-dated or misdirected requests', async () => {
    const batch = { entries: [], checkpoints: [] };
    await expectRefused(
      () => xx.send(batch, { now: Date.now() - 10 * 60_000 }),
      401,
      'request_expired',
      'federation request refused',
    );
    await expectRefused(
      () => xx.send(batch, { now: Date.now() + 10 * 60_000 }),
      401,
      'request_expired',
      'federation request refused',
    );
    await expectRefused(
      () => xx.send(batch, { to: 'US' }),
      401,
      'request_misdirected',
      'federation request refused',
    );
  });

  it('cannot get malformed, mistyped or oversize batches past the edge', async () => {
    // Refused by the parser, the size limit or the schema, before the receiver sees anything.
    const edge = (body: unknown, status: number, code: string, contentType?: string) =>
      expectRefused(
        () => xx.send(body, contentType ? { contentType } : {}),
        status,
        code,
        'federation request refused',
        undefined,
        `"status":${status}`,
      );
    await edge('{"entries": [', 400, 'malformed_json');
    await edge('', 400, 'malformed_json');
    await edge('{"entries":[],"checkpoints":[]}', 415, 'unsupported_media_type', 'text/plain');
    const wire = { channel: CHANNEL, party: 'XX', seq: 99, canonical: '{}', sig: 'x' };
    const invalid: unknown[] = [
      { entries: [] },
      { entries: {}, checkpoints: [] },
      { entries: [{ ...wire, seq: '99' }], checkpoints: [] },
      { entries: [{ ...wire, seq: -1 }], checkpoints: [] },
      { entries: [{ ...wire, seq: 1.5 }], checkpoints: [] },
      { entries: [{ ...wire, party: 'xx' }], checkpoints: [] },
      { entries: [{ ...wire, channel: '../etc' }], checkpoints: [] },
      { entries: [{ ...wire, extra: true }], checkpoints: [] },
      { entries: [], checkpoints: [], extra: 1 },
      { entries: [{ ...wire, canonical: 'x'.repeat(300_001) }], checkpoints: [] },
      { entries: [], checkpoints: [{ channel: CHANNEL, party: 'XX', note: 5 }] },
      [],
      null,
      '"a string"',
      // More entries than a batch may hold.
      { entries: Array.from({ length: 2001 }, (_, i) => ({ ...wire, seq: i })), checkpoints: [] },
    ];
    for (const body of invalid) await edge(body, 400, 'validation_failed');
    // Over the 32 MiB federation body limit. The node refuses on the declared length before reading
    // the body, so only the headers are sent first (the body follows only if no answer comes):
    // sending 33 MiB into a connection the node has already answered and closed would fail with
    // EPIPE on this side and hide the answer.
    const oversize = xx.sign(
      JSON.stringify({ entries: [], checkpoints: [], pad: 'x'.repeat(33 * 1024 * 1024) }),
    );
    const before = await snapshot();
    const answer = await new Promise<{ status: number; code: string | undefined }>((resolve, reject) => {
      const req = httpRequest(
        oversize.url,
        {
          method: 'POST',
          headers: { ...oversize.headers, 'content-length': String(Buffer.byteLength(oversize.body)) },
        },
        (res) => {
          clearTimeout(fallback);
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => {
            req.destroy();
            resolve({
              status: res.statusCode ?? 0,
              code: (JSON.parse(text) as { error?: { code?: string } }).error?.code,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', () => {}); // the node hangs up after answering
      req.flushHeaders();
      const fallback = setTimeout(() => req.end(oversize.body), 5000);
    });
    expect(answer).toEqual({ status: 413, code: 'payload_too_large' });
    expect(await snapshot()).toEqual(before);
  });

  it('is told to slow down when it floods, while other peers and the honest channel keep working', async () => {
    const empty = { entries: [], checkpoints: [] };
    // Forged requests naming XY as their sender are refused and must not use up XY's allowance.
    const spoofed = await flood(FLOOD_LIMIT + 100, () => xx.send(empty, { from: 'XY' }));
    expect(Object.fromEntries(spoofed)).toEqual({ 401: FLOOD_LIMIT + 100 });

    // XY's own flood: a full allowance, then 429 with Retry-After, never a 5xx.
    const mark = ru.serve.output().length;
    const own = await flood(FLOOD_LIMIT * 2, () => xy.send(empty), true);
    expect(own.get(200) ?? 0).toBeGreaterThanOrEqual(FLOOD_LIMIT);
    expect(own.get(429) ?? 0).toBeGreaterThan(0);
    expect([...own.keys()].sort()).toEqual([200, 429]);
    const limited = await xy.send(empty);
    expect({ status: limited.status, code: limited.code }).toEqual({
      status: 429,
      code: 'too_many_requests',
    });
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    await expectLogged(mark, 'federation request refused', '"code":"too_many_requests"');

    // While XY is limited, another peer is not, and both directions of the honest channel work.
    expect((await xx.send(empty)).status).toBe(200);
    await honestNoteArrives(us, ru, 'during the flood', 5000);
    await honestNoteArrives(ru, us, 'during the flood, the other way', 5000);
  });

  it('is caught signing a checkpoint its own entries contradict: evidence kept, alert raised, verify fails', async () => {
    const reader = openRu();
    const head = (await reader.getChainHead(CHANNEL, 'XX'))!;
    await reader.close();
    const lie = signChainCheckpoint(CHANNEL, 'XX', head.size, Buffer.alloc(32, 7), xx.key.privateKey);
    const answer = await xx.send({
      entries: [],
      checkpoints: [{ channel: CHANNEL, party: 'XX', note: lie }],
    });
    expect(answer.status).toBe(200);
    expect(answer.body?.cosigned).toEqual([]);

    const alerts = await api<{ equivocations: Array<{ channel: string; party: string; noteA: string }> }>(
      ru,
      'ru-duty',
      'GET',
      '/api/v1/alerts',
    );
    expect(alerts.body.equivocations).toEqual([
      expect.objectContaining({ channel: CHANNEL, party: 'XX', noteA: lie }),
    ]);
    const metrics = await fetch(`${ru.url}/metrics`, { headers: METRICS_AUTH }).then((r) => r.text());
    expect(metrics).toMatch(/^parley_equivocations 1$/m);
    const verify = runCli(['verify', '--data-dir', ru.dataDir, '--json']);
    expect(verify.status).toBe(1);
    expect(JSON.parse(verify.stdout).failures).toContainEqual(
      expect.objectContaining({ entry: `${CHANNEL}/XX`, rule: 'equivocation_detected' }),
    );
  });
});
