/** Signed HTTP requests from this node to a peer node. */
import type { Peer } from '../storage/storage.js';
import { peerRequest, type PeerResponse } from './peer-transport.js';
import { signRequest, type NodeSigner } from './request-signing.js';

export class PeerRequestError extends Error {
  override readonly name = 'PeerRequestError';
  constructor(
    readonly peer: string,
    readonly status: number | null,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FederationClientOptions {
  party: string;
  sign: NodeSigner;
  timeoutMs?: number;
}

export class FederationClient {
  constructor(private readonly options: FederationClientOptions) {}

  async request<T>(peer: Peer, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = signRequest(
      { method, path, from: this.options.party, to: peer.party, body: text },
      this.options.sign,
    );
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: PeerResponse;
    try {
      // Reading the body is inside the try: a connection cut mid-answer is "unreachable" too.
      response = await peerRequest(new URL(path, peer.url), {
        method,
        headers,
        body: body === undefined ? undefined : text,
        timeoutMs: this.options.timeoutMs ?? 15_000,
        tlsCa: peer.tlsCa ?? null,
      });
    } catch (error) {
      throw new PeerRequestError(
        peer.party,
        null,
        'unreachable',
        `${peer.party} at ${peer.url} is unreachable: ${(error as Error).message}`,
      );
    }
    const raw = response.text;
    let data: unknown = null;
    try {
      data = raw ? JSON.parse(raw) : null;
    } catch {
      throw new PeerRequestError(
        peer.party,
        response.status,
        'bad_response',
        `${peer.party} answered with non-JSON`,
      );
    }
    if (response.status < 200 || response.status >= 300) {
      const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
      throw new PeerRequestError(
        peer.party,
        response.status,
        error?.code ?? 'http_error',
        `${peer.party} refused ${method} ${path}: ${error?.message ?? `HTTP ${response.status}`}`,
      );
    }
    return data as T;
  }
}
