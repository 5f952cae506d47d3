/**
 * Signed federation requests. Every request between nodes carries the sending party, the
 * receiving party, a timestamp, a random nonce and the node's Ed25519 signature over all of
 * them plus the method, path and a SHA-256 of the body. The receiver refuses unknown senders,
 * bad signatures, requests meant for another party, requests outside the clock window and
 * nonces it has already seen, so a captured request cannot be replayed or redirected.
 *
 * Nonces are remembered in memory only, so a restarted process has forgotten the nonces its
 * predecessor accepted. Rather than persist them (a write per request, and a storage method the
 * contract does not have), a process refuses every request signed before it started: whatever
 * its predecessor could have accepted was signed earlier. The trade-off, and the one allowance:
 * honest requests signed a moment before a restart (in flight, or from a peer whose clock runs
 * behind) are refused once and succeed when the sender retries with a fresh signature, which
 * replication does on its own. No allowance backwards is given, because any would reopen the
 * replay window it grants. A request stamped ahead of the receiver's clock (a peer whose clock
 * runs fast, within MAX_CLOCK_SKEW_MS) and accepted just before a restart could still be
 * replayed just after it, for at most that clock difference; peers run synchronised clocks.
 * Several processes sharing one database each keep their own cache, so a request accepted by one
 * is not known to another: run one federation endpoint per party, or persist nonces there.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../core/hash.js';
import { SIGNING_DOMAIN, verifyMessage } from '../core/keys.js';

export const FEDERATION_HEADERS = {
  from: 'x-parley-from',
  to: 'x-parley-to',
  time: 'x-parley-time',
  nonce: 'x-parley-nonce',
  signature: 'x-parley-signature',
} as const;

/** How far a request's timestamp may be from the receiver's clock. */
export const MAX_CLOCK_SKEW_MS = 60_000;

export interface RequestToSign {
  method: string;
  path: string;
  from: string;
  to: string;
  body: string;
}

function signedText(r: RequestToSign, time: string, nonce: string): string {
  return [r.method.toUpperCase(), r.path, r.from, r.to, time, nonce, sha256Hex(r.body)].join('\n');
}

/** Signs with the node key; the key itself stays inside the node. */
export type NodeSigner = (domain: string, message: string) => string;

/** Headers that authenticate a request from this node. */
export function signRequest(
  request: RequestToSign,
  sign: NodeSigner,
  now = Date.now(),
): Record<string, string> {
  const time = String(now);
  const nonce = randomBytes(16).toString('base64url');
  return {
    [FEDERATION_HEADERS.from]: request.from,
    [FEDERATION_HEADERS.to]: request.to,
    [FEDERATION_HEADERS.time]: time,
    [FEDERATION_HEADERS.nonce]: nonce,
    [FEDERATION_HEADERS.signature]: sign(SIGNING_DOMAIN.request, signedText(request, time, nonce)),
  };
}

export type RequestRefusal =
  | 'request_unsigned'
  | 'peer_unknown'
  | 'request_misdirected'
  | 'request_expired'
  | 'request_replayed'
  | 'request_signature_invalid';

export class RequestRefusedError extends Error {
  override readonly name = 'RequestRefusedError';
  constructor(
    readonly code: RequestRefusal,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Nonces seen within the clock window; entries older than the window cannot be replayed anyway.
 * It knows nothing from before `since` (when it was created, i.e. when this process started
 * serving federation), so requests signed before then are refused (see the module comment).
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  constructor(readonly since: number = Date.now()) {}

  /** Records a nonce; false when it was already seen. */
  remember(key: string, now: number): boolean {
    if (this.seen.size > 50_000) this.prune(now);
    if (this.seen.has(key)) return false;
    this.seen.set(key, now);
    return true;
  }

  private prune(now: number): void {
    for (const [key, at] of this.seen) if (at < now - 2 * MAX_CLOCK_SKEW_MS) this.seen.delete(key);
  }
}

/**
 * The checks that need no body: signature headers present, addressed to this party, timestamp
 * inside the window. Run before the body is read, so an unsigned or stale request costs nothing.
 */
export function precheckRequest(
  headers: Record<string, string | string[] | undefined>,
  ownParty: string,
  now = Date.now(),
): string {
  const header = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? undefined : value;
  };
  const from = header(FEDERATION_HEADERS.from);
  const to = header(FEDERATION_HEADERS.to);
  const time = header(FEDERATION_HEADERS.time);
  if (!from || !to || !time || !header(FEDERATION_HEADERS.nonce) || !header(FEDERATION_HEADERS.signature)) {
    throw new RequestRefusedError(
      'request_unsigned',
      'federation requests must carry x-parley-* signature headers',
    );
  }
  if (to !== ownParty)
    throw new RequestRefusedError('request_misdirected', `request is addressed to ${to}, not ${ownParty}`);
  if (!/^\d{1,16}$/.test(time) || Math.abs(now - Number(time)) > MAX_CLOCK_SKEW_MS) {
    throw new RequestRefusedError(
      'request_expired',
      'request timestamp is outside the accepted clock window',
    );
  }
  return from;
}

/**
 * Checks a request's signature headers. `peerKey` looks up the pinned node key of a party.
 * Returns the sending party; throws RequestRefusedError naming what failed.
 */
export function verifyRequest(
  headers: Record<string, string | string[] | undefined>,
  request: Omit<RequestToSign, 'from' | 'to'>,
  ownParty: string,
  peerKey: (party: string) => string | null,
  nonces: NonceCache,
  now = Date.now(),
): string {
  const from = precheckRequest(headers, ownParty, now);
  const key = peerKey(from);
  if (!key) throw new RequestRefusedError('peer_unknown', `party ${from} is not a pinned peer of this node`);
  // Present and well-formed: precheckRequest has checked them.
  const time = headers[FEDERATION_HEADERS.time] as string;
  const nonce = headers[FEDERATION_HEADERS.nonce] as string;
  const signature = headers[FEDERATION_HEADERS.signature] as string;
  const text = signedText({ ...request, from, to: ownParty }, time, nonce);
  if (!verifyMessage(key, SIGNING_DOMAIN.request, text, signature)) {
    throw new RequestRefusedError(
      'request_signature_invalid',
      `signature does not verify against ${from}'s pinned node key`,
    );
  }
  if (Number(time) < nonces.since) {
    throw new RequestRefusedError(
      'request_expired',
      'request was signed before this node started, so it may have been received already; sign it anew',
    );
  }
  // Remembered only after the signature verified, so forged requests cannot fill the cache.
  if (!nonces.remember(`${from}\u0000${nonce}`, now)) {
    throw new RequestRefusedError('request_replayed', 'this request was already received');
  }
  return from;
}
