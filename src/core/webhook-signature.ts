/**
 * The signature of an escalation webhook (README "Mail and webhooks"), so that a receiver can
 * check that a POST comes from this node and was not replayed from long ago. The node signs, with
 * its Ed25519 node key, the bytes
 *
 *     "parley/webhook/v1\n" || <Parley-Timestamp header, decimal Unix seconds> || "\n" || <body>
 *
 * where the body is the exact bytes of the request body (UTF-8 JSON). The signature goes in the
 * `Parley-Signature` header as `ed25519=<base64>`, the raw public key (base64) in
 * `Parley-Node-Key`; the receiver pins that key (the node's fingerprint is shown by
 * `parley node-key show` and `GET /api/v1/node`) and refuses a timestamp too far from its clock.
 */
import { SIGNING_DOMAIN, verifyMessage } from './keys.js';

export const WEBHOOK_HEADERS = {
  signature: 'parley-signature',
  timestamp: 'parley-timestamp',
  nodeKey: 'parley-node-key',
  delivery: 'parley-delivery',
} as const;

/** How far a receiver should accept a timestamp from its own clock by default. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The message (after the domain tag) that the node key signs for one webhook request. */
export function webhookMessage(timestamp: number, body: string): string {
  return `${timestamp}\n${body}`;
}

/** The header value for a signature (base64 of the 64 bytes). */
export function webhookSignatureHeader(signature: string): string {
  return `ed25519=${signature}`;
}

/**
 * True when `header` is a valid node signature over `timestamp` and `body` by `publicKey` and the
 * timestamp is within `toleranceSeconds` of `nowSeconds`. False for anything malformed.
 */
export function verifyWebhook(
  publicKey: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.timestamp || !/^\d{1,12}$/.test(headers.timestamp)) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const match = /^ed25519=([A-Za-z0-9+/=]{86,88})$/.exec(headers.signature ?? '');
  if (!match) return false;
  return verifyMessage(publicKey, SIGNING_DOMAIN.webhook, webhookMessage(timestamp, body), match[1]!);
}
