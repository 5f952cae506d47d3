/**
 * Federation over TLS: two nodes serving HTTPS with self-signed certificates, each peer pinned
 * with the other's node key fingerprint and its certificate (`--tls-ca`). Without the pinned
 * certificate the peer cannot be reached at all; with it, channels replicate as over HTTP.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, peerUp, runCli, startParty, tempDir, type PartyNode } from './support/node-process.js';

let ru: PartyNode;
let us: PartyNode;
const certs: Record<string, { cert: string; key: string }> = {};

function selfSigned(name: string): { cert: string; key: string } {
  const dir = tempDir('parley-tls-');
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

beforeAll(async () => {
  certs.RU = selfSigned('ru-node');
  certs.US = selfSigned('us-node');
  const start = (party: 'RU' | 'US') =>
    startParty(party, {}, ['--tls-cert', certs[party]!.cert, '--tls-key', certs[party]!.key]);
  [ru, us] = await Promise.all([start('RU'), start('US')]);
});

afterAll(async () => {
  await Promise.all([ru?.serve.stop(), us?.serve.stop()]);
});

/** Calls a node's API over HTTPS, trusting only that node's own certificate. */
function call(node: PartyNode, user: string, method: string, path: string, body?: unknown) {
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      new URL(path, node.url),
      {
        method,
        ca: readFileSync(certs[node.party]!.cert, 'utf8'),
        headers: {
          authorization: `Bearer ${node.tokens[user]}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

describe('federation over TLS', () => {
  it('serves HTTPS', () => {
    expect(ru.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('cannot reach a self-signed peer without its pinned certificate', () => {
    const result = runCli([
      'peer',
      'add',
      us.url,
      '--party',
      'US',
      '--fingerprint',
      us.fingerprint,
      '--data-dir',
      ru.dataDir,
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cannot read the identity');
  });

  it('replicates over TLS between peers pinned by node key and certificate', async () => {
    peerUp(ru, us, (other) => ['--tls-ca', certs[other.party]!.cert]);
    const created = await call(ru, 'admin', 'POST', '/api/v1/channels', {
      id: 'tls',
      name: 'Over TLS',
      offices: ['ru-ops'],
      peers: { US: ['us-ops'] },
      languages: ['en'],
    });
    expect(created.status).toBe(201);
    await eventually(
      async () => (await call(us, 'admin', 'GET', '/api/v1/channels/tls')).status === 200,
      20_000,
      'proposal over TLS',
    );
    expect((await call(us, 'admin', 'POST', '/api/v1/channels/tls/accept')).status).toBe(200);
    await eventually(
      async () => (await call(ru, 'admin', 'GET', '/api/v1/channels/tls')).body.state === 'active',
      20_000,
      'activation over TLS',
    );
    const sent = await call(ru, 'ru-head', 'POST', '/api/v1/channels/tls/entries', {
      kind: 'note',
      body: { text: 'over TLS' },
    });
    expect(sent.status).toBe(201);
    await eventually(
      async () =>
        (await call(us, 'us-duty', 'GET', `/api/v1/channels/tls/entries/RU/${String(sent.body.seq)}`))
          .status === 200,
      20_000,
      'entry over TLS',
    );
  });
});
