/**
 * HTTP(S) to a peer. Plain `http` and publicly certified `https` peers go through fetch; a peer
 * pinned with its own TLS certificate (`peer add --tls-ca`) is reached with node:https trusting
 * exactly that certificate, with the usual host-name check, so no public CA can stand in for it.
 */
import { request as httpsRequest } from 'node:https';

export interface PeerResponse {
  status: number;
  text: string;
}

export async function peerRequest(
  url: URL,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    timeoutMs: number;
    tlsCa?: string | null;
  },
): Promise<PeerResponse> {
  if (url.protocol === 'https:' && init.tlsCa)
    return pinnedHttps(url, init as typeof init & { tlsCa: string });
  const response = await fetch(url, {
    method: init.method,
    headers: init.headers,
    body: init.body,
    signal: AbortSignal.timeout(init.timeoutMs),
  });
  return { status: response.status, text: await response.text() };
}

function pinnedHttps(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number; tlsCa: string },
): Promise<PeerResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: init.method,
        headers: init.headers,
        ca: init.tlsCa,
        minVersion: 'TLSv1.2',
        timeout: init.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${init.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(init.body);
  });
}
