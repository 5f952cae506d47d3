/**
 * What the SQLite and PostgreSQL backends share: every query whose SQL is the same in both
 * dialects, with `?` placeholders (the PostgreSQL backend numbers them), the row mapping
 * (rows.ts) and the commit wake-ups. A backend supplies only its dialect: how a statement runs,
 * what a unique violation looks like, how booleans are bound, its transactions (channel creation
 * and appends) and the few queries that need engine-specific SQL.
 */
import { CommitListeners } from './commit-hints.js';
import {
  ENTRY_COLUMNS,
  charterValues,
  equivocationValues,
  forkValues,
  peerValues,
  principalValues,
  toApiToken,
  toAuditEvent,
  toChannel,
  toCursored,
  toEntry,
  toEquivocation,
  toFork,
  toHead,
  toIdempotencyRecord,
  toLinkTest,
  toNodeInfo,
  toPeer,
  toPrincipal,
  toSession,
  type ApiTokenRow,
  type ChannelRow,
  type EntryRow,
  type EquivocationRow,
  type ForkRow,
  type HeadRow,
  type IdempotencyRow,
  type LinkTestRow,
  type NodeInfoRow,
  type PeerRow,
  type PrincipalRow,
  type SessionRow,
} from '../rows.js';
import {
  AlreadyExistsError,
  type ApiToken,
  type AuditEvent,
  type ChainHead,
  type ChangeBatch,
  type Channel,
  type ChannelCharter,
  type BackupResult,
  type ChannelState,
  type CommitListener,
  type CursoredEntry,
  type EquivocationEvidence,
  type ForkEvidence,
  type IdempotencyClaim,
  type IdempotencyRecord,
  type LatestCosignature,
  type LinkTest,
  type NodeInfo,
  type Office,
  type Peer,
  type Principal,
  type Session,
  type Storage,
  type StoredEntry,
} from '../storage.js';
import { Q, SQL, refPartyPattern, type SqlDialect, type AwaitingReceiptQuery } from './statements.js';

export { SQL, refPartyPattern, type SqlDialect, type AwaitingReceiptQuery } from './statements.js';

/** The shared part of both SQL backends. */
export abstract class SqlStorage implements Storage {
  abstract readonly engine: string;
  abstract readonly migrationsApplied: readonly number[];
  /** Listeners of the change feed's wake-up; backends emit after their commits. */
  protected readonly commitListeners = new CommitListeners();
  readonly #flag: (value: boolean) => unknown;
  readonly #latestByRefParty: string;

  protected constructor(dialect: SqlDialect) {
    this.#flag = dialect.flag;
    this.#latestByRefParty = `SELECT ${ENTRY_COLUMNS} FROM entries ${dialect.kindIndexHint}
      WHERE channel = ? AND party = ? AND kind = ? AND ref LIKE ? ESCAPE '\\'
      ORDER BY cursor DESC LIMIT 1`;
  }

  /** Runs a query outside any explicit transaction; `?` placeholders. */
  protected abstract rows<R>(sql: string, values?: unknown[]): Promise<R[]>;
  /** Runs a write outside any explicit transaction; resolves to the number of rows changed. */
  protected abstract run(sql: string, values?: unknown[]): Promise<number>;
  protected abstract isUniqueViolation(error: unknown): boolean;
  /** Runs an update of one channel's record and wakes the change feed's listeners. */
  protected abstract writeChannelRecord(id: string, sql: string, values: unknown[]): Promise<void>;

  abstract close(): Promise<void>;
  abstract backupTo(path: string): Promise<BackupResult>;
  abstract createChannel(channel: Channel, entries: StoredEntry[], head: ChainHead): Promise<void>;
  abstract appendEntries(entries: StoredEntry[], heads: ChainHead[]): Promise<void>;
  /** listAwaitingReceipt's query (its list binding differs by dialect); arguments are non-empty. */
  protected abstract queryAwaitingReceipt(query: AwaitingReceiptQuery): Promise<EntryRow[]>;

  async #one<R>(sql: string, values: unknown[] = []): Promise<R | null> {
    return (await this.rows<R>(sql, values))[0] ?? null;
  }

  /** Runs an insert, turning a key collision into AlreadyExistsError. */
  protected async insertUnique(what: string, id: string, sql: string, values: unknown[]): Promise<void> {
    try {
      await this.run(sql, values);
    } catch (error) {
      if (this.isUniqueViolation(error)) throw new AlreadyExistsError(what, id);
      throw error;
    }
  }

  // Directory.

  async getNodeInfo(): Promise<NodeInfo | null> {
    const row = await this.#one<NodeInfoRow>(Q.getNodeInfo);
    return row ? toNodeInfo(row) : null;
  }

  async setNodeInfo(info: NodeInfo): Promise<void> {
    await this.run(Q.setNodeInfo, [info.party, info.partyName, info.nodePublicKey, info.createdAt]);
  }

  async addOffice(office: Office): Promise<void> {
    await this.insertUnique('office', office.id, Q.addOffice, [office.id, office.name]);
  }

  async getOffice(id: string): Promise<Office | null> {
    return this.#one<Office>(Q.getOffice, [id]);
  }

  async listOffices(): Promise<Office[]> {
    return this.rows<Office>(Q.listOffices);
  }

  async addPrincipal(p: Principal): Promise<void> {
    await this.insertUnique('principal', p.id, Q.addPrincipal, principalValues(p, this.#flag));
  }

  async getPrincipal(id: string): Promise<Principal | null> {
    const row = await this.#one<PrincipalRow>(Q.getPrincipal, [id]);
    return row ? toPrincipal(row) : null;
  }

  async listPrincipals(): Promise<Principal[]> {
    return (await this.rows<PrincipalRow>(Q.listPrincipals)).map(toPrincipal);
  }

  async setPrincipalDisabled(id: string, disabled: boolean): Promise<boolean> {
    return (await this.run(Q.setPrincipalDisabled, [this.#flag(disabled), id])) > 0;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    return (await this.run(Q.setPasswordHash, [passwordHash, id])) > 0;
  }

  async createApiToken(t: ApiToken): Promise<void> {
    await this.insertUnique('API token', t.tokenHash, Q.createApiToken, [
      t.tokenHash,
      t.principal,
      t.label,
      t.createdAt,
      t.expiresAt ?? null,
    ]);
  }

  async getApiToken(tokenHash: string): Promise<ApiToken | null> {
    const row = await this.#one<ApiTokenRow>(Q.getApiToken, [tokenHash]);
    return row ? toApiToken(row) : null;
  }

  async listApiTokens(principal: string | null): Promise<ApiToken[]> {
    const rows =
      principal === null
        ? await this.rows<ApiTokenRow>(Q.listApiTokens)
        : await this.rows<ApiTokenRow>(Q.listApiTokensOf, [principal]);
    return rows.map(toApiToken);
  }

  async deleteApiToken(tokenHash: string): Promise<boolean> {
    return (await this.run(Q.deleteApiToken, [tokenHash])) > 0;
  }

  async deleteApiTokensOf(principal: string): Promise<number> {
    return this.run(Q.deleteApiTokensOf, [principal]);
  }

  async recordAudit(event: AuditEvent): Promise<void> {
    await this.run(Q.recordAudit, [event.at, event.type, event.principal, event.ip, event.detail]);
  }

  /** Newest first. */
  async listAudit(limit: number): Promise<AuditEvent[]> {
    if (limit <= 0) return [];
    return (await this.rows<AuditEvent>(Q.listAudit, [limit])).map(toAuditEvent);
  }

  // Sessions.

  async createSession(s: Session): Promise<void> {
    await this.insertUnique('session', s.tokenHash, Q.createSession, [
      s.tokenHash,
      s.principal,
      s.csrfToken,
      s.createdAt,
      s.expiresAt,
      s.lastSeenAt,
    ]);
  }

  async getSession(tokenHash: string): Promise<Session | null> {
    const row = await this.#one<SessionRow>(Q.getSession, [tokenHash]);
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

  // Idempotency keys (contract/idempotency.ts). The primary key makes a claim atomic; an expired
  // record is deleted (only while still expired) before claiming again, so racing claims after
  // expiry still leave one winner.

  async claimIdempotencyKey(claim: IdempotencyClaim): Promise<IdempotencyRecord | null> {
    const { principal, key } = claim;
    const values = [principal, key, claim.fingerprint, claim.createdAt, claim.expiresAt];
    for (;;) {
      if ((await this.run(Q.claimIdempotency, values)) === 1) return null;
      const row = await this.#one<IdempotencyRow>(Q.getIdempotency, [principal, key]);
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

  // Channels.

  async getChannel(id: string): Promise<Channel | null> {
    const row = await this.#one<ChannelRow>(Q.getChannel, [id]);
    return row ? toChannel(row) : null;
  }

  async listChannels(): Promise<Channel[]> {
    return (await this.rows<ChannelRow>(Q.listChannels)).map(toChannel);
  }

  async setChannelState(id: string, state: ChannelState): Promise<void> {
    await this.writeChannelRecord(id, SQL.setChannelState, [state, id]);
  }

  async setChannelCharter(id: string, charter: ChannelCharter): Promise<void> {
    await this.writeChannelRecord(id, SQL.setChannelCharter, [...charterValues(charter), id]);
  }

  // Chains.

  async getChainHead(channel: string, party: string): Promise<ChainHead | null> {
    const row = await this.#one<HeadRow>(SQL.getHead, [channel, party]);
    return row ? toHead(row) : null;
  }

  async listChainHeads(channel: string): Promise<ChainHead[]> {
    return (await this.rows<HeadRow>(Q.listHeads, [channel])).map(toHead);
  }

  async getEntry(channel: string, party: string, seq: number): Promise<StoredEntry | null> {
    const row = await this.#one<EntryRow>(Q.getEntry, [channel, party, seq]);
    return row ? toEntry(row) : null;
  }

  async readChain(channel: string, party: string, fromSeq: number, limit: number): Promise<StoredEntry[]> {
    if (limit <= 0) return [];
    return (await this.rows<EntryRow>(Q.readChain, [channel, party, fromSeq, limit])).map(toEntry);
  }

  async readChannel(channel: string, afterCursor: number, limit: number): Promise<CursoredEntry[]> {
    if (limit <= 0) return [];
    return (await this.rows<EntryRow>(Q.readChannel, [channel, afterCursor, limit])).map(toCursored);
  }

  async listAwaitingReceipt(
    principal: string,
    channels: string[],
    kinds: string[],
    limit: number,
  ): Promise<CursoredEntry[]> {
    if (channels.length === 0 || kinds.length === 0 || limit <= 0) return [];
    return (await this.queryAwaitingReceipt({ principal, channels, kinds, limit })).map(toCursored);
  }

  async countEntries(): Promise<number> {
    return (await this.#one<{ n: number }>(Q.countEntries))?.n ?? 0;
  }

  async listByKind(channel: string, kind: string, limit: number): Promise<StoredEntry[]> {
    if (limit <= 0) return [];
    return (await this.rows<EntryRow>(Q.listByKind, [channel, kind, limit])).map(toEntry);
  }

  async listByRef(channel: string, kind: string, ref: string): Promise<StoredEntry[]> {
    return (await this.rows<EntryRow>(Q.listByRef, [channel, kind, ref])).map(toEntry);
  }

  async latestByRefParty(
    channel: string,
    party: string,
    kind: string,
    refParty: string,
  ): Promise<StoredEntry | null> {
    const values = [channel, party, kind, refPartyPattern(refParty)];
    const row = await this.#one<EntryRow>(this.#latestByRefParty, values);
    return row ? toEntry(row) : null;
  }

  // Change feed (contract/changes.ts). Cursors are commit-ordered node-wide: SQLite has one
  // writer at a time, and PostgreSQL appends hold the feed lock until commit (postgres-storage.ts).

  async changes(afterCursor: number, limit: number): Promise<ChangeBatch> {
    if (limit <= 0) return { entries: [], cursor: afterCursor, hasMore: false };
    // One row more than asked tells whether the page was cut.
    const rows = await this.rows<EntryRow>(Q.changes, [afterCursor, limit + 1]);
    const entries = rows.slice(0, limit).map(toCursored);
    return { entries, cursor: entries.at(-1)?.cursor ?? afterCursor, hasMore: rows.length > limit };
  }

  async latestCursor(): Promise<number> {
    return (await this.#one<{ n: number }>(Q.latestCursor))?.n ?? 0;
  }

  onCommitted(listener: CommitListener): () => void {
    return this.commitListeners.add(listener);
  }

  // Witnesses and replication.

  async getReplication(peer: string): Promise<Map<string, number>> {
    const rows = await this.rows<{ channel: string; acked_size: number }>(Q.getReplication, [peer]);
    return new Map(rows.map((r) => [r.channel, r.acked_size]));
  }

  async setReplication(peer: string, channel: string, ackedSize: number): Promise<void> {
    await this.run(Q.setReplication, [peer, channel, ackedSize]);
  }

  async recordFork(evidence: ForkEvidence): Promise<void> {
    await this.run(Q.recordFork, forkValues(evidence));
  }

  async listForks(): Promise<ForkEvidence[]> {
    return (await this.rows<ForkRow>(Q.listForks)).map(toFork);
  }

  async recordWitnessed(
    channel: string,
    party: string,
    size: number,
    root: string,
    at: number,
  ): Promise<string | null> {
    // Rows are never deleted, so insert-or-read is race-free without an explicit lock.
    if ((await this.run(Q.insertWitnessed, [channel, party, size, root, at])) === 1) return null;
    const existing = await this.#one<{ root: string }>(Q.getWitnessed, [channel, party, size]);
    return existing && existing.root !== root ? existing.root : null;
  }

  async putCosignature(
    channel: string,
    party: string,
    size: number,
    witness: string,
    note: string,
    at: number,
  ): Promise<void> {
    await this.run(Q.putCosignature, [channel, party, size, witness, note, at]);
  }

  async latestCosignatures(channel: string, party: string): Promise<LatestCosignature[]> {
    return this.rows<LatestCosignature>(Q.latestCosignatures, [channel, party]);
  }

  // Peers.

  async putPeer(peer: Peer): Promise<void> {
    await this.run(Q.putPeer, peerValues(peer));
  }

  async getPeer(party: string): Promise<Peer | null> {
    const row = await this.#one<PeerRow>(Q.getPeer, [party]);
    return row ? toPeer(row) : null;
  }

  async listPeers(): Promise<Peer[]> {
    return (await this.rows<PeerRow>(Q.listPeers)).map(toPeer);
  }

  async recordEquivocation(evidence: EquivocationEvidence): Promise<void> {
    await this.run(Q.recordEquivocation, equivocationValues(evidence));
  }

  async listEquivocations(): Promise<EquivocationEvidence[]> {
    return (await this.rows<EquivocationRow>(Q.listEquivocations)).map(toEquivocation);
  }

  async recordLinkTest(t: LinkTest): Promise<void> {
    await this.run(Q.recordLinkTest, [t.peer, t.at, this.#flag(t.ok), t.rttMs, t.error]);
  }

  async listLinkTests(peer: string, limit: number): Promise<LinkTest[]> {
    if (limit <= 0) return [];
    return (await this.rows<LinkTestRow>(Q.listLinkTests, [peer, limit])).map(toLinkTest);
  }
}
