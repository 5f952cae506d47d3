/**
 * The SQL of the alerting part of the contract (contract/alerting.ts), shared by both dialects
 * like statements.ts, and the mapping of its rows.
 */
import type { AlertDelivery, AlertOffice, AlertPerson, WatchShift } from '../contract/alerting.js';
import type { RowOf } from '../rows.js';

const DELIVERY_COLUMNS =
  'id, channel, party, seq, transport, target, state, attempts, next_attempt_at, claimed_until, last_error, created_at, sent_at, updated_at';
const SHIFT_COLUMNS = 'id, office, principal, starts_at, ends_at, created_by, created_at';

export const AQ = {
  putPerson: `INSERT INTO alert_people (principal, email, alternates, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (principal) DO UPDATE SET email = excluded.email, alternates = excluded.alternates,
      updated_at = excluded.updated_at`,
  getPerson: 'SELECT principal, email, alternates, updated_at FROM alert_people WHERE principal = ?',
  listPeople: 'SELECT principal, email, alternates, updated_at FROM alert_people ORDER BY principal',
  putOffice: `INSERT INTO alert_offices (office, webhook_url, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (office) DO UPDATE SET webhook_url = excluded.webhook_url, updated_at = excluded.updated_at`,
  getOffice: 'SELECT office, webhook_url, updated_at FROM alert_offices WHERE office = ?',
  listOffices: 'SELECT office, webhook_url, updated_at FROM alert_offices ORDER BY office',
  addShift: `INSERT INTO watch_shifts (${SHIFT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  listShifts: `SELECT ${SHIFT_COLUMNS} FROM watch_shifts ORDER BY starts_at, id`,
  listShiftsOf: `SELECT ${SHIFT_COLUMNS} FROM watch_shifts WHERE office = ? ORDER BY starts_at, id`,
  deleteShift: 'DELETE FROM watch_shifts WHERE office = ? AND id = ?',
  getCursor: 'SELECT next_seq FROM alert_cursors WHERE channel = ?',
  moveCursor: `INSERT INTO alert_cursors (channel, next_seq) VALUES (?, ?)
    ON CONFLICT (channel) DO UPDATE SET next_seq = excluded.next_seq
    WHERE alert_cursors.next_seq < excluded.next_seq`,
  insertDelivery: `INSERT INTO alert_deliveries (${DELIVERY_COLUMNS})
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  listDue: `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries
    WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
  claim: `UPDATE alert_deliveries SET state = 'sending', claimed_until = ?, attempts = attempts + 1,
      updated_at = ?
    WHERE id = ? AND state = 'pending' AND next_attempt_at <= ?`,
  sent: `UPDATE alert_deliveries SET state = 'sent', sent_at = ?, updated_at = ?, claimed_until = NULL,
      last_error = NULL
    WHERE id = ? AND state = 'sending'`,
  retry: `UPDATE alert_deliveries SET state = 'pending', next_attempt_at = ?, last_error = ?,
      updated_at = ?, claimed_until = NULL
    WHERE id = ? AND state = 'sending'`,
  failed: `UPDATE alert_deliveries SET state = 'failed', last_error = ?, updated_at = ?, claimed_until = NULL
    WHERE id = ? AND state = 'sending'`,
  reclaim: `UPDATE alert_deliveries SET state = 'pending', claimed_until = NULL, updated_at = ?
    WHERE state = 'sending' AND claimed_until < ?`,
  listDeliveries: `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries ORDER BY created_at DESC, id LIMIT ?`,
  listDeliveriesOf: `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries
    WHERE channel = ? AND party = ? AND seq = ? ORDER BY created_at DESC, id LIMIT ?`,
  countDeliveries: `SELECT transport, state, count(*) AS n FROM alert_deliveries GROUP BY transport, state
    ORDER BY transport, state`,
} as const;

export interface AlertPersonRow {
  principal: string;
  email: string | null;
  alternates: string;
  updated_at: number;
}

export function toAlertPerson(row: AlertPersonRow): AlertPerson {
  return {
    principal: row.principal,
    email: row.email,
    alternates: JSON.parse(row.alternates) as string[],
    updatedAt: Number(row.updated_at),
  };
}

export interface AlertOfficeRow {
  office: string;
  webhook_url: string | null;
  updated_at: number;
}

export function toAlertOffice(row: AlertOfficeRow): AlertOffice {
  return { office: row.office, webhookUrl: row.webhook_url, updatedAt: Number(row.updated_at) };
}

export interface WatchShiftRow {
  id: string;
  office: string;
  principal: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  created_at: number;
}

export function toWatchShift(row: WatchShiftRow): WatchShift {
  return {
    id: row.id,
    office: row.office,
    principal: row.principal,
    startsAt: Number(row.starts_at),
    endsAt: Number(row.ends_at),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

export function shiftValues(s: WatchShift): unknown[] {
  return [s.id, s.office, s.principal, s.startsAt, s.endsAt, s.createdBy, s.createdAt];
}

export type AlertDeliveryRow = RowOf<AlertDelivery>;

const orNull = (value: number | null): number | null => (value === null ? null : Number(value));

export function toAlertDelivery(row: AlertDeliveryRow): AlertDelivery {
  return {
    id: row.id,
    channel: row.channel,
    party: row.party,
    seq: Number(row.seq),
    transport: row.transport,
    target: row.target,
    state: row.state,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    claimedUntil: orNull(row.claimed_until),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    sentAt: orNull(row.sent_at),
    updatedAt: Number(row.updated_at),
  };
}

export function deliveryValues(d: AlertDelivery): unknown[] {
  return [
    d.id,
    d.channel,
    d.party,
    d.seq,
    d.transport,
    d.target,
    d.state,
    d.attempts,
    d.nextAttemptAt,
    d.claimedUntil,
    d.lastError,
    d.createdAt,
    d.sentAt,
    d.updatedAt,
  ];
}
