/**
 * The one error type the node's operations throw. Each carries a stable machine-readable code;
 * the HTTP edge maps codes to statuses (http/error-mapping.ts) and the CLI prints the message.
 */

export const ERROR_CODES = {
  bad_request: 400,
  malformed_json: 400,
  validation_failed: 400,
  body_invalid: 400,
  kind_unknown: 400,
  kind_not_allowed: 400,
  language_invalid: 400,
  precedence_invalid: 400,
  ref_invalid: 400,
  password_too_weak: 400,
  idempotency_key_invalid: 400,
  passkey_challenge_invalid: 400,
  passkey_unknown: 400,
  passkey_invalid: 400,
  unauthenticated: 401,
  request_unsigned: 401,
  peer_unknown: 401,
  request_misdirected: 401,
  request_expired: 401,
  request_replayed: 401,
  request_signature_invalid: 401,
  entry_invalid: 422,
  idempotency_key_reused: 422,
  wrong_chain: 403,
  fork_detected: 409,
  invalid_credentials: 401,
  passkey_required: 401,
  passkey_cloned: 403,
  passkey_needs_session: 403,
  csrf_failed: 403,
  key_locked: 403,
  key_revoked: 403,
  forbidden: 403,
  channel_not_found: 404,
  entry_not_found: 404,
  office_not_found: 404,
  principal_not_found: 404,
  peer_not_found: 404,
  not_found: 404,
  passkeys_disabled: 404,
  already_exists: 409,
  state_conflict: 409,
  chain_conflict: 409,
  channel_not_active: 409,
  request_in_progress: 409,
  passkey_last_required: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ParleyError extends Error {
  override readonly name = 'ParleyError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Seconds a client should wait, for `too_many_requests`. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }
}
