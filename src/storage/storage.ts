/**
 * The storage contract. Every backend (SQLite, PostgreSQL) implements it and must pass the shared
 * contract suite in `contract-suite.ts`. Methods are async so that network-backed engines fit
 * without changing callers. The contract is split by concern in `contract/` (log, directory,
 * peers, sessions, change feed, idempotency, leases, search); `Storage` is all of them together, and this module re-exports
 * every part so callers import from one place.
 *
 * Durability rule: when a write method resolves, the data is on stable storage (fsync'd).
 */
import type { BackupStore } from './contract/backup.js';
import type { CalendarFeedStore } from './contract/calendar-feeds.js';
import type { AlertingStore } from './contract/alerting.js';
import type { ChangeFeed } from './contract/changes.js';
import type { DirectoryStore } from './contract/directory.js';
import type { IdempotencyStore } from './contract/idempotency.js';
import type { LeaseStore } from './contract/leases.js';
import type { LogStore } from './contract/log.js';
import type { PasskeyStore } from './contract/passkeys.js';
import type { PeerStore } from './contract/peers.js';
import type { SearchStore } from './contract/search.js';
import type { SecurityTrailStore } from './contract/security-trail.js';
import type { SessionStore } from './contract/sessions.js';

export { ROLES } from '../core/model.js';
export type {
  Role,
  NodeInfo,
  Office,
  Principal,
  ChannelState,
  ChannelCharter,
  Channel,
} from '../core/model.js';
export {
  AlreadyExistsError,
  ChainConflictError,
  ClockBehindError,
  DuplicateEntryError,
  LeaseLostError,
} from './contract/errors.js';
export type { Lease, LeaseFence, LeaseStore } from './contract/leases.js';
export type {
  AppendOptions,
  ChainHead,
  ChainStore,
  ChainTurn,
  ChannelStore,
  CursoredEntry,
  ForkEvidence,
  LatestCosignature,
  LogStore,
  StoredEntry,
  WitnessStore,
} from './contract/log.js';
export type { ApiToken, DirectoryStore } from './contract/directory.js';
export type {
  SecurityEvent,
  SecurityEventQuery,
  SecurityTrailHead,
  SecurityTrailStore,
  SecurityTrailTip,
} from './contract/security-trail.js';
export type { PendingFactor, Session, SessionStore } from './contract/sessions.js';
export type {
  PasskeyChallenge,
  PasskeyCredential,
  PasskeyPurpose,
  PasskeyStore,
} from './contract/passkeys.js';
export type { EquivocationEvidence, LinkTest, NodeKeyRotation, Peer, PeerStore } from './contract/peers.js';
export type { IdempotencyClaim, IdempotencyRecord, IdempotencyStore } from './contract/idempotency.js';
export type { ChangeBatch, ChangeFeed, CommitHint, CommitListener } from './contract/changes.js';
export type {
  BackupResult,
  BackupStore,
  CellValue,
  NodeSnapshot,
  TableCopy,
  TableRows,
} from './contract/backup.js';
export type { CalendarFeed, CalendarFeedStore } from './contract/calendar-feeds.js';
export type {
  SearchDocument,
  SearchHit,
  SearchIndexer,
  SearchQuery,
  SearchStore,
} from './contract/search.js';
export type {
  AlertDelivery,
  AlertOffice,
  AlertPerson,
  AlertTransport,
  AlertingStore,
  DeliveryCount,
  DeliveryOutcome,
  DeliveryState,
  WatchShift,
} from './contract/alerting.js';

/** Opening and closing a backend. */
export interface StorageLifecycle {
  readonly engine: string;
  /** Conditions the operator should know about, e.g. a server that does not fsync; logged at start. */
  readonly warnings?: readonly string[];
  /** Schema versions this open applied (empty when the database was current). */
  readonly migrationsApplied: readonly number[];
  close(): Promise<void>;
}

/** Everything a backend provides. */
export interface Storage
  extends
    StorageLifecycle,
    LogStore,
    ChangeFeed,
    DirectoryStore,
    SecurityTrailStore,
    PeerStore,
    SessionStore,
    PasskeyStore,
    IdempotencyStore,
    LeaseStore,
    CalendarFeedStore,
    SearchStore,
    AlertingStore,
    BackupStore {}
