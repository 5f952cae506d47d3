/**
 * The leases part of the storage contract: work that must run in one process of a node at a
 * time (an outbox per peer, the escalation scheduler, the witness, link tests) is held through a
 * lease row per name, stored in the node's database, so it works wherever the database is
 * shared, through any connection pooler (no session advisory locks).
 *
 * A lease has a holder (one process), an expiry the holder keeps pushing forward, and an epoch:
 * the fencing token. The epoch grows by one whenever the holder changes and is never reused, so a
 * write that carries the epoch it was started under (a `LeaseFence`) can be refused, inside the
 * write's own transaction, once another process has taken the lease: a holder that paused past
 * its expiry (a long GC pause, a stopped VM) cannot write over its successor.
 *
 * Times are the callers' clocks (ms since the epoch): processes of one node must agree on the
 * time to well within a lease's duration, which NTP gives. Correctness does not rest on it: a
 * lease taken too early only fences the former holder's writes out sooner.
 */

/** A lease as stored. */
export interface Lease {
  name: string;
  /** The process holding it; '' after a release. */
  holder: string;
  /** The fencing token: +1 at every change of holder. */
  epoch: number;
  /** When the current holder took it. */
  acquiredAt: number;
  /** Free for others to take from this time on, unless renewed. */
  expiresAt: number;
}

/** What a write that depends on a lease carries: refused once the lease moved on. */
export interface LeaseFence {
  name: string;
  holder: string;
  epoch: number;
}

export interface LeaseStore {
  /**
   * Takes the lease for `holder` until `now + ttlMs` if it is free (no row, released or expired
   * at `now`), or renews it if `holder` holds it. Resolves to the lease held (the epoch grew by
   * one if the holder changed), or null when another holder has it and it has not expired.
   * Atomic: of two processes racing for a free lease, exactly one gets it.
   */
  acquireLease(name: string, holder: string, now: number, ttlMs: number): Promise<Lease | null>;
  /** Gives up a lease held under `fence` (others may take it at once); false when it was not. */
  releaseLease(fence: LeaseFence): Promise<boolean>;
  getLease(name: string): Promise<Lease | null>;
  /** Every lease row, by name. */
  listLeases(): Promise<Lease[]>;
}
