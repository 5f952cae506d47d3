/**
 * Signed HTTP requests from this node to a peer node. After this node's key was rotated, a peer
 * that still pins the old key refuses the new key's signature: the client then shows it the
 * rotation statements (`announceNodeKeyRotations`) and retries once.
 */
import type { NodeKeyRotation, Peer } from '../storage/storage.js';
import { FEDERATION_PATHS } from './wire.js';
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

/** This node's own rotations (oldest first), shown to peers that refuse its current key. */
let ownRotations: readonly NodeKeyRotation[] = [];

export function useNodeKeyRotations(rotations: readonly NodeKeyRotation[]): void {
  ownRotations = rotations;
}

/**
 * Shows a peer this node's rotations so it moves its pin to the current key; resolves to the
 * fingerprint it now pins, throws PeerRequestError when it refuses.
 */
export async function announceNodeKeyRotations(
  party: string,
  peer: Peer,
  timeoutMs = 10_000,
): Promise<string> {
  const response = await peerRequest(new URL(FEDERATION_PATHS.nodeKeyRotation, peer.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ party, rotations: ownRotations }),
    timeoutMs,
    tlsCa: peer.tlsCa ?? null,
  });
  const data = JSON.parse(response.text || 'null') as {
    fingerprint?: string;
    error?: { code?: string; message?: string };
  } | null;
  if (response.status !== 200 || !data?.fingerprint) {
    throw new PeerRequestError(
      peer.party,
      response.status,
      data?.error?.code ?? 'http_error',
      `${peer.party} refused this node's key rotation: ${data?.error?.message ?? `HTTP ${response.status}`}`,
    );
  }
  return data.fingerprint;
}

export class FederationClient {
  constructor(private readonly options: FederationClientOptions) {}

  async request<T>(peer: Peer, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    try {
      return await this.requestOnce<T>(peer, method, path, body);
    } catch (error) {
      if (
        !(error instanceof PeerRequestError) ||
        error.code !== 'request_signature_invalid' ||
        ownRotations.length === 0
      )
        throw error;
      await announceNodeKeyRotations(this.options.party, peer, this.options.timeoutMs ?? 15_000);
      return this.requestOnce<T>(peer, method, path, body);
    }
  }

  private async requestOnce<T>(peer: Peer, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
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
