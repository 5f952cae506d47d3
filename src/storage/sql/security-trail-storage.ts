/**
 * The security audit trail in shared SQL (contract/security-trail.ts). The seq primary key lets
 * one of two racing appends win; the loser seals again on the winner. The head only moves
 * forward.
 */
import { toSecurityEvent, toSecurityTrailHead, type SecurityEventRow } from '../rows.js';
import type { SecurityEvent, SecurityEventQuery, SecurityTrailHead, SecurityTrailTip } from '../storage.js';
import { SqlAccountsStorage } from './accounts-storage.js';

/** How often an append that lost the race for a sequence number is sealed again. */
const TRAIL_APPEND_ATTEMPTS = 50;
const TRAIL_COLUMNS = 'seq, at, actor, action, subject, address, details, prev_hash, hash, node_key, sig';
const TRAIL = {
  tip: 'SELECT seq, hash FROM security_events ORDER BY seq DESC LIMIT 1',
  insert: `INSERT INTO security_events (${TRAIL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  moveHead: `INSERT INTO security_trail_head (id, seq, hash, node_key, sig) VALUES (1, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
      node_key = excluded.node_key, sig = excluded.sig
    WHERE security_trail_head.seq < excluded.seq`,
  read: `SELECT ${TRAIL_COLUMNS} FROM security_events WHERE seq > ? ORDER BY seq LIMIT ?`,
  head: 'SELECT seq, hash, node_key, sig FROM security_trail_head WHERE id = 1',
} as const;

/** The security audit trail's appends and reads. */
export abstract class SqlSecurityTrailStorage extends SqlAccountsStorage {
  async appendSecurityEvent(
    seal: (
      tip: SecurityTrailTip | null,
    ) =>
      | { event: SecurityEvent; head: SecurityTrailHead }
      | Promise<{ event: SecurityEvent; head: SecurityTrailHead }>,
  ): Promise<SecurityEvent> {
    for (let attempt = 0; ; attempt++) {
      const tip = await this.one<SecurityTrailTip>(TRAIL.tip);
      const { event, head } = await seal(tip);
      const e = event;
      try {
        await this.run(TRAIL.insert, [
          e.seq,
          e.at,
          e.actor,
          e.action,
          e.subject,
          e.address,
          e.details,
          e.prevHash,
          e.hash,
          e.nodeKey,
          e.sig,
        ]);
      } catch (error) {
        if (this.isUniqueViolation(error) && attempt < TRAIL_APPEND_ATTEMPTS) continue;
        throw error;
      }
      await this.run(TRAIL.moveHead, [head.seq, head.hash, head.nodeKey, head.sig]);
      return event;
    }
  }

  async listSecurityEvents(query: SecurityEventQuery): Promise<SecurityEvent[]> {
    if (query.limit <= 0) return [];
    const where: string[] = [];
    const values: unknown[] = [];
    const filter = (clause: string, value: unknown): void => {
      if (value === undefined) return;
      where.push(clause);
      values.push(value);
    };
    filter('action = ?', query.action);
    filter('actor = ?', query.actor);
    filter('subject = ?', query.subject);
    filter('at >= ?', query.since);
    filter('at < ?', query.until);
    filter('seq < ?', query.beforeSeq);
    const sql = `SELECT ${TRAIL_COLUMNS} FROM security_events
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return (await this.rows<SecurityEventRow>(sql, [...values, query.limit])).map(toSecurityEvent);
  }

  async readSecurityTrail(afterSeq: number, limit: number): Promise<SecurityEvent[]> {
    if (limit <= 0) return [];
    return (await this.rows<SecurityEventRow>(TRAIL.read, [afterSeq, limit])).map(toSecurityEvent);
  }

  async getSecurityTrailHead(): Promise<SecurityTrailHead | null> {
    const row = await this.one<{ seq: number; hash: string; node_key: string; sig: string }>(TRAIL.head);
    return row ? toSecurityTrailHead(row) : null;
  }
}
