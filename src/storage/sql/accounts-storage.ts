/**
 * The accounts part of the shared SQL store: the node's identity, offices and principals, API
 * tokens and calendar feeds (contract/directory.ts, contract/calendar-feeds.ts), sessions,
 * passkeys and idempotency keys. Each method is one or two shared queries (statements.ts,
 * passkey-statements.ts) and a row mapping (rows.ts).
 */
import {
  apiTokenValues,
  calendarFeedValues,
  principalValues,
  sessionValues,
  toApiToken,
  toCalendarFeed,
  toIdempotencyRecord,
  toNodeInfo,
  toPrincipal,
  toSession,
  type ApiTokenRow,
  type CalendarFeedRow,
  type IdempotencyRow,
  type NodeInfoRow,
  type PrincipalRow,
  type SessionRow,
} from '../rows.js';
import type {
  ApiToken,
  CalendarFeed,
  IdempotencyClaim,
  IdempotencyRecord,
  NodeInfo,
  Office,
  PasskeyChallenge,
  PasskeyCredential,
  PasskeyPurpose,
  Principal,
  Session,
} from '../storage.js';
import {
  PASSKEY_CHALLENGE_MAX_MS,
  PQ,
  passkeyValues,
  toPasskey,
  type PasskeyRow,
} from './passkey-statements.js';
import { SqlQueries } from './sql-queries.js';
import { Q } from './statements.js';

/** Directory, calendar feeds, sessions, passkeys and idempotency keys in shared SQL. */
export abstract class SqlAccountsStorage extends SqlQueries {
  async getNodeInfo(): Promise<NodeInfo | null> {
    const row = await this.one<NodeInfoRow>(Q.getNodeInfo);
    return row ? toNodeInfo(row) : null;
  }

  async setNodeInfo(info: NodeInfo): Promise<void> {
    await this.run(Q.setNodeInfo, [info.party, info.partyName, info.nodePublicKey, info.createdAt]);
  }

  async addOffice(office: Office): Promise<void> {
    await this.insertUnique('office', office.id, Q.addOffice, [office.id, office.name]);
  }

  async getOffice(id: string): Promise<Office | null> {
    return this.one<Office>(Q.getOffice, [id]);
  }

  async listOffices(): Promise<Office[]> {
    return this.rows<Office>(Q.listOffices);
  }

  async addPrincipal(p: Principal): Promise<void> {
    await this.insertUnique('principal', p.id, Q.addPrincipal, principalValues(p, this.flag));
  }

  async getPrincipal(id: string): Promise<Principal | null> {
    const row = await this.one<PrincipalRow>(Q.getPrincipal, [id]);
    return row ? toPrincipal(row) : null;
  }

  async listPrincipals(): Promise<Principal[]> {
    return (await this.rows<PrincipalRow>(Q.listPrincipals)).map(toPrincipal);
  }

  async setPrincipalDisabled(id: string, disabled: boolean): Promise<boolean> {
    return (await this.run(Q.setPrincipalDisabled, [this.flag(disabled), id])) > 0;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    return (await this.run(Q.setPasswordHash, [passwordHash, id])) > 0;
  }

  async setPrincipalKey(id: string, privateKey: string, publicKey?: string): Promise<boolean> {
    return (await this.run(Q.setPrincipalKey, [privateKey, publicKey ?? null, id])) > 0;
  }

  async createApiToken(t: ApiToken): Promise<void> {
    await this.insertUnique('API token', t.tokenHash, Q.createApiToken, apiTokenValues(t));
  }

  async getApiToken(tokenHash: string): Promise<ApiToken | null> {
    const row = await this.one<ApiTokenRow>(Q.getApiToken, [tokenHash]);
    return row ? toApiToken(row) : null;
  }

  async listApiTokens(principal: string | null): Promise<ApiToken[]> {
    return (await this.rowsOf<ApiTokenRow>(principal, Q.listApiTokens, Q.listApiTokensOf)).map(toApiToken);
  }

  async deleteApiToken(tokenHash: string): Promise<boolean> {
    return (await this.run(Q.deleteApiToken, [tokenHash])) > 0;
  }

  async deleteApiTokensOf(principal: string): Promise<number> {
    return this.run(Q.deleteApiTokensOf, [principal]);
  }

  async touchApiToken(tokenHash: string, at: number): Promise<void> {
    await this.run(Q.touchApiToken, [at, tokenHash]);
  }

  async createCalendarFeed(f: CalendarFeed): Promise<void> {
    await this.insertUnique('calendar feed', f.id, Q.createCalendarFeed, calendarFeedValues(f));
  }

  async getCalendarFeed(tokenHash: string): Promise<CalendarFeed | null> {
    const row = await this.one<CalendarFeedRow>(Q.getCalendarFeed, [tokenHash]);
    return row ? toCalendarFeed(row) : null;
  }

  async listCalendarFeeds(principal: string | null): Promise<CalendarFeed[]> {
    return (await this.rowsOf<CalendarFeedRow>(principal, Q.listCalendarFeeds, Q.listCalendarFeedsOf)).map(
      toCalendarFeed,
    );
  }

  async deleteCalendarFeed(id: string): Promise<boolean> {
    return (await this.run(Q.deleteCalendarFeed, [id])) > 0;
  }

  // Sessions.

  async createSession(s: Session): Promise<void> {
    await this.insertUnique('session', s.tokenHash, Q.createSession, sessionValues(s));
  }

  async getSession(tokenHash: string): Promise<Session | null> {
    const row = await this.one<SessionRow>(Q.getSession, [tokenHash]);
    return row ? toSession(row) : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.run(Q.deleteSession, [tokenHash]);
  }

  async touchSession(tokenHash: string, at: number): Promise<void> {
    await this.run(Q.touchSession, [at, tokenHash, at]);
  }

  async deleteSessionsOf(principal: string, keepTokenHash: string | null): Promise<number> {
    // '' is never a token hash (they are SHA-256 hex), so it keeps nothing.
    return this.run(Q.deleteSessionsOf, [principal, keepTokenHash ?? '']);
  }

  async completeSessionFactor(tokenHash: string, expiresAt: number): Promise<boolean> {
    return (await this.run(Q.completeSessionFactor, [expiresAt, tokenHash])) === 1;
  }

  // Passkeys (contract/passkeys.ts).

  async addPasskey(c: PasskeyCredential): Promise<void> {
    await this.insertUnique('passkey', c.id, PQ.addPasskey, passkeyValues(c, this.flag));
  }

  async getPasskey(id: string): Promise<PasskeyCredential | null> {
    const row = await this.one<PasskeyRow>(PQ.getPasskey, [id]);
    return row ? toPasskey(row) : null;
  }

  async listPasskeys(principal: string | null): Promise<PasskeyCredential[]> {
    return (await this.rowsOf<PasskeyRow>(principal, PQ.listPasskeys, PQ.listPasskeysOf)).map(toPasskey);
  }

  async renamePasskey(id: string, principal: string, name: string): Promise<boolean> {
    return (await this.run(PQ.renamePasskey, [name, id, principal])) === 1;
  }

  async deletePasskey(id: string, principal: string): Promise<boolean> {
    return (await this.run(PQ.deletePasskey, [id, principal])) === 1;
  }

  async recordPasskeyUse(id: string, expectedCounter: number, counter: number, at: number): Promise<boolean> {
    return (await this.run(PQ.recordPasskeyUse, [counter, at, id, expectedCounter])) === 1;
  }

  async putPasskeyChallenge(c: PasskeyChallenge): Promise<void> {
    await this.run(PQ.dropExpiredChallenges, [c.expiresAt - PASSKEY_CHALLENGE_MAX_MS]);
    await this.run(PQ.dropSessionChallenge, [c.sessionHash, c.purpose]);
    await this.insertUnique('passkey challenge', c.challenge, PQ.putChallenge, [
      c.challenge,
      c.principal,
      c.sessionHash,
      c.purpose,
      c.expiresAt,
    ]);
  }

  async takePasskeyChallenge(
    challenge: string,
    sessionHash: string,
    purpose: PasskeyPurpose,
    now: number,
  ): Promise<boolean> {
    return (await this.run(PQ.takeChallenge, [challenge, sessionHash, purpose, now])) === 1;
  }

  // Idempotency keys (contract/idempotency.ts). The primary key makes a claim atomic; an expired
  // record is deleted (only while still expired) before claiming again, so racing claims after
  // expiry still leave one winner.

  async claimIdempotencyKey(claim: IdempotencyClaim): Promise<IdempotencyRecord | null> {
    const { principal, key } = claim;
    const values = [principal, key, claim.fingerprint, claim.createdAt, claim.expiresAt];
    for (;;) {
      if ((await this.run(Q.claimIdempotency, values)) === 1) return null;
      const row = await this.one<IdempotencyRow>(Q.getIdempotency, [principal, key]);
      if (row === null) continue; // Purged between the two statements: claim again.
      const record = toIdempotencyRecord(row);
      if (record.expiresAt > claim.createdAt) return record;
      await this.run(Q.dropExpiredIdempotency, [principal, key, claim.createdAt]);
    }
  }

  async completeIdempotencyKey(
    principal: string,
    key: string,
    answer: { status: number; contentType: string | null; body: string },
  ): Promise<void> {
    await this.run(Q.completeIdempotency, [answer.status, answer.contentType, answer.body, principal, key]);
  }

  async releaseIdempotencyKey(principal: string, key: string): Promise<void> {
    await this.run(Q.releaseIdempotency, [principal, key]);
  }

  async purgeIdempotencyKeys(now: number, claimsBefore: number): Promise<number> {
    return this.run(Q.purgeIdempotency, [now, claimsBefore]);
  }
}
