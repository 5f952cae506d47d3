/**
 * HTTP(S) to a peer, over kept-alive connections (replication sends a batch every few
 * milliseconds under load; a new connection, or fetch's stream machinery, per batch costs more
 * than the batch's own work). A peer pinned with its own TLS certificate (`peer add --tls-ca`)
 * is reached trusting exactly that certificate, with the usual host-name check, so no public CA
 * can stand in for it.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface PeerResponse {
  status: number;
  text: string;
}

/** Idle kept-alive connections close before the peer's own keep-alive timeout would cut them. */
const IDLE_SOCKET_MS = 30_000;
const httpAgent = new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS });
const httpsAgents = new Map<string, HttpsAgent>();

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
