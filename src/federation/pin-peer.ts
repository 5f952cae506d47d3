/**
 * Pinning a peer: read its identity over the network and keep it only if the node key matches the
 * fingerprint its operators gave out of band. Never trust on first use.
 *
 * Peers talk over https: a plain http:// URL is refused unless it is on this machine (loopback,
 * as in the demo and tests; pinned with a warning) or the operator allows it explicitly
 * (`peer add --insecure-peer`, PARLEY_INSECURE_PEERS=1 for the API). Request signatures still
 * authenticate every request, but plain http shows the traffic to anyone on the path.
 */
import { fingerprint } from '../core/keys.js';
import { ParleyError } from '../core/errors.js';
import { rotationSignaturesValid } from '../node/node-key-rotation.js';
import type { NodeKeyRotation, Peer } from '../storage/storage.js';
import type { PinContext } from './context.js';
import { peerRequest } from './peer-transport.js';
import { MAX_CLOCK_SKEW_MS } from './request-signing.js';
import { FEDERATION_PATHS, type Identity } from './wire.js';

export interface PinRequest {
  url: string;
  party: string;
  fingerprint: string;
  /** For https peers: the one certificate (or CA) trusted for this peer, PEM. */
  tlsCa: string | null;
  /** Who asked, for the audit log (null: the local operator). */
  by: string | null;
  ip: string | null;
  /** Pin an http:// peer that is not on loopback (the operator's explicit choice). */
  allowInsecureHttp?: boolean;
}

/** 127.0.0.0/8, ::1 and localhost: plain http there never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export async function pinPeer(
  context: PinContext,
  request: PinRequest,
): Promise<Peer & { fingerprint: string; warning?: string }> {
  const { url, tlsCa } = request;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ParleyError('validation_failed', `'${url}' is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ParleyError('validation_failed', 'a peer URL starts with http:// or https://');
  let warning: string | undefined;
  if (parsed.protocol === 'http:') {
    if (!isLoopbackHost(parsed.hostname) && !request.allowInsecureHttp) {
      throw new ParleyError(
        'validation_failed',
        `refusing the plain http:// peer URL ${url}: use https:// (with --tls-ca), or allow it explicitly (peer add --insecure-peer; PARLEY_INSECURE_PEERS=1 for the API)`,
      );
    }
    warning = `peer ${request.party} is pinned over plain http (${url}): traffic is signed but not encrypted`;
  }
  if (tlsCa && parsed.protocol !== 'https:')
    throw new ParleyError('validation_failed', 'a TLS certificate only makes sense for an https:// peer URL');
  if (request.party === context.party)
    throw new ParleyError('validation_failed', 'a node cannot peer with itself');
  let identity: Identity;
  try {
    const response = await peerRequest(new URL(FEDERATION_PATHS.identity, url), {
      method: 'GET',
      headers: {},
      timeoutMs: 10_000,
      tlsCa,
    });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    identity = JSON.parse(response.text) as Identity;
  } catch (error) {
    throw new ParleyError('unavailable', `cannot read the identity of ${url}: ${(error as Error).message}`);
  }
  if (identity.party !== request.party)
    throw new ParleyError('forbidden', `${url} is the node of ${identity.party}, not ${request.party}`);
  const actual = fingerprint(identity.nodePublicKey);
  if (actual !== request.fingerprint.trim()) {
    throw new ParleyError(
      'forbidden',
      `fingerprint mismatch for ${request.party} at ${url}: the node presents ${actual}, you expected ${request.fingerprint}. Not pinned.`,
    );
  }
  const record: Peer = {
    party: identity.party,
    name: identity.partyName,
    url,
    nodePublicKey: identity.nodePublicKey,
    tlsCa,
    addedAt: Date.now(),
  };
  await context.peers.putPeer(record);
  await context.audit.recordSecurityEvent({
    action: 'peer_pinned',
    actor: request.by,
    subject: record.party,
    address: request.ip,
    details: { url, fingerprint: actual },
  });
  return { ...record, fingerprint: actual, ...(warning ? { warning } : {}) };
}

/**
 * A pinned peer's node key rotations (oldest first): each must be signed by the key pinned at
 * that point (and by its successor), so the pin moves along the chain of statements only. Ones
 * already known are skipped; anything not signed by the pinned key is refused and nothing moves.
 */
export async function acceptNodeKeyRotations(
  context: PinContext,
  from: string,
  rotations: readonly NodeKeyRotation[],
  /** Restarted with the moved pin: its loop would check the peer's replies against the old key. */
  replicator?: { ensureLoop(peer: Peer): void },
): Promise<{ party: string; fingerprint: string; accepted: number }> {
  const peer = await context.peers.getPeer(from);
  if (!peer) throw new ParleyError('peer_not_found', `party ${from} is not a pinned peer of this node`);
  const start = rotations.findIndex((r) => r.previousKey === peer.nodePublicKey);
  if (start < 0) {
    if (rotations.at(-1)?.newKey === peer.nodePublicKey) {
      return { party: from, fingerprint: fingerprint(peer.nodePublicKey), accepted: 0 };
    }
    throw new ParleyError(
      'forbidden',
      `no rotation offered by ${from} is signed by its pinned node key ${fingerprint(peer.nodePublicKey)}; the pin stays`,
    );
  }
  let key = peer.nodePublicKey;
  const accepted = rotations.slice(start);
  for (const rotation of accepted) {
    if (rotation.party !== from || rotation.previousKey !== key || !rotationSignaturesValid(rotation)) {
      throw new ParleyError(
        'forbidden',
        `the rotation of ${from}'s node key from ${fingerprint(rotation.previousKey)} is not signed by both keys; the pin stays`,
      );
    }
    if (rotation.at > Date.now() + MAX_CLOCK_SKEW_MS) {
      throw new ParleyError(
        'forbidden',
        `the rotation of ${from}'s node key is dated in the future; the pin stays`,
      );
    }
    key = rotation.newKey;
  }
  for (const rotation of accepted) await context.peers.putNodeKeyRotation(rotation);
  const moved = { ...peer, nodePublicKey: key };
  await context.peers.putPeer(moved);
  replicator?.ensureLoop(moved);
  await context.audit.recordSecurityEvent({
    action: 'peer_key_rotated',
    actor: 'node',
    subject: from,
    details: { from: fingerprint(peer.nodePublicKey), to: fingerprint(key) },
  });
  return { party: from, fingerprint: fingerprint(key), accepted: accepted.length };
}
