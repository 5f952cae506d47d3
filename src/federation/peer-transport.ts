/**
 * HTTP(S) to a peer, over kept-alive connections (replication sends a batch every few
 * milliseconds under load; a new connection, or fetch's stream machinery, per batch costs more
 * than the batch's own work). A peer pinned with its own TLS certificate (`peer add --tls-ca`)
 * is reached trusting exactly that certificate, with the usual host-name check, so no public CA
 * can stand in for it.
 *
 * A node whose peers require mutual TLS (their `serve --federation-port` with a client CA)
 * presents its client certificate to every https peer: set once per process from
 * PARLEY_PEER_CLIENT_CERT and PARLEY_PEER_CLIENT_KEY (PEM files; the key readable by its owner
 * only), for `serve` and for the CLI's `peer add` alike.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { readFileSync, statSync } from 'node:fs';
import { ParleyError } from '../core/errors.js';

export interface PeerResponse {
  status: number;
  text: string;
}

/** Idle kept-alive connections close before the peer's own keep-alive timeout would cut them. */
const IDLE_SOCKET_MS = 30_000;
const httpAgent = new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS });
const httpsAgents = new Map<string, HttpsAgent>();

export const CLIENT_CERT_ENV = 'PARLEY_PEER_CLIENT_CERT';
export const CLIENT_KEY_ENV = 'PARLEY_PEER_CLIENT_KEY';

let clientCertificate: { cert: string; key: string } | null | undefined;

/**
 * The client certificate this node presents to https peers, read once from the environment;
 * refuses half a pair and a key file that other users could read.
 */
export function peerClientCertificate(
  env: NodeJS.ProcessEnv = process.env,
): { cert: string; key: string } | null {
  if (clientCertificate !== undefined) return clientCertificate;
  const certFile = env[CLIENT_CERT_ENV];
  const keyFile = env[CLIENT_KEY_ENV];
  if (!certFile && !keyFile) return (clientCertificate = null);
  if (!certFile || !keyFile) {
    throw new ParleyError('validation_failed', `${CLIENT_CERT_ENV} and ${CLIENT_KEY_ENV} go together`);
  }
  try {
    const mode = statSync(keyFile).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new ParleyError(
        'forbidden',
        `refusing to start: the peer client key ${keyFile} has mode ${mode.toString(8)}; it must be readable by its owner only (chmod 600 ${keyFile})`,
      );
    }
    clientCertificate = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  } catch (error) {
    if (error instanceof ParleyError) throw error;
    throw new ParleyError(
      'validation_failed',
      `cannot read the peer client certificate or key (${CLIENT_CERT_ENV}, ${CLIENT_KEY_ENV}): ${(error as Error).message}`,
    );
  }
  return clientCertificate;
}

/** One agent per trusted certificate (or the public CAs, keyed ''), so connections are never shared across trust. */
function httpsAgent(tlsCa: string | null): HttpsAgent {
  const key = tlsCa ?? '';
  let agent = httpsAgents.get(key);
  if (!agent) {
    agent = new HttpsAgent({
      keepAlive: true,
      timeout: IDLE_SOCKET_MS,
      minVersion: 'TLSv1.2',
      ...(tlsCa ? { ca: tlsCa } : {}),
      ...(peerClientCertificate() ?? {}),
    });
    httpsAgents.set(key, agent);
  }
  return agent;
}

export function peerRequest(
  url: URL,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    timeoutMs: number;
    tlsCa?: string | null;
  },
): Promise<PeerResponse> {
  const secure = url.protocol === 'https:';
  const headers = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    };
    const options = { method: init.method, headers, timeout: init.timeoutMs };
    const req = secure
      ? httpsRequest(url, { ...options, agent: httpsAgent(init.tlsCa ?? null) }, onResponse)
      : httpRequest(url, { ...options, agent: httpAgent }, onResponse);
    req.on('timeout', () => req.destroy(new Error(`timed out after ${init.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(init.body);
  });
}
