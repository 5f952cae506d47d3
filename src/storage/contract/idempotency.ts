/**
 * The idempotency part of the storage contract: the answers remembered for requests that carried
 * an `Idempotency-Key`, keyed by (principal, key), so a client's retry after a lost answer gets
 * the first answer instead of writing again (http/idempotency.ts; IETF
 * draft-ietf-httpapi-idempotency-key-header).
 *
 * A record is first a claim (`status` null: the first request is still running), then the
 * answer. Claims are atomic: of two requests claiming one key at once, exactly one wins.
 */

export interface IdempotencyRecord {
  principal: string;
  key: string;
  /** Hash of the request (method, URL, body): the same key for another request is refused. */
  fingerprint: string;
  /** The answer's HTTP status; null while the first request is in flight. */
  status: number | null;
  contentType: string | null;
  /** The answer's body text; null while in flight. */
  body: string | null;
  createdAt: number;
  /** After this time the key is forgotten and may be used again. */
  expiresAt: number;
}

export interface IdempotencyClaim {
  principal: string;
  key: string;
  fingerprint: string;
  createdAt: number;
  expiresAt: number;
}

export interface IdempotencyStore {
  /**
   * Claims a key for a request about to run. Resolves to null when the claim was taken (no
   * record held the key, or only one that had expired by `claim.createdAt`); otherwise to the
   * record that holds the key, unchanged.
   */
  claimIdempotencyKey(claim: IdempotencyClaim): Promise<IdempotencyRecord | null>;
  /** Stores the answer of a claimed request. */
  completeIdempotencyKey(
    principal: string,
    key: string,
    answer: { status: number; contentType: string | null; body: string },
  ): Promise<void>;
  /** Drops a claim whose answer is not kept (so a retry runs again); answered records stay. */
  releaseIdempotencyKey(principal: string, key: string): Promise<void>;
  /**
   * Deletes every record that expired by `now`, and every claim still unanswered that was made
   * before `claimsBefore` (left by a process that stopped mid-request). Resolves to the count.
   */
  purgeIdempotencyKeys(now: number, claimsBefore: number): Promise<number>;
}
