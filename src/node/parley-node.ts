/**
 * One party's node, thin (DESIGN.md "Principles" 1 and 2): its storage, its node key, its clock,
 * the appender that signs and durably commits this party's entries, and live-update hints.
 * What people do with it (channels, entries, directory, obligations…) lives in src/workflows,
 * which take this node as their context and check policy themselves.
 */
import { witnessKeyName } from '../core/chain-checkpoint.js';
import { cosignCheckpoint } from '../core/signed-note.js';
import { NODE_AUTHOR, type Marking, type Precedence } from '../core/entry.js';
import { ParleyError } from '../core/errors.js';
import { HybridLogicalClock } from '../core/hlc.js';
import { fingerprint, generateKeyPair, publicKeyOf, signMessage } from '../core/keys.js';
import type { KindRegistry } from '../core/kinds.js';
import { PARTY_PATTERN, type Channel, type NodeInfo } from '../core/model.js';
import {
  StorageConfigError,
  chooseStorage,
  describeStorage,
  openChosenStorage,
  writeStorageConfig,
  type StorageChoice,
} from '../storage/open-storage.js';
import type { MigrationPolicy } from '../storage/sql/schema.js';
import type { ChainHead, LeaseFence, Storage, StoredEntry } from '../storage/storage.js';
import { Appender, sealNewChain, type EntryDraft } from './appender.js';
import { ensureDataDir, isInitialised, readNodeKey, writeNodeKey } from './data-dir.js';
import { LiveUpdates } from './live-updates.js';
import { checkNewPassphrase } from './node-key.js';
import { SigningPool } from './signing-pool.js';

export interface CreateOptions {
  dataDir: string;
  party: string;
  partyName: string;
  /**
   * A PostgreSQL URL (without password); else PARLEY_DATABASE_URL, else SQLite in the data
   * directory. A PostgreSQL URL is recorded (without password) in the data directory.
   */
  databaseUrl?: string;
  /** Every kind the node knows (workflows/all-kinds.ts). */
  kinds: KindRegistry;
  /** Seal the node key under this passphrase (node-key.ts) instead of writing it plain. */
  nodeKeyPassphrase?: string;
  /** Further checks of the caller's, run after the node's own and before anything is created. */
  check?: () => void;
}

export interface OpenOptions {
  /** Every kind the node knows (workflows/all-kinds.ts). */
  kinds: KindRegistry;
  /** Wall-clock time; injectable so tests run in virtual time. */
  now?: () => number;
  /** A PostgreSQL URL to use instead of the configured one; recorded for later opens. */
  databaseUrl?: string;
  /** Apply pending schema migrations (default) or refuse to open (`parley serve` without --migrate). */
  migrations?: MigrationPolicy;
}

/** Which database a data directory's node uses (see storage/open-storage.ts). */
function chooseNodeStorage(dataDir: string, databaseUrl: string | undefined): StorageChoice {
  try {
    return chooseStorage(dataDir, { databaseUrl });
  } catch (error) {
    if (error instanceof StorageConfigError) throw new ParleyError('validation_failed', error.message);
    throw error;
  }
}

/** Channels change rarely and are read on every append; see `cachedChannel`. */
const CHANNEL_CACHE_MS = 1000;

export class ParleyNode {
  /** Wake-ups after commits of any of this node's processes (live-updates.ts). */
  readonly live: LiveUpdates;
  readonly appender: Appender;
  readonly clock: HybridLogicalClock;
  /** Worker threads that sign this node's entries and verify received ones (signing-pool.ts). */
  readonly signingPool = new SigningPool();
  private readonly channelCache = new Map<string, { channel: Channel; until: number }>();

  private constructor(
    readonly dataDir: string,
    readonly storage: Storage,
    readonly party: string,
    readonly partyName: string,
    readonly nodePublicKey: string,
    private readonly nodePrivateKey: string,
    /** Wall-clock time; injectable so tests run in virtual time. */
    readonly now: () => number,
    readonly kinds: KindRegistry,
  ) {
    this.live = new LiveUpdates(storage);
    this.clock = new HybridLogicalClock(now);
    this.appender = new Appender({
      storage,
      kinds,
      party,
      nodePrivateKey,
      clock: this.clock,
      now,
      signer: this.signingPool,
    });
  }

  /**
   * Creates a node's data directory, node key, database and node record; nobody can sign in yet
   * (workflows/directory/init-node.ts adds the first administrator).
   */
  static async create(options: CreateOptions): Promise<ParleyNode> {
    if (!PARTY_PATTERN.test(options.party)) {
      throw new ParleyError(
        'validation_failed',
        `party '${options.party}' must be upper-case letters/digits, e.g. RU`,
      );
    }
    if (isInitialised(options.dataDir)) {
      throw new ParleyError(
        'already_exists',
        `${options.dataDir} already holds a node; choose another --data-dir`,
      );
    }
    if (options.nodeKeyPassphrase !== undefined) checkNewPassphrase(options.nodeKeyPassphrase);
    options.check?.();
    ensureDataDir(options.dataDir);
    const choice = chooseNodeStorage(options.dataDir, options.databaseUrl);
    const storage = await openChosenStorage(choice);
    const nodeKeys = generateKeyPair();
    try {
      if (await storage.getNodeInfo()) {
        throw new ParleyError(
          'already_exists',
          `${describeStorage(choice)} already holds a node; give each node its own schema (?schema=name)`,
        );
      }
      writeNodeKey(options.dataDir, nodeKeys.privateKey, options.nodeKeyPassphrase);
      if (choice.engine === 'postgres') writeStorageConfig(options.dataDir, choice.url);
      await storage.setNodeInfo({
        party: options.party,
        partyName: options.partyName,
        nodePublicKey: nodeKeys.publicKey,
        createdAt: Date.now(),
      });
    } catch (error) {
      await storage.close();
      throw error;
    }
    return new ParleyNode(
      options.dataDir,
      storage,
      options.party,
      options.partyName,
      nodeKeys.publicKey,
      nodeKeys.privateKey,
      Date.now,
      options.kinds,
    );
  }

  /** Opens an initialised data directory. */
  static async open(dataDir: string, options: OpenOptions): Promise<ParleyNode> {
    if (!isInitialised(dataDir)) {
      throw new ParleyError(
        'not_found',
        `${dataDir} holds no node: run \`parley init --data-dir ${dataDir}\` first`,
      );
    }
    const nodePrivateKey = readNodeKey(dataDir);
    const choice = chooseNodeStorage(dataDir, options.databaseUrl);
    const storage = await openChosenStorage(choice, options.migrations);
    let info: NodeInfo | null;
    try {
      info = await storage.getNodeInfo();
      if (!info) {
        throw new ParleyError(
          'not_found',
          `${describeStorage(choice)} holds no node information (is it this data directory's database?)`,
        );
      }
      if (publicKeyOf(nodePrivateKey) !== info.nodePublicKey) {
        throw new ParleyError(
          'forbidden',
          `node.key in ${dataDir} does not match the key recorded in the ${describeStorage(choice)}`,
        );
      }
      if (choice.engine === 'postgres' && choice.source === 'option') writeStorageConfig(dataDir, choice.url);
    } catch (error) {
      await storage.close();
      throw error;
    }
    const node = new ParleyNode(
      dataDir,
      storage,
      info.party,
      info.partyName,
      info.nodePublicKey,
      nodePrivateKey,
      options.now ?? Date.now,
      options.kinds,
    );
    await node.observeStoredClocks();
    return node;
  }

  /**
   * Moves the clock past the node clock stored with the log (the newest entry any process of
   * this node stored, its own or a peer's), so that after a restart, or beside other processes,
   * this node never dates an entry before one it already wrote or saw (which may be ahead of
   * the wall clock by up to the tolerance for peers' clocks). Each append checks it again inside
   * its transaction (appender.ts).
   */
  private async observeStoredClocks(): Promise<void> {
    this.clock.observe(await this.storage.nodeClock());
  }

  /** Signs with the node key (federation requests); the key itself never leaves the node. */
  readonly signAsNode = (domain: string, message: string): string =>
    signMessage(this.nodePrivateKey, domain, message);

  /** Adds this node's C2SP tlog-cosignature (as a witness) to a checkpoint note. */
  cosign(note: string): string {
    return cosignCheckpoint(
      note,
      witnessKeyName(this.party),
      this.nodePrivateKey,
      Math.floor(Date.now() / 1000),
    );
  }

  /** Which database engine holds this node (`sqlite` or `postgres`), for reports. */
  get storageEngine(): string {
    return this.storage.engine;
  }

  /** Schema versions applied when this node was opened (empty when its database was current). */
  get migrationsApplied(): readonly number[] {
    return this.storage.migrationsApplied;
  }

  get fingerprint(): string {
    return fingerprint(this.nodePublicKey);
  }

  async close(): Promise<void> {
    this.live.close();
    await this.appender.close();
    await this.signingPool.close();
    await this.storage.close();
  }

  // --- what workflows use to write as the node -----------------------------------------------

  /** A draft signed by the node key; the body is checked against its kind first. */
  nodeDraft(channel: Channel, kind: string, body: Record<string, unknown>): EntryDraft {
    const checked = this.kinds.checkBody(kind, body);
    if (!checked.ok) throw new ParleyError('body_invalid', checked.message);
    return {
      channel: channel.id,
      kind,
      precedence: 'ROUTINE',
      lang: channel.languages[0]!,
      body: checked.body,
      author: NODE_AUTHOR,
      authorKey: this.nodePublicKey,
      signingKey: this.nodePrivateKey,
    };
  }

  /**
   * Appends an entry signed by this node (receipts of delivery, acceptances, escalations). With
   * a `naturalKey`, an entry with that key already stored (by any process of the node) makes
   * this throw AlreadyExistsError instead; with a `fence`, the lease must still be held.
   */
  async appendNodeEntry(
    channel: Channel,
    kind: string,
    body: Record<string, unknown>,
    envelope: { precedence?: Precedence; marking?: Marking; naturalKey?: string; fence?: LeaseFence } = {},
  ): Promise<StoredEntry> {
    const draft = this.nodeDraft(channel, kind, body);
    if (envelope.precedence) draft.precedence = envelope.precedence;
    if (envelope.marking) draft.marking = envelope.marking;
    if (envelope.naturalKey !== undefined) draft.naturalKey = envelope.naturalKey;
    if (envelope.fence) draft.fence = envelope.fence;
    const [appended] = await this.appender.append([draft]);
    return appended!.stored;
  }

  /** Seals the first entries of this party's chain in a new channel (stored with the channel). */
  sealFirstEntries(channelId: string, drafts: EntryDraft[]): { entries: StoredEntry[]; head: ChainHead } {
    return sealNewChain(
      this.kinds,
      channelId,
      this.party,
      drafts,
      this.clock,
      this.nodePrivateKey,
      this.now(),
    );
  }

  /**
   * The channel record, cached for a second: it is read on every append, while another process
   * (the CLI beside a running server) may still create or change channels.
   */
  async cachedChannel(id: string): Promise<Channel | null> {
    const now = Date.now();
    const cached = this.channelCache.get(id);
    if (cached && cached.until > now) return cached.channel;
    const channel = await this.storage.getChannel(id);
    if (channel) this.channelCache.set(id, { channel, until: now + CHANNEL_CACHE_MS });
    return channel;
  }

  /**
   * Drops a cached channel record after this process changed it. Live consumers are woken by
   * storage itself (every record change sends a commit hint), whichever process made it.
   */
  channelChanged(id: string): void {
    this.channelCache.delete(id);
  }
}
