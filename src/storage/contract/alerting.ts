/**
 * The alerting part of the storage contract: who is reached and how when an escalation names
 * them (a person's e-mail address and alternates, an office's on-watch roster and webhook), and
 * the durable outbox of deliveries (workflows/alerting). Writes that depend on the delivery
 * lease take its fence, and storage refuses them once the lease has moved on.
 */
import type { LeaseFence } from './leases.js';

/** How one person is reached. */
export interface AlertPerson {
  principal: string;
  /** Where escalations naming this person are e-mailed; null: not by e-mail. */
  email: string | null;
  /** Told with this person, in this order (principal ids of this node). */
  alternates: string[];
  updatedAt: number;
}

/** How one office is reached: its signed webhook. */
export interface AlertOffice {
  office: string;
  webhookUrl: string | null;
  updatedAt: number;
}

/** One person on watch for an office from `startsAt` (inclusive) to `endsAt` (exclusive). */
export interface WatchShift {
  id: string;
  office: string;
  principal: string;
  startsAt: number;
  endsAt: number;
  createdBy: string;
  createdAt: number;
}

export type AlertTransport = 'email' | 'webhook';
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed';

/** One delivery of one escalation entry by one transport to one target. */
export interface AlertDelivery {
  /** Derived from (entry, transport, target): the same delivery is planned once. */
  id: string;
  channel: string;
  party: string;
  seq: number;
  transport: AlertTransport;
  /** The person (e-mail) or office (webhook) it goes to; the address is read when it is sent. */
  target: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  /** While `sending`: until when the claiming process may be sending it. */
  claimedUntil: number | null;
  /** Why the last attempt failed (never a secret: no password, no webhook URL). */
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  updatedAt: number;
}

/** How one attempt ended: sent, pending again at `retryAt`, or failed for good. */
export type DeliveryOutcome =
  | { state: 'sent'; at: number }
  | { state: 'pending'; at: number; retryAt: number; error: string }
  | { state: 'failed'; at: number; error: string };

export interface DeliveryCount {
  transport: AlertTransport;
  state: DeliveryState;
  count: number;
}

export interface AlertingStore {
  /** Creates or replaces a person's alerting record. */
  putAlertPerson(person: AlertPerson): Promise<void>;
  getAlertPerson(principal: string): Promise<AlertPerson | null>;
  listAlertPeople(): Promise<AlertPerson[]>;
  /** Creates or replaces an office's alerting record. */
  putAlertOffice(office: AlertOffice): Promise<void>;
  getAlertOffice(office: string): Promise<AlertOffice | null>;
  listAlertOffices(): Promise<AlertOffice[]>;

  /** Throws AlreadyExistsError when the id is taken. */
  addWatchShift(shift: WatchShift): Promise<void>;
  /** An office's shifts, or every office's with null; by start. */
  listWatchShifts(office: string | null): Promise<WatchShift[]>;
  /** False when the office has no such shift. */
  deleteWatchShift(office: string, id: string): Promise<boolean>;

  /** Where planning stands in a channel: the next seq of this node's chain to look at (0 when new). */
  alertCursor(channel: string): Promise<number>;
  /**
   * Inserts the deliveries not yet there (by id) and moves the channel's cursor forward to
   * `nextSeq`, in one transaction; refused (LeaseLostError, nothing written) when `fence` no
   * longer holds.
   */
  planDeliveries(
    channel: string,
    nextSeq: number,
    deliveries: AlertDelivery[],
    fence?: LeaseFence,
  ): Promise<void>;
  /** Pending deliveries due at `now`, oldest first. */
  listDueDeliveries(now: number, limit: number): Promise<AlertDelivery[]>;
  /**
   * Claims a pending delivery for sending until `until` (counting the attempt); false when it is
   * no longer pending and due (another process has it, or it is done).
   */
  claimDelivery(id: string, now: number, until: number, fence?: LeaseFence): Promise<boolean>;
  /** Records the outcome of a claimed attempt: sent, pending again at `retryAt`, or failed for good. */
  finishDelivery(id: string, outcome: DeliveryOutcome): Promise<void>;
  /** Puts deliveries claimed by a process that stopped (claim ended before `now`) back to pending. */
  reclaimStaleDeliveries(now: number, fence?: LeaseFence): Promise<number>;
  /** Deliveries, newest first; those of one entry with `entry`. */
  listDeliveries(
    limit: number,
    entry?: { channel: string; party: string; seq: number },
  ): Promise<AlertDelivery[]>;
  countDeliveries(): Promise<DeliveryCount[]>;
}
