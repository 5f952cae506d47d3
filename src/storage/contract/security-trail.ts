/**
 * The security audit trail's part of the storage contract: an append-only, hash-chained list of
 * signed events and its signed head (workflows/audit-trail seals both; storage only keeps them in
 * order). Sequence numbers start at 1 and leave no gaps; an append that loses a race for a number
 * (another process appended first) is sealed again on the new previous event.
 */

/** One event as stored. `details` is the canonical JSON text of a small object. */
export interface SecurityEvent {
  seq: number;
  at: number;
  actor: string | null;
  action: string;
  subject: string | null;
  address: string | null;
  details: string;
  /** The previous event's hash; for the first event, 64 zeros. */
  prevHash: string;
  hash: string;
  /** The node key (base64 raw Ed25519) whose signature `sig` is over `hash`. */
  nodeKey: string;
  sig: string;
}

/** The newest event the node vouches for: a signature of its own, so the tail cannot be cut. */
export interface SecurityTrailHead {
  seq: number;
  hash: string;
  nodeKey: string;
  sig: string;
}

/** What a seal is given: the event it follows, or null for the first. */
export interface SecurityTrailTip {
  seq: number;
  hash: string;
}

export interface SecurityEventQuery {
  action?: string;
  actor?: string;
  subject?: string;
  /** Events at or after this time (ms). */
  since?: number;
  /** Events before this time (ms). */
  until?: number;
  /** Paging: only events with a lower seq. */
  beforeSeq?: number;
  limit: number;
}

export interface SecurityTrailStore {
  /**
   * Appends the event `seal` builds on the current tip and moves the head to it (never back).
   * `seal` may run more than once when other writers append concurrently.
   */
  appendSecurityEvent(
    seal: (
      tip: SecurityTrailTip | null,
    ) =>
      | { event: SecurityEvent; head: SecurityTrailHead }
      | Promise<{ event: SecurityEvent; head: SecurityTrailHead }>,
  ): Promise<SecurityEvent>;
  /** Matching events, newest first. */
  listSecurityEvents(query: SecurityEventQuery): Promise<SecurityEvent[]>;
  /** Events in order from `afterSeq` (exclusive), at most `limit` (rows as stored, for checking). */
  readSecurityTrail(afterSeq: number, limit: number): Promise<SecurityEvent[]>;
  /** The signed head, or null before the first event. */
  getSecurityTrailHead(): Promise<SecurityTrailHead | null>;
}
