/**
 * Mutual TLS between nodes, with real `parley serve` processes and certificates made here with
 * openssl: each node serves its federation routes on a separate port that completes the TLS
 * handshake only with a client certificate from the federation CA, and presents its own client
 * certificate to its peer (PARLEY_PEER_CLIENT_CERT/KEY). Peers pin that port and replicate; a
 * client without a certificate, or with one from another CA, is refused at TLS; the API port
 * refuses federation requests.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  initParty,
  runCli,
  startServe,
  tempDir,
  type ServeProcess,
} from './support/node-process.js';

const dir = tempDir('parley-mtls-');

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A CA (self-signed) named `name`. */
function makeCa(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl([
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
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return { cert, key };
}

/** A certificate for `name` issued by `ca`: for a server (SAN 127.0.0.1) or a client. */
function issue(ca: { cert: string; key: string }, name: string, use: 'serverAuth' | 'clientAuth') {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    key,
    '-out',
    csr,
  ]);
  writeFileSync(
    ext,
    `extendedKeyUsage=${use}\n${use === 'serverAuth' ? 'subjectAltName=IP:127.0.0.1\n' : ''}`,
  );
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
  return { cert, key };
}

interface MtlsNode {
  party: string;
  dataDir: string;
  tokens: Record<string, string>;
  serve: ServeProcess;
  apiUrl: string;
  federationUrl: string;
  fingerprint: string;
  server: { cert: string; key: string };
  clientEnv: Record<string, string>;
}

const federationCa = makeCa('federation-ca');
const rogueCa = makeCa('rogue-ca');
const nodes: Record<string, MtlsNode> = {};

async function start(party: string): Promise<MtlsNode> {
  const lower = party.toLowerCase();
  const server = issue(federationCa, `${lower}-server`, 'serverAuth');
  const client = issue(federationCa, `${lower}-client`, 'clientAuth');
  const clientEnv = { PARLEY_PEER_CLIENT_CERT: client.cert, PARLEY_PEER_CLIENT_KEY: client.key };
  const { dataDir, tokens } = await initParty(party);
  const fingerprint = JSON.parse(runCli(['peer', 'self', '--data-dir', dataDir, '--json']).stdout)
    .fingerprint as string;
  const serve = await startServe(
    dataDir,
    [
      '--tls-cert',
      server.cert,
      '--tls-key',
      server.key,
      '--federation-port',
      '0',
      '--federation-client-ca',
      federationCa.cert,
    ],
    clientEnv,
  );
  const federationUrl = await eventually(
    async () => /federation \(mutual TLS\) on (https:\/\/\S+)/.exec(serve.output())?.[1],
    10_000,
    'the federation listener',
  );
  return { party, dataDir, tokens, serve, apiUrl: serve.url, federationUrl, fingerprint, server, clientEnv };
}

/** An HTTPS request trusting the federation CA, with or without a client certificate. */
function call(
  url: string,
  options: { method?: string; token?: string; body?: unknown; client?: { cert: string; key: string } } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        ca: readFileSync(federationCa.cert, 'utf8'),
        ...(options.client
          ? { cert: readFileSync(options.client.cert, 'utf8'), key: readFileSync(options.client.key, 'utf8') }
          : {}),
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body ? { 'content-type': 'application/json' } : {}),
        },
        agent: false,
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
    req.end(options.body ? JSON.stringify(options.body) : undefined);
  });
}

beforeAll(async () => {
  const [ru, us] = await Promise.all([start('RU'), start('US')]);
  nodes.RU = ru;
  nodes.US = us;
});

afterAll(async () => {
  await Promise.all(Object.values(nodes).map((node) => node.serve.stop()));
});

describe('mutual TLS between nodes', () => {
  it('refuses a client without a certificate, or with one from another CA, at TLS', async () => {
    const identity = `${nodes.US!.federationUrl}/federation/v1/identity`;
    await expect(call(identity)).rejects.toThrow(/certificate|socket hang up|ECONNRESET/i);
    const rogue = issue(rogueCa, 'rogue-client', 'clientAuth');
    await expect(call(identity, { client: rogue })).rejects.toThrow(
      /certificate|unknown ca|socket hang up|ECONNRESET/i,
    );
    const ok = await call(identity, {
      client: {
        cert: nodes.RU!.clientEnv.PARLEY_PEER_CLIENT_CERT!,
        key: nodes.RU!.clientEnv.PARLEY_PEER_CLIENT_KEY!,
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ party: 'US' });
  });

  it('refuses federation on the API port, and serves nothing but federation on the federation port', async () => {
    const onApi = await call(`${nodes.US!.apiUrl}/federation/v1/identity`);
    expect(onApi.status).toBe(403);
    expect(onApi.body).toMatchObject({ error: { code: 'client_certificate_required' } });
    const client = {
      cert: nodes.RU!.clientEnv.PARLEY_PEER_CLIENT_CERT!,
      key: nodes.RU!.clientEnv.PARLEY_PEER_CLIENT_KEY!,
    };
    expect((await call(`${nodes.US!.federationUrl}/api/v1/channels`, { client })).status).toBe(404);
  });

  it('pins and replicates between peers over mutual TLS', async () => {
    const ru = nodes.RU!;
    const us = nodes.US!;
    const noCert = runCli([
      'peer',
      'add',
      us.federationUrl,
      '--party',
      'US',
      '--fingerprint',
      us.fingerprint,
      '--tls-ca',
      federationCa.cert,
      '--data-dir',
      ru.dataDir,
    ]);
    expect(noCert.status).not.toBe(0);
    expect(noCert.stderr).toContain('cannot read the identity');
    for (const [self, other] of [
      [ru, us],
      [us, ru],
    ] as const) {
      const added = runCli(
        [
          'peer',
          'add',
          other.federationUrl,
          '--party',
          other.party,
          '--fingerprint',
          other.fingerprint,
          '--tls-ca',
          federationCa.cert,
          '--data-dir',
          self.dataDir,
        ],
        self.clientEnv,
      );
      expect(added.status, added.stderr).toBe(0);
    }
    const created = await call(`${ru.apiUrl}/api/v1/channels`, {
      method: 'POST',
      token: ru.tokens.admin,
      body: {
        id: 'mtls',
        name: 'Over mutual TLS',
        offices: ['ru-ops'],
        peers: { US: ['us-ops'] },
        languages: ['en'],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await eventually(
      async () =>
        (await call(`${us.apiUrl}/api/v1/channels/mtls`, { token: us.tokens.admin })).status === 200,
      20_000,
      'the proposal over mutual TLS',
    );
    expect(
      (await call(`${us.apiUrl}/api/v1/channels/mtls/accept`, { method: 'POST', token: us.tokens.admin }))
        .status,
    ).toBe(200);
    await eventually(
      async () =>
        (await call(`${ru.apiUrl}/api/v1/channels/mtls`, { token: ru.tokens.admin })).body.state === 'active',
      20_000,
      'activation over mutual TLS',
    );
    const sent = await call(`${ru.apiUrl}/api/v1/channels/mtls/entries`, {
      method: 'POST',
      token: ru.tokens['ru-head'],
      body: { kind: 'note', body: { text: 'over mutual TLS' } },
    });
    expect(sent.status).toBe(201);
    await eventually(
      async () =>
        (
          await call(`${us.apiUrl}/api/v1/channels/mtls/entries/RU/${String(sent.body.seq)}`, {
            token: us.tokens['us-duty'],
          })
        ).status === 200,
      20_000,
      'the entry over mutual TLS',
    );
  });
});
