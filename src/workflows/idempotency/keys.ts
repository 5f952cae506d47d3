/**
 * Idempotency keys: a client that re-sends a write after losing its answer gets the first answer
 * back instead of writing twice (IETF draft-ietf-httpapi-idempotency-key-header). The HTTP edge
 * (http/idempotency.ts) calls these around every authenticated write; the records live in storage
 * (storage/contract/idempotency.ts), keyed by (principal, key), for 24 hours.
 *
 * - The same key for the same request (method, URL and body, by hash) replays the stored answer.
 * - The same key for another request is `idempotency_key_reused` (422): a client bug, never a retry.
 * - A retry while the first request still runs is `request_in_progress` (409), answered at once
 *   rather than waiting, so a client's timeout never stacks up held connections.
 */
import { ParleyError } from '../../core/errors.js';
import { sha256Hex } from '../../core/hash.js';
import type { NodeContext } from '../context.js';

/** How long a key is remembered; after that the same key starts a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** 1 to 255 printable ASCII characters (space to tilde). */
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

type Context = Pick<NodeContext, 'storage'>;

/** An answer to keep for replays. */
export interface IdempotentAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

export type IdempotencyStart = { kind: 'claimed' } | ({ kind: 'replay' } & IdempotentAnswer);

/** Checks the format of an `Idempotency-Key` value; throws `idempotency_key_invalid`. */
export function checkIdempotencyKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new ParleyError(
      'idempotency_key_invalid',
      'Idempotency-Key must be 1 to 255 printable ASCII characters',
    );
  }
}

/** The hash that tells a retry of a request from another request under the same key. */
export function requestFingerprint(method: string, url: string, body: string): string {
  return sha256Hex(`${method}\n${url}\n${body}`);
}

/**
 * Starts a request under `key` for `principal`: either claims the key (the caller runs the
 * request, then calls `finishIdempotentRequest`) or returns the stored answer to replay.
 */
export async function startIdempotentRequest(
  node: Context,
  principal: string,
  key: string,
  fingerprint: string,
  now: number,
): Promise<IdempotencyStart> {
  checkIdempotencyKey(key);
  const held = await node.storage.claimIdempotencyKey({
    principal,
    key,
    fingerprint,
    createdAt: now,
    expiresAt: now + IDEMPOTENCY_TTL_MS,
  });
  if (held === null) return { kind: 'claimed' };
  if (held.fingerprint !== fingerprint) {
    throw new ParleyError(
      'idempotency_key_reused',
      'this Idempotency-Key was used for a different request; use a new key for a new request',
    );
  }
  if (held.status === null || held.body === null) {
    throw new ParleyError(
      'request_in_progress',
      'a request with this Idempotency-Key is still running; retry once it has answered',
    );
  }
  return { kind: 'replay', status: held.status, contentType: held.contentType, body: held.body };
}

/** Stores the answer of a claimed request, or (`answer` null) drops the claim so a retry runs. */
export async function finishIdempotentRequest(
  node: Context,
  principal: string,
  key: string,
  answer: IdempotentAnswer | null,
): Promise<void> {
  if (answer === null) await node.storage.releaseIdempotencyKey(principal, key);
  else await node.storage.completeIdempotencyKey(principal, key, answer);
}

/**
 * Forgets expired keys, and claims made before `claimsBefore` that were never answered: those
 * were left by a process that stopped mid-request, and would otherwise block the key for a day.
 */
export async function purgeIdempotencyKeys(
  node: Context,
  now: number,
  claimsBefore: number,
): Promise<number> {
  return node.storage.purgeIdempotencyKeys(now, claimsBefore);
}
