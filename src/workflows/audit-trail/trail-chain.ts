/**
 * The rules of the security audit trail, pure: how an event is hashed and signed, how the head is
 * signed, and how a stored trail is checked. No storage, no clock.
 *
 * An event's hash is the SHA-256 (hex) of the canonical JSON (RFC 8785) of every field but the
 * hash and signature, `prevHash` included, so changing, removing or inserting an event breaks the
 * link to the next one. The node signs each event's hash (domain `parley/audit-event/v1`), so an
 * edited event whose hash was recomputed is still named: its signature fails. It also signs the
 * head, `seq\nhash\n` of the newest event (domain `parley/audit-head/v1`): a trail cut at the end
 * is still a valid chain, but no longer reaches the signed head.
 *
 * Node key changes: every event names the key that signed it. An event's key must be the key of
 * the one before, except after a `node_key_rotated` event (signed by the old key), whose
 * `details.newKey` is the key that signs from then on. The key in force at the end must be the
 * node's current key, so a trail written under some other key is refused as a whole.
 *
 * The checker answers with problems rather than throwing: it names the first bad event and keeps
 * going, so one edit is reported once (the link to the next event still holds unless the stored
 * hash itself was changed, which the next event then reports too).
 */
import { canonicalize, parseCanonical } from '../../core/canonical-json.js';
import { sha256Hex } from '../../core/hash.js';
import { SIGNING_DOMAIN, verifyMessage } from '../../core/keys.js';
import type { SecurityEvent, SecurityTrailHead } from '../../storage/storage.js';

/** The previous hash of the first event. */
export const TRAIL_GENESIS_HASH = '0'.repeat(64);

/** The action whose `details.newKey` names the node key that signs the events after it. */
export const NODE_KEY_ROTATED = 'node_key_rotated';

/** An event's fields before it is hashed and signed. */
export type UnsealedEvent = Omit<SecurityEvent, 'hash' | 'nodeKey' | 'sig'>;

/** The hash of an event: SHA-256 of the canonical JSON of its fields (hash and signature aside). */
export function securityEventHash(event: UnsealedEvent): string {
  return sha256Hex(
    canonicalize({
      v: 1,
      seq: event.seq,
      at: event.at,
      actor: event.actor,
      action: event.action,
      subject: event.subject,
      address: event.address,
      details: parseCanonical(event.details),
      prevHash: event.prevHash,
    }),
  );
}

/** The text the node signs for the head. */
export function trailHeadMessage(seq: number, hash: string): string {
  return `${seq}\n${hash}\n`;
}

export type Sign = (domain: string, message: string) => string;

/** Hashes and signs an event, and signs the head that points at it. */
export function sealSecurityEvent(
  event: UnsealedEvent,
  nodeKey: string,
  sign: Sign,
): { event: SecurityEvent; head: SecurityTrailHead } {
  const hash = securityEventHash(event);
  const sig = sign(SIGNING_DOMAIN.auditEvent, hash);
  const headSig = sign(SIGNING_DOMAIN.auditHead, trailHeadMessage(event.seq, hash));
  return {
    event: { ...event, hash, nodeKey, sig },
    head: { seq: event.seq, hash, nodeKey, sig: headSig },
  };
}

export type TrailRule =
  /** A sequence number is skipped: the event was deleted (or the trail cut before the head). */
  | 'event_missing'
  /** An event's content does not give its stored hash: it was changed. */
  | 'hash_mismatch'
  /** An event does not name the previous event's hash: one was changed, inserted or removed. */
  | 'prev_hash_mismatch'
  /** An event's signature fails, or it is signed by a key not in force at that point. */
  | 'signature_invalid'
  /** The trail ends under a key that is not this node's. */
  | 'node_key_mismatch'
  /** The head is missing, its signature fails, or it names an event the trail does not hold. */
  | 'head_invalid';

export interface TrailProblem {
  /** The event's sequence number; the head's for `head_invalid`. */
  seq: number;
  rule: TrailRule;
  message: string;
}

/** At most this many problems are kept; the first is the one to look at. */
const MAX_PROBLEMS = 100;

/** Checks a trail read in order, event by event (`add`), then against its head (`finish`). */
export class TrailChecker {
  readonly problems: TrailProblem[] = [];
  #events = 0;
  #last: SecurityEvent | null = null;
  /** The key that must sign the next event; null until the first event names it. */
  #keyInForce: string | null = null;
  #atHead: SecurityEvent | null = null;

  constructor(private readonly head: SecurityTrailHead | null) {}

  get events(): number {
    return this.#events;
  }

  add(event: SecurityEvent): void {
    this.#events++;
    const expectedSeq = (this.#last?.seq ?? 0) + 1;
    if (event.seq !== expectedSeq) {
      const missing = event.seq - expectedSeq === 1 ? `${expectedSeq}` : `${expectedSeq}–${event.seq - 1}`;
      this.#problem(
        expectedSeq,
        'event_missing',
        `event ${missing} is missing: the trail goes from ${expectedSeq - 1} to ${event.seq}`,
      );
    }
    const expectedPrev = this.#last?.hash ?? TRAIL_GENESIS_HASH;
    if (event.prevHash !== expectedPrev) {
      this.#problem(
        event.seq,
        'prev_hash_mismatch',
        `event ${event.seq} does not follow the event before it (its previous hash differs)`,
      );
    }
    let computed: string | null;
    try {
      computed = securityEventHash(event);
    } catch {
      computed = null;
    }
    if (computed !== event.hash) {
      this.#problem(
        event.seq,
        'hash_mismatch',
        `event ${event.seq} was changed: its content does not give its hash`,
      );
    }
    const key = this.#keyInForce ?? event.nodeKey;
    if (event.nodeKey !== key) {
      this.#problem(
        event.seq,
        'signature_invalid',
        `event ${event.seq} is signed by a key not in force then`,
      );
    } else if (!verifyMessage(event.nodeKey, SIGNING_DOMAIN.auditEvent, event.hash, event.sig)) {
      this.#problem(
        event.seq,
        'signature_invalid',
        `event ${event.seq}: the node's signature does not verify`,
      );
    }
    this.#keyInForce = event.action === NODE_KEY_ROTATED ? (rotatedTo(event) ?? key) : key;
    if (this.head && event.seq === this.head.seq) this.#atHead = event;
    this.#last = event;
  }

  /** Checks the end of the trail; call once, after the last event. */
  finish(nodePublicKey: string): TrailProblem[] {
    const head = this.head;
    const last = this.#last;
    if (last && this.#keyInForce !== nodePublicKey) {
      this.#problem(
        last.seq,
        'node_key_mismatch',
        "the trail's events are signed by a key that is not this node's",
      );
    }
    if (!head) {
      if (last) this.#problem(last.seq, 'head_invalid', 'the signed head of the trail is missing');
      return this.problems;
    }
    if (!last || head.seq > last.seq) {
      const from = (last?.seq ?? 0) + 1;
      this.#problem(
        from,
        'event_missing',
        `event ${from === head.seq ? from : `${from}–${head.seq}`} is missing: the signed head names event ${head.seq} but the trail ends at ${last?.seq ?? 0}`,
      );
      return this.problems;
    }
    const named = this.#atHead;
    if (
      !verifyMessage(head.nodeKey, SIGNING_DOMAIN.auditHead, trailHeadMessage(head.seq, head.hash), head.sig)
    ) {
      this.#problem(head.seq, 'head_invalid', "the head's signature does not verify");
    } else if (!named || named.hash !== head.hash || named.nodeKey !== head.nodeKey) {
      this.#problem(head.seq, 'head_invalid', `the signed head does not match event ${head.seq}`);
    }
    return this.problems;
  }

  /** Events after the head (an append that stopped before moving the head); not an attack. */
  get eventsAfterHead(): number {
    if (!this.head || !this.#last) return 0;
    return Math.max(0, this.#last.seq - this.head.seq);
  }

  #problem(seq: number, rule: TrailRule, message: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ seq, rule, message });
  }
}

function rotatedTo(event: SecurityEvent): string | null {
  try {
    const details = JSON.parse(event.details) as { newKey?: unknown };
    return typeof details.newKey === 'string' ? details.newKey : null;
  } catch {
    return null;
  }
}
