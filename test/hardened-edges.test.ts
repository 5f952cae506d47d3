/**
 * Hardened edges (README "Security"), each against a real server on 127.0.0.1: slow bodies are
 * cut off, forged federation requests are refused before their bodies are read or parsed,
 * /metrics needs its token or its own listener, API answers carry no-store/nosniff (and HSTS over
 * TLS), plain http:// peers beyond loopback are refused, and a node whose data other users can
 * read does not start.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../src/core/keys.js';
import { federationContextOf } from '../src/federation/node-context.js';
import { checkDataDirPermissions } from '../src/node/data-dir.js';
import type { ParleyNode } from '../src/node/parley-node.js';
import { startServer, type RunningServer } from '../src/server/run-server.js';
import { openNode } from '../src/workflows/open-node.js';
import { PROJECT_ROOT, copyOfPreparedNode, runCli, tempDir, type Fixture } from './support/node-process.js';

const METRICS_TOKEN = 'edges-metrics-token';
let fixture: Fixture;
let node: ParleyNode;
let server: RunningServer;
let port: number;

beforeAll(async () => {
  fixture = await copyOfPreparedNode();
  node = await openNode(fixture.dataDir);
  server = await startServer(node, {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    limits: { headersTimeoutMs: 1000, requestTimeoutMs: 1000 },
    metricsToken: METRICS_TOKEN,
  });
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  await server?.close();
});

/** Opens a raw socket and collects what the server answers until it closes the connection. */
function rawConnection(): { socket: Socket; answer: Promise<{ text: string; closedAt: number }> } {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  const answer = new Promise<{ text: string; closedAt: number }>((done) =>
    socket.on('close', () => done({ text, closedAt: Date.now() })),
  );
  return { socket, answer };
}

describe('time limits', () => {
  it('cuts off a client that sends its headers and then dribbles the body', async () => {
    const { socket, answer } = rawConnection();
    const started = Date.now();
    socket.write(
      'POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    const dribble = setInterval(() => socket.writable && socket.write(' '), 100);
    const { text, closedAt } = await answer;
    clearInterval(dribble);
    // 1 s configured; Node checks about every half second.
    expect(closedAt - started).toBeLessThan(4000);
    expect(closedAt - started).toBeGreaterThanOrEqual(900);
    expect(text === '' || text.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('cuts off a client that never finishes its headers', async () => {
    const { socket, answer } = rawConnection();
    const started = Date.now();
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const dribble = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    const { closedAt } = await answer;
    clearInterval(dribble);
    expect(closedAt - started).toBeLessThan(4000);
  });
});

describe('forged federation requests', () => {
  const forgedHeaders = (from: string, length: number): string =>
    [
      'POST /federation/v1/entries HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      `Content-Length: ${length}`,
      `X-Parley-From: ${from}`,
      'X-Parley-To: RU',
      `X-Parley-Time: ${Date.now()}`,
      'X-Parley-Nonce: AAAAAAAAAAAAAAAAAAAAAA',
      `X-Parley-Signature: ${Buffer.alloc(64, 7).toString('base64')}`,
      '',
      '',
    ].join('\r\n');

  it('refuses a push from an unknown party before the client has sent its body', async () => {
    const { socket, answer } = rawConnection();
    const length = 30 * 1024 * 1024;
    socket.write(forgedHeaders('ZZ', length));
    socket.write('{"entries": [' + ' '.repeat(64 * 1024));
    // The answer arrives although 30 MiB are still unsent: the body was never waited for.
    const firstBytes = await new Promise<string>((done) =>
      socket.once('data', (c: Buffer) => done(c.toString())),
    );
    expect(firstBytes).toMatch(/^HTTP\/1\.1 401/);
    expect(firstBytes).toContain('peer_unknown');
    socket.destroy();
    await answer;
  });

  it('refuses a push whose signature is malformed before reading its body', async () => {
    const { socket, answer } = rawConnection();
    socket.write(
      forgedHeaders('ZZ', 10 * 1024 * 1024).replace(
        /X-Parley-Signature: .*\r\n/,
        'X-Parley-Signature: x\r\n',
      ),
    );
    const firstBytes = await new Promise<string>((done) =>
      socket.once('data', (c: Buffer) => done(c.toString())),
    );
    expect(firstBytes).toMatch(/^HTTP\/1\.1 401/);
    socket.destroy();
    await answer;
  });

  it('refuses a large push naming a pinned peer with a forged signature, without parsing it', async () => {
    const forger = generateKeyPair();
    await federationContextOf(node).peers.putPeer({
      party: 'US',
      name: 'United States',
      // Nothing listens there: replication to it just fails quietly.
      url: 'http://127.0.0.1:9',
      nodePublicKey: forger.publicKey,
      tlsCa: null,
      addedAt: Date.now(),
    });
    const body = JSON.stringify({ entries: [], checkpoints: [], padding: 'x'.repeat(8 * 1024 * 1024) });
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 4; i++) {
      const { socket, answer } = rawConnection();
      socket.write(forgedHeaders('US', Buffer.byteLength(body)));
      socket.write(body);
      const { text } = await Promise.race([
        answer,
        new Promise<{ text: string }>((done) =>
          socket.once('data', (c: Buffer) => done({ text: c.toString() })),
        ),
      ]);
      expect(text).toMatch(/^HTTP\/1\.1 401/);
      expect(text).toContain('request_signature_invalid');
      socket.destroy();
    }
    // Loose: four 8 MiB bodies read, none parsed into objects.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * 1024 * 1024);
  });
});

describe('large federation bodies at once', () => {
  it('reads at most four large bodies at once per claimed peer; the next is refused unread', async () => {
    const headers = (length: number): string =>
      [
        'POST /federation/v1/entries HTTP/1.1',
        'Host: 127.0.0.1',
        'Content-Type: application/json',
        `Content-Length: ${length}`,
        'X-Parley-From: US',
        'X-Parley-To: RU',
        `X-Parley-Time: ${Date.now()}`,
        'X-Parley-Nonce: BBBBBBBBBBBBBBBBBBBBBB',
        `X-Parley-Signature: ${Buffer.alloc(64, 9).toString('base64')}`,
        '',
        '',
      ].join('\r\n');
    const slow = Array.from({ length: 4 }, () => rawConnection());
    for (const { socket } of slow) socket.write(headers(8 * 1024 * 1024) + '{');
    await new Promise((done) => setTimeout(done, 200));
    const fifth = rawConnection();
    fifth.socket.write(headers(8 * 1024 * 1024) + '{');
    const answer = await new Promise<string>((done) =>
      fifth.socket.once('data', (c: Buffer) => done(c.toString())),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 429/);
    fifth.socket.destroy();
    for (const { socket } of slow) socket.destroy();
    await Promise.all(slow.map((c) => c.answer));
    await new Promise((done) => setTimeout(done, 100));
    // Once those are gone, a large body is read again (and refused for its forged signature).
    const body = JSON.stringify({ entries: [], checkpoints: [], padding: 'y'.repeat(2 * 1024 * 1024) });
    const again = rawConnection();
    again.socket.write(headers(Buffer.byteLength(body)) + body);
    const refused = await new Promise<string>((done) =>
      again.socket.once('data', (c: Buffer) => done(c.toString())),
    );
    expect(refused).toContain('request_signature_invalid');
    again.socket.destroy();
  });
});

describe('/metrics', () => {
  it('answers only to the metrics token on the API listener', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('parley_http_requests_total');
  });

  it('answers 404 without a token, and serves a separate metrics listener when asked', async () => {
    const dir = (await copyOfPreparedNode()).dataDir;
    const other = await startServer(await openNode(dir), {
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      metricsListen: { host: '127.0.0.1', port: 0 },
    });
    try {
      expect((await fetch(`${other.url}/metrics`)).status).toBe(404);
      expect(other.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const scraped = await fetch(`${other.metricsUrl}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('parley_entries_committed_total');
      expect((await fetch(`${other.metricsUrl}/api/v1/me`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

describe('security headers', () => {
  it('marks API and federation answers no-store and nosniff, errors included', async () => {
    for (const [path, headers] of [
      ['/api/v1/channels', { authorization: `Bearer ${fixture.tokens['svr-head']}` }],
      ['/api/v1/channels', {}],
      ['/federation/v1/identity', {}],
      ['/healthz', {}],
    ] as const) {
      const response = await fetch(`${server.url}${path}`, { headers });
      expect(response.headers.get('cache-control'), path).toBe('no-store');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('keeps the immutable caching of web assets', async () => {
    const assets = readdirSync(join(PROJECT_ROOT, 'dist/web/assets'));
    const asset = assets.find((name) => name.endsWith('.js'))!;
    const response = await fetch(`${server.url}/assets/${asset}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it('sends Strict-Transport-Security over TLS', async () => {
    const dir = tempDir('parley-edges-tls-');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ed25519',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const tlsNode = await openNode((await copyOfPreparedNode()).dataDir);
    const tlsServer = await startServer(tlsNode, {
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      tls: { cert, key: readFileSync(join(dir, 'key.pem'), 'utf8') },
    });
    try {
      const headers = await new Promise<Record<string, string | string[] | undefined>>((done, reject) => {
        httpsRequest(`${tlsServer.url}/healthz`, { ca: cert }, (response) => {
          response.resume();
          done(response.headers);
        })
          .on('error', reject)
          .end();
      });
      expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
      expect(headers['cache-control']).toBe('no-store');
    } finally {
      await tlsServer.close();
    }
  });
});

describe('plain http peers', () => {
  const pin = (url: string) =>
    fetch(`${server.url}/api/v1/peers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fixture.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url, party: 'FR', fingerprint: 'SHA256:not-a-real-fingerprint' }),
    }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { error: { code: string; message: string } },
    }));

  it('refuses an http:// peer beyond loopback over the API, and tries loopback http', async () => {
    const remote = await pin('http://peer.invalid:7410');
    expect(remote.status).toBe(400);
    expect(remote.body.error.message).toContain('https://');
    // Loopback http is allowed: it gets as far as asking for the identity (nothing listens).
    const loopback = await pin('http://127.0.0.1:9');
    expect(loopback.body.error.code).toBe('unavailable');
  });

  it('lets the CLI pin a non-loopback http:// peer only with --insecure-peer', async () => {
    const { dataDir } = await copyOfPreparedNode();
    const args = [
      'peer',
      'add',
      'http://peer.invalid:7410',
      '--party',
      'FR',
      '--fingerprint',
      'SHA256:xxxxxxxxxxxx',
      '--data-dir',
      dataDir,
    ];
    const refused = runCli(args);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('--insecure-peer');
    const allowed = runCli([...args, '--insecure-peer']);
    expect(allowed.status).not.toBe(0);
    // Past the URL check: it failed only because nothing answers there.
    expect(allowed.stderr).toContain('cannot read the identity');
  });
});

describe('private data', () => {
  it('refuses to start when the database, the directory or the TLS key is readable by others', async () => {
    const { dataDir } = await copyOfPreparedNode();
    expect(() => checkDataDirPermissions(dataDir)).not.toThrow();
    chmodSync(join(dataDir, 'parley.db'), 0o644);
    expect(() => checkDataDirPermissions(dataDir)).toThrow(/parley\.db has mode 644.*chmod 600/);
    const served = runCli(['serve', '--data-dir', dataDir, '--port', '0']);
    expect(served.status).not.toBe(0);
    expect(served.stderr).toContain(`chmod 600 ${join(dataDir, 'parley.db')}`);
    chmodSync(join(dataDir, 'parley.db'), 0o600);
    chmodSync(dataDir, 0o755);
    expect(() => checkDataDirPermissions(dataDir)).toThrow(/chmod 700/);
    chmodSync(dataDir, 0o700);

    const dir = tempDir('parley-edges-key-');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ed25519',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    chmodSync(join(dir, 'key.pem'), 0o644);
    const tls = runCli([
      'serve',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--tls-cert',
      join(dir, 'cert.pem'),
      '--tls-key',
      join(dir, 'key.pem'),
    ]);
    expect(tls.status).not.toBe(0);
    expect(tls.stderr).toContain('TLS key');
    expect(tls.stderr).toContain('chmod 600');
  });
});
