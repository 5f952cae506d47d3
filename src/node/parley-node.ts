/**
 * One party's node: its storage, its key, its clock and the operations the HTTP API and the CLI
 * share. Every operation that acts for a person takes the acting principal and checks the
 * policy first; nothing is written unless every check passes.
 */
import { EventEmitter } from 'node:events';
import { parseCanonical } from '../core/canonical-json.js';
import { witnessKeyName } from '../core/chain-checkpoint.js';
import { cosignCheckpoint } from '../core/signed-note.js';
import {
  MARKINGS,
  NODE_AUTHOR,
  PRECEDENCES,
  entryId,
  type EntryContent,
  type Marking,
  type Precedence,
} from '../core/entry.js';
import { HybridLogicalClock } from '../core/hlc.js';
import { fingerprint, generateKeyPair, publicKeyOf, signMessage } from '../core/keys.js';
import {
  KindRuleError,
  checkBody,
  getKind,
  listKinds,
  type KindCheckContext,
  type KindDefinition,
  type LoggedEntry,
} from '../core/kinds.js';
import { ID_PATTERN, LANGUAGE_PATTERN, PARTY_PATTERN } from '../workflows/channels/kinds.js';
import '../workflows/all-kinds.js';
import { requireAddressed } from '../workflows/obligations/kinds.js';
import type { Objectives } from '../core/objectives.js';
import { partiesAt, type Joined } from '../core/membership.js';
import {
  foldCharter,
  type CharterAmendment,
  type CharterState,
  type ProposedChange,
} from '../core/charter-changes.js';
import { hashPassword, passwordProblem } from '../workflows/directory/password.js';
import {
  StorageConfigError,
  chooseStorage,
  describeStorage,
  openChosenStorage,
  writeStorageConfig,
  type StorageChoice,
} from '../storage/open-storage.js';
import {
  AlreadyExistsError,
  ROLES,
  type Channel,
  type CursoredEntry,
  type NodeInfo,
  type Office,
  type Principal,
  type Role,
  type Storage,
  type StoredEntry,
} from '../storage/storage.js';
import { Appender, sealNewChain, type EntryDraft } from './appender.js';
import { ensureDataDir, isInitialised, readNodeKey, writeNodeKey } from './data-dir.js';
import { ParleyError } from '../core/errors.js';
import { canManage, canRead, canWrite } from '../core/policy.js';

/** An entry as clients see it: the signed content plus where and when it was stored. */
export interface EntryView extends EntryContent {
  id: string;
  hash: string;
  sig: string;
  cursor: number | null;
  storedAt: number;
}

const CHANGE_KINDS = new Set(['channel-change', 'channel-change-agree']);

export interface ChannelChange {
  /** The proposing entry. */
  id: string;
  hash: string;
  change: 'suspend' | 'resume' | 'amend';
  reason: string;
  /** For `amend`: what the charter becomes. */
  charter?: CharterAmendment;
  by: string;
  party: string;
  at: string;
  agreedBy: string[];
  waitingFor: string[];
}

export type { CharterAmendment } from '../core/charter-changes.js';

/** The proposed channel changes, oldest first, and the charter they leave in force. */
export interface ChannelChanges {
  list: ChannelChange[];
  charter: CharterState;
}

export interface ChannelStatus {
  state: Channel['state'];
  /** The newest proposed suspension or resumption: in effect when nobody is left in `waitingFor`. */
  change: ChannelChange | null;
  /** Proposed charter amendments, oldest first; each in effect once nobody is left in `waitingFor`. */
  amendments: ChannelChange[];
}

export interface DeliveryState {
  party: string;
  state: 'queued' | 'delivered' | 'read' | 'understood';
  /** HLC of the receiving node's `received` receipt. */
  deliveredAt: string | null;
  receipts: Array<{ by: string; level: 'read' | 'understood'; at: string; id: string }>;
}

export interface InitOptions {
  dataDir: string;
  party: string;
  partyName: string;
  adminId: string;
  adminPassword: string;
  /**
   * A PostgreSQL URL (without password); else PARLEY_DATABASE_URL, else SQLite in the data
   * directory. A PostgreSQL URL is recorded (without password) in the data directory.
   */
  databaseUrl?: string;
}

export interface OpenOptions {
  /** Wall-clock time; injectable so tests run in virtual time. */
  now?: () => number;
  /** A PostgreSQL URL to use instead of the configured one; recorded for later opens. */
  databaseUrl?: string;
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

export interface NewPrincipal {
  id: string;
  office: string | null;
  role: Role;
  title: string;
  password: string;
}

export interface NewChannel {
  id: string;
  name: string;
  /** This party's member offices. */
  offices: string[];
  languages: string[];
  /** Other parties' member offices (they must be peers). */
  peers?: Record<string, string[]>;
  /** Read-only offices per party. */
  observers?: Record<string, string[]>;
  /** Delivery and response deadlines per precedence (defaults where absent). */
  objectives?: Partial<Objectives>;
}

export interface PostEntry {
  kind: string;
  precedence?: Precedence;
  lang?: string;
  marking?: Marking;
  body: unknown;
}

const CHANNEL_CACHE_MS = 1000;

export class ParleyNode {
  readonly events = new EventEmitter();
  private readonly channelCache = new Map<string, { channel: Channel; until: number }>();
  readonly appender: Appender;
  readonly clock: HybridLogicalClock;

  private constructor(
    readonly dataDir: string,
    readonly storage: Storage,
    readonly party: string,
    readonly partyName: string,
    readonly nodePublicKey: string,
    private readonly nodePrivateKey: string,
    /** Wall-clock time; injectable so tests run in virtual time. */
    readonly now: () => number,
  ) {
    this.events.setMaxListeners(0);
    this.clock = new HybridLogicalClock(now);
    this.appender = new Appender({
      storage,
      party,
      nodePrivateKey,
      clock: this.clock,
      now,
      onCommit: (entries) => {
        const channels = new Set(entries.map((e) => e.channel));
        for (const channel of channels) this.events.emit(`channel:${channel}`);
        this.events.emit('committed', channels);
      },
    });
  }

  /** Creates a node's data directory, key, database and first administrator. */
  static async init(options: InitOptions): Promise<ParleyNode> {
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
    const weak = passwordProblem(options.adminPassword);
    if (weak) throw new ParleyError('password_too_weak', weak);
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
      writeNodeKey(options.dataDir, nodeKeys.privateKey);
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
    const node = new ParleyNode(
      options.dataDir,
      storage,
      options.party,
      options.partyName,
      nodeKeys.publicKey,
      nodeKeys.privateKey,
      Date.now,
    );
    await node.addPrincipalUnchecked({
      id: options.adminId,
      office: null,
      role: 'admin',
      title: 'Administrator',
      password: options.adminPassword,
    });
    return node;
  }

  /** Opens an initialised data directory. */
  static async open(dataDir: string, options: OpenOptions = {}): Promise<ParleyNode> {
    if (!isInitialised(dataDir)) {
      throw new ParleyError(
        'not_found',
        `${dataDir} holds no node: run \`parley init --data-dir ${dataDir}\` first`,
      );
    }
    const nodePrivateKey = readNodeKey(dataDir);
    const choice = chooseNodeStorage(dataDir, options.databaseUrl);
    const storage = await openChosenStorage(choice);
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
    );
    await node.observeStoredClocks();
    return node;
  }

  /**
   * Moves the clock past the newest entry of every chain held, so that after a restart this
   * node never dates an entry before one it already wrote or saw (which may be ahead of the wall
   * clock by up to the tolerance for peers' clocks).
   */
  private async observeStoredClocks(): Promise<void> {
    for (const channel of await this.storage.listChannels()) {
      for (const head of await this.storage.listChainHeads(channel.id)) {
        if (head.size === 0) continue;
        const last = await this.storage.getEntry(channel.id, head.party, head.size - 1);
        if (last) this.clock.observe(last.hlc);
      }
    }
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

  get fingerprint(): string {
    return fingerprint(this.nodePublicKey);
  }

  async close(): Promise<void> {
    await this.appender.close();
    await this.storage.close();
  }

  // --- offices and principals -------------------------------------------------------------

  async addOffice(actor: Principal, office: Office): Promise<Office> {
    this.requireAdmin(actor);
    if (!ID_PATTERN.test(office.id))
      throw new ParleyError('validation_failed', `office id '${office.id}' is not valid`);
    if (office.name.trim() === '')
      throw new ParleyError('validation_failed', 'office name must not be empty');
    await this.mapExists(() => this.storage.addOffice(office));
    return office;
  }

  async addPrincipal(actor: Principal, input: NewPrincipal): Promise<Principal> {
    this.requireAdmin(actor);
    return this.addPrincipalUnchecked(input);
  }

  private async addPrincipalUnchecked(input: NewPrincipal): Promise<Principal> {
    if (!ID_PATTERN.test(input.id))
      throw new ParleyError('validation_failed', `user id '${input.id}' is not valid`);
    if (!ROLES.includes(input.role))
      throw new ParleyError('validation_failed', `role '${input.role}' is not one of ${ROLES.join(', ')}`);
    if (input.role !== 'admin' && input.office === null) {
      throw new ParleyError('validation_failed', `a ${input.role} must belong to an office`);
    }
    if (input.office !== null && !(await this.storage.getOffice(input.office))) {
      throw new ParleyError('office_not_found', `office '${input.office}' does not exist`);
    }
    const weak = passwordProblem(input.password);
    if (weak) throw new ParleyError('password_too_weak', weak);
    if (await this.storage.getPrincipal(input.id)) {
      throw new ParleyError('already_exists', `user '${input.id}' already exists`);
    }
    const keys = generateKeyPair();
    const principal: Principal = {
      id: input.id,
      office: input.office,
      role: input.role,
      title: input.title,
      passwordHash: await hashPassword(input.password),
      publicKey: keys.publicKey,
      privateKey: keys.privateKey,
      createdAt: this.now(),
      disabled: false,
    };
    await this.mapExists(() => this.storage.addPrincipal(principal));
    // Publish the new key in every channel of the principal's office, so peers can verify it.
    if (principal.office !== null) {
      const channels = (await this.storage.listChannels()).filter((c) =>
        c.offices.includes(principal.office!),
      );
      if (channels.length > 0) {
        await this.appender.append(channels.map((c) => this.keyPublication(c, principal)));
      }
    }
    return principal;
  }

  // --- channels ----------------------------------------------------------------------------

  /**
   * Creates a channel. With only this party's offices it is active at once; with other parties'
   * offices (`peers`) it is proposed to them and becomes active when each has accepted it.
   */
  async createChannel(actor: Principal, input: NewChannel): Promise<Channel> {
    this.requireAdmin(actor);
    if (!ID_PATTERN.test(input.id))
      throw new ParleyError('validation_failed', `channel id '${input.id}' is not valid`);
    if (input.name.trim() === '')
      throw new ParleyError('validation_failed', 'channel name must not be empty');
    if (input.offices.length === 0)
      throw new ParleyError('validation_failed', 'a channel needs at least one office');
    if (input.languages.length === 0)
      throw new ParleyError('validation_failed', 'a channel needs at least one language');
    for (const language of input.languages) {
      if (!LANGUAGE_PATTERN.test(language)) {
        throw new ParleyError(
          'language_invalid',
          `'${language}' is not a BCP 47 language tag such as en or ru`,
        );
      }
    }
    for (const office of input.offices) {
      if (!(await this.storage.getOffice(office)))
        throw new ParleyError('office_not_found', `office '${office}' does not exist`);
    }
    const parties: Record<string, string[]> = { [this.party]: [...new Set(input.offices)] };
    const observers: Record<string, string[]> = {};
    for (const party of [...Object.keys(input.peers ?? {}), ...Object.keys(input.observers ?? {})]) {
      if (party !== this.party && !(await this.storage.getPeer(party))) {
        throw new ParleyError(
          'peer_not_found',
          `party ${party} is not a peer of this node: add it with \`parley peer add\` first`,
        );
      }
    }
    for (const [party, offices] of Object.entries(input.peers ?? {})) {
      if (party === this.party)
        throw new ParleyError('validation_failed', `list ${party}'s own offices under offices`);
      parties[party] = [...new Set(offices)];
    }
    for (const [party, offices] of Object.entries(input.observers ?? {}))
      observers[party] = [...new Set(offices)];
    if (await this.storage.getChannel(input.id))
      throw new ParleyError('already_exists', `channel '${input.id}' already exists`);
    const channel: Channel = {
      id: input.id,
      name: input.name,
      offices: Object.values(parties).flat(),
      languages: [...new Set(input.languages)],
      parties,
      observers,
      state: Object.keys(parties).length === 1 ? 'active' : 'proposed',
      createdAt: this.now(),
    };
    const drafts: EntryDraft[] = [
      this.nodeDraft(channel, 'charter', {
        name: channel.name,
        parties,
        observers,
        languages: channel.languages,
        nodeKey: this.nodePublicKey,
        ...(input.objectives ? { objectives: input.objectives } : {}),
      }),
      ...(await this.localMembers(channel)).map((p) => this.keyPublication(channel, p)),
    ];
    const { entries, head } = sealNewChain(
      channel.id,
      this.party,
      drafts,
      this.clock,
      this.nodePrivateKey,
      this.now(),
    );
    await this.mapExists(() => this.storage.createChannel(channel, entries, head));
    this.channelCache.delete(channel.id);
    this.events.emit('channel-created', channel.id);
    return channel;
  }

  /** Accepts a channel another party proposed: this party's chain starts with its signed acceptance. */
  async acceptChannel(actor: Principal, id: string): Promise<Channel> {
    this.requireAdmin(actor);
    const channel = await this.storage.getChannel(id);
    if (!channel) throw new ParleyError('channel_not_found', `channel '${id}' does not exist`);
    if (!channel.parties[this.party])
      throw new ParleyError('forbidden', `${this.party} is not a party of '${id}'`);
    const heads = await this.storage.listChainHeads(id);
    if (heads.some((h) => h.party === this.party && h.size > 0)) {
      throw new ParleyError('already_exists', `${this.party} has already accepted '${id}'`);
    }
    const charter = await this.findCharter(channel);
    if (!charter) throw new ParleyError('entry_not_found', `the charter of '${id}' has not arrived yet`);
    await this.appender.append([
      this.nodeDraft(channel, 'charter-accept', {
        charter: { party: charter.party, hash: charter.hash },
        nodeKey: this.nodePublicKey,
      }),
      ...(await this.localMembers(channel)).map((p) => this.keyPublication(channel, p)),
    ]);
    return this.refreshChannelState(id);
  }

  /** Appends an entry signed by this node (receipts of delivery, acceptances). */
  async appendNodeEntry(
    channel: Channel,
    kind: string,
    body: Record<string, unknown>,
    envelope: { precedence?: Precedence; marking?: Marking } = {},
  ): Promise<StoredEntry> {
    const draft = this.nodeDraft(channel, kind, body);
    if (envelope.precedence) draft.precedence = envelope.precedence;
    if (envelope.marking) draft.marking = envelope.marking;
    const [appended] = await this.appender.append([draft]);
    return appended!.stored;
  }

  /**
   * Brings the channel's record in line with its log: the charter in force (languages,
   * observers, parties), suspension or resumption once agreed, and a proposed channel made active
   * once every party's chain has begun (charter or acceptance).
   */
  async refreshChannelState(id: string): Promise<Channel> {
    const channel = (await this.storage.getChannel(id))!;
    // The log of proposed changes is read once: it gives both the charter and the state.
    const changes = await this.changes(channel);
    const { charter } = changes;
    // Parties are only ever added. A node introduced to a channel by an amendment keeps the
    // parties it was shown until every agreement has arrived here too.
    const parties = { ...channel.parties, ...charter.parties };
    if (
      channel.state !== 'proposed' &&
      (charter.languages.join(',') !== channel.languages.join(',') ||
        JSON.stringify(charter.observers) !== JSON.stringify(channel.observers) ||
        JSON.stringify(parties) !== JSON.stringify(channel.parties))
    ) {
      await this.storage.setChannelCharter(id, {
        languages: charter.languages,
        observers: charter.observers,
        parties,
      });
      channel.languages = charter.languages;
      channel.observers = charter.observers;
      channel.parties = parties;
      channel.offices = Object.values(parties).flat();
      this.channelCache.delete(id);
      this.events.emit(`channel:${id}`);
      // A new observer or party is a new destination: wake replication.
      this.events.emit('channel-created', id);
    }
    if (channel.state === 'active' || channel.state === 'suspended') {
      const change = changes.list.filter((c) => c.change !== 'amend').at(-1) ?? null;
      if (change && change.waitingFor.length === 0) {
        const target = change.change === 'suspend' ? 'suspended' : 'active';
        if (channel.state !== target) {
          await this.storage.setChannelState(id, target);
          channel.state = target;
          this.channelCache.delete(id);
          this.events.emit(`channel:${id}`);
        }
      }
    }
    if (channel.state === 'proposed') {
      const started = new Set(
        (await this.storage.listChainHeads(id)).filter((h) => h.size > 0).map((h) => h.party),
      );
      // A party or observer added by an amendment waits until every agreement to it has arrived
      // here, not just for the parties' chains.
      const named = Boolean(charter.parties[this.party] ?? charter.observers[this.party]);
      if (named && Object.keys(parties).every((party) => started.has(party))) {
        await this.storage.setChannelState(id, 'active');
        channel.state = 'active';
        this.channelCache.delete(id);
        this.events.emit(`channel:${id}`);
      }
    }
    return channel;
  }

  /** When each party of the channel joined: the clock of its chain's first entry (membership.ts). */
  async joined(channel: Channel): Promise<Joined> {
    const joined: Joined = {};
    for (const party of Object.keys(channel.parties)) {
      const first = await this.storage.getEntry(channel.id, party, 0);
      if (first) joined[party] = first.hlc;
    }
    return joined;
  }

  /** The charter entry (seq 0 of the proposing party's chain). */
  async findCharter(channel: Channel): Promise<StoredEntry | null> {
    for (const party of Object.keys(channel.parties)) {
      const first = await this.storage.getEntry(channel.id, party, 0);
      if (first?.kind === 'charter') return first;
    }
    return null;
  }

  private async localMembers(channel: Channel): Promise<Principal[]> {
    const own = channel.parties[this.party] ?? [];
    return (await this.storage.listPrincipals()).filter((p) => p.office !== null && own.includes(p.office));
  }

  async getChannel(actor: Principal, id: string): Promise<Channel> {
    const channel = await this.storage.getChannel(id);
    // A channel the actor may not see is reported as missing, so ids do not leak.
    if (!channel || !(canRead(actor, channel) || canManage(actor))) {
      throw new ParleyError('channel_not_found', `channel '${id}' does not exist or you are not a member`);
    }
    return channel;
  }

  async listChannels(actor: Principal): Promise<Channel[]> {
    return (await this.storage.listChannels()).filter((c) => canRead(actor, c) || canManage(actor));
  }

  // --- entries -----------------------------------------------------------------------------

  /** Validates and appends one entry by `actor`; resolves once it is durable. */
  async postEntry(actor: Principal, channelId: string, input: PostEntry): Promise<EntryView> {
    const channel = await this.readableChannel(actor, channelId);
    if (!canWrite(actor, channel)) {
      throw new ParleyError(
        'forbidden',
        `${actor.role} '${actor.id}' may read but not write in '${channel.id}'`,
      );
    }
    const changesState = CHANGE_KINDS.has(input.kind);
    if (channel.state !== 'active' && !(changesState && channel.state === 'suspended')) {
      throw new ParleyError('channel_not_active', `channel '${channel.id}' is ${channel.state}`);
    }
    if (changesState && actor.role !== 'head') {
      throw new ParleyError(
        'forbidden',
        'only the head of a member office proposes or agrees to channel changes',
      );
    }
    const kind = getKind(input.kind);
    if (!kind) {
      const known = listKinds()
        .filter((k) => k.authoredBy === 'principal')
        .map((k) => k.name);
      throw new ParleyError(
        'kind_unknown',
        `kind '${input.kind}' is not known; use one of ${known.join(', ')}`,
      );
    }
    if (kind.authoredBy !== 'principal')
      throw new ParleyError('kind_not_allowed', `entries of kind '${kind.name}' are written by the node`);
    const precedence = input.precedence ?? 'ROUTINE';
    if (!PRECEDENCES.includes(precedence)) {
      throw new ParleyError('precedence_invalid', `precedence must be one of ${PRECEDENCES.join(', ')}`);
    }
    const lang = input.lang ?? channel.languages[0]!;
    if (!channel.languages.includes(lang)) {
      throw new ParleyError(
        'language_invalid',
        `language '${lang}' is not one of the channel's languages (${channel.languages.join(', ')})`,
      );
    }
    const body = checkBody(kind.name, input.body);
    if (!body.ok) throw new ParleyError('body_invalid', body.message);
    if (input.marking !== undefined && !MARKINGS.includes(input.marking)) {
      throw new ParleyError('body_invalid', `marking must be one of ${MARKINGS.join(', ')}`);
    }
    if (kind.name === 'channel-change-agree') await this.checkAgreement(channel, body.body);
    if (changesState) await this.checkNewMembersArePeers(channel, body.body);
    else if (kind.name === 'receipt') await this.checkReference(actor, channel, body.body);
    if (kind.check) {
      const envelope = { lang, precedence, ...(input.marking ? { marking: input.marking } : {}) };
      await runKindCheck(kind, this.kindContext(actor, channel, envelope), body.body);
    }
    const [appended] = await this.appender.append([
      {
        channel: channel.id,
        kind: kind.name,
        precedence,
        lang,
        ...(input.marking ? { marking: input.marking } : {}),
        body: body.body,
        author: actor.id,
        authorKey: actor.publicKey,
        signingKey: actor.privateKey,
      },
    ]);
    const { signed, stored } = appended!;
    if (changesState) await this.refreshChannelState(channel.id);
    return {
      ...signed.content,
      id: entryId(channel.id, stored.party, stored.seq),
      hash: stored.hash,
      sig: stored.sig,
      cursor: null,
      storedAt: stored.storedAt,
    };
  }

  /** Entries of a channel after a cursor, in storage order. */
  async listEntries(actor: Principal, channelId: string, after: number, limit: number): Promise<EntryView[]> {
    const channel = await this.readableChannel(actor, channelId);
    const entries = await this.storage.readChannel(channel.id, after, limit);
    return entries.map((e) => toView(e, e.cursor));
  }

  async getEntry(actor: Principal, channelId: string, party: string, seq: number): Promise<EntryView> {
    const channel = await this.readableChannel(actor, channelId);
    const entry = await this.storage.getEntry(channel.id, party, seq);
    if (!entry)
      throw new ParleyError('entry_not_found', `entry ${entryId(channel.id, party, seq)} does not exist`);
    return toView(entry, null);
  }

  /** Entries in the actor's channels that await the actor's receipt, oldest first. */
  async inbox(actor: Principal, limit: number, channelId?: string): Promise<EntryView[]> {
    const channels = channelId
      ? [await this.readableChannel(actor, channelId)]
      : (await this.storage.listChannels()).filter((c) => canRead(actor, c));
    if (channels.length === 0) return [];
    const kinds = listKinds()
      .filter((k) => k.expectsReceipt)
      .map((k) => k.name);
    const entries = await this.storage.listAwaitingReceipt(
      actor.id,
      channels.map((c) => c.id),
      kinds,
      limit,
    );
    return entries.map((e) => toView(e, e.cursor));
  }

  /**
   * Where one entry stands with every other party of its channel: `queued` until that party's
   * node has signed a `received` receipt covering it, then `delivered`, then `read` or
   * `understood` once a person of that party has signed such a receipt. Never "sent" without proof.
   */
  async deliveryState(
    actor: Principal,
    channelId: string,
    party: string,
    seq: number,
  ): Promise<DeliveryState[]> {
    const channel = await this.readableChannel(actor, channelId);
    const entry = await this.storage.getEntry(channel.id, party, seq);
    if (!entry)
      throw new ParleyError('entry_not_found', `entry ${entryId(channel.id, party, seq)} does not exist`);
    const receipts = await this.storage.listByRef(channel.id, 'receipt', `${party}/${seq}`);
    const destinations = [...Object.keys(channel.parties), ...Object.keys(channel.observers)].filter(
      (p) => p !== party,
    );
    const result: DeliveryState[] = [];
    for (const destination of destinations) {
      const state: DeliveryState = { party: destination, state: 'queued', deliveredAt: null, receipts: [] };
      const received = await this.storage.latestByRefParty(channel.id, destination, 'received', party);
      if (received && Number(received.ref!.split('/')[1]) >= seq) {
        state.state = 'delivered';
        state.deliveredAt = received.hlc;
      }
      for (const receipt of receipts.filter((r) => r.party === destination)) {
        const level = (toView(receipt, null).body as { level: 'read' | 'understood' }).level;
        state.receipts.push({
          by: receipt.author,
          level,
          at: receipt.hlc,
          id: entryId(channel.id, receipt.party, receipt.seq),
        });
        if (level === 'understood' || state.state !== 'understood') state.state = level;
      }
      result.push(state);
    }
    return result;
  }

  /** Appends a `read` or `understood` receipt for an entry. */
  async acknowledge(
    actor: Principal,
    channelId: string,
    party: string,
    seq: number,
    level: 'read' | 'understood',
    readBack?: string,
    lang?: string,
    readBackFields?: Record<string, string | number | boolean>,
  ): Promise<EntryView> {
    const channel = await this.readableChannel(actor, channelId);
    const target = await this.storage.getEntry(channel.id, party, seq);
    if (!target)
      throw new ParleyError('entry_not_found', `entry ${entryId(channel.id, party, seq)} does not exist`);
    const body: Record<string, unknown> = { of: { party, seq, hash: target.hash }, level };
    if (readBack !== undefined) body.readBack = readBack;
    if (readBackFields !== undefined) body.readBackFields = readBackFields;
    const marking = (toLogged(target).marking as Marking | undefined) ?? undefined;
    return this.postEntry(actor, channel.id, {
      kind: 'receipt',
      precedence: target.precedence,
      ...(marking ? { marking } : {}),
      ...(lang ? { lang } : {}),
      body,
    });
  }

  /**
   * An amendment naming observers or new parties (or an agreement to one) needs each of them
   * pinned here: this node must be able to send them its chain once the amendment is in effect.
   * A party can only join once, and not as its own proposal's subject.
   */
  private async checkNewMembersArePeers(channel: Channel, body: Record<string, unknown>): Promise<void> {
    let amendment = body as { change?: string; charter?: CharterAmendment };
    const proposing = !body.of;
    if (body.of) {
      const of = body.of as { party: string; seq: number };
      const proposal = await this.storage.getEntry(channel.id, of.party, of.seq);
      if (!proposal) return;
      amendment = toLogged(proposal).body as typeof amendment;
    }
    const joining = Object.keys(amendment.charter?.parties ?? {});
    if (proposing) {
      const already = joining.find((party) => channel.parties[party]);
      if (already) {
        throw new ParleyError('validation_failed', `${already} is already a party of '${channel.id}'`);
      }
      const both = joining.find((party) => amendment.charter?.observers?.[party]);
      if (both) {
        throw new ParleyError('validation_failed', `${both} cannot join as a party and an observer at once`);
      }
    }
    for (const party of [...Object.keys(amendment.charter?.observers ?? {}), ...joining]) {
      if (party !== this.party && !channel.parties[party] && !(await this.storage.getPeer(party))) {
        throw new ParleyError(
          'peer_not_found',
          `${party} is not a peer of this node: pin it with \`parley peer add\` before adding it to the channel`,
        );
      }
    }
  }

  private async checkAgreement(channel: Channel, body: Record<string, unknown>): Promise<void> {
    const of = body.of as { party: string; seq: number; hash: string };
    const target = await this.storage.getEntry(channel.id, of.party, of.seq);
    if (!target || target.kind !== 'channel-change' || target.hash !== of.hash) {
      throw new ParleyError(
        'ref_invalid',
        `${entryId(channel.id, of.party, of.seq)} is not a proposed channel change`,
      );
    }
    if (of.party === this.party)
      throw new ParleyError('ref_invalid', 'a party does not agree to its own proposal');
    const agreed = await this.storage.listByRef(channel.id, 'channel-change-agree', `${of.party}/${of.seq}`);
    if (agreed.some((a) => a.party === this.party)) {
      throw new ParleyError(
        'already_exists',
        `${this.party} has already agreed to ${entryId(channel.id, of.party, of.seq)}`,
      );
    }
  }

  /**
   * The newest proposed channel change and who has agreed to it. It takes effect on every node
   * once each party of the channel has signed it (the proposer) or an agreement to it.
   */
  async channelStatus(actor: Principal, id: string): Promise<ChannelStatus> {
    const channel = await this.readableChannel(actor, id);
    const { list } = await this.changes(channel);
    return {
      state: channel.state,
      change: list.filter((c) => c.change !== 'amend').at(-1) ?? null,
      amendments: list.filter((c) => c.change === 'amend'),
    };
  }

  /**
   * The charter as every party has agreed it: the original, then each amendment that every
   * party of the channel at that point signed, in clock order.
   */
  async effectiveCharter(channel: Channel, changes?: ChannelChanges): Promise<CharterState> {
    return (changes ?? (await this.changes(channel))).charter;
  }

  /**
   * Every proposed change with who has agreed, ordered the same way on every node (clock, party),
   * and the charter they leave in force.
   */
  async changes(channel: Channel): Promise<ChannelChanges> {
    const charter = await this.findCharter(channel);
    const body = charter ? (toLogged(charter).body as unknown as Partial<CharterState>) : {};
    const initial: CharterState = {
      languages: body.languages ?? channel.languages,
      objectives: body.objectives ?? {},
      observers: body.observers ?? channel.observers,
      parties: body.parties ?? channel.parties,
    };
    const proposals: Array<ProposedChange & { entry: StoredEntry; reason: string }> = [];
    for (const proposal of await this.storage.listByKind(channel.id, 'channel-change', 10_000)) {
      const logged = toLogged(proposal).body as unknown as {
        change: ChannelChange['change'];
        reason: string;
        charter?: CharterAmendment;
      };
      const agreements = await this.storage.listByRef(
        channel.id,
        'channel-change-agree',
        `${proposal.party}/${proposal.seq}`,
      );
      proposals.push({
        entry: proposal,
        change: logged.change,
        reason: logged.reason,
        ...(logged.charter ? { charter: logged.charter } : {}),
        party: proposal.party,
        hlc: proposal.hlc,
        signedBy: [...new Set([proposal.party, ...agreements.map((a) => a.party)])],
      });
    }
    const folded = foldCharter(initial, proposals);
    return {
      charter: folded.charter,
      list: folded.changes.map(({ proposal, waitingFor }) => ({
        id: entryId(channel.id, proposal.party, proposal.entry.seq),
        hash: proposal.entry.hash,
        change: proposal.change,
        reason: proposal.reason,
        ...(proposal.charter ? { charter: proposal.charter } : {}),
        by: proposal.entry.author,
        party: proposal.party,
        at: proposal.hlc,
        agreedBy: proposal.signedBy,
        waitingFor,
      })),
    };
  }

  private async checkReference(
    actor: Principal,
    channel: Channel,
    body: Record<string, unknown>,
  ): Promise<void> {
    const of = body.of as { party: string; seq: number; hash: string };
    const target = await this.storage.getEntry(channel.id, of.party, of.seq);
    if (!target) {
      throw new ParleyError(
        'entry_not_found',
        `entry ${entryId(channel.id, of.party, of.seq)} does not exist in this channel`,
      );
    }
    if (target.hash !== of.hash) {
      throw new ParleyError(
        'ref_invalid',
        `entry ${entryId(channel.id, of.party, of.seq)} has a different hash`,
      );
    }
    if (target.author === actor.id)
      throw new ParleyError('ref_invalid', 'you cannot acknowledge your own entry');
    if (!getKind(target.kind)?.expectsReceipt) {
      throw new ParleyError('ref_invalid', `entries of kind '${target.kind}' are not acknowledged`);
    }
    if (body.readBack !== undefined || body.readBackFields !== undefined) {
      if (body.level !== 'understood')
        throw new ParleyError('body_invalid', 'a read-back goes with an understood receipt');
      try {
        requireAddressed(this.kindContext(actor, channel), toLogged(target));
      } catch (error) {
        if (error instanceof KindRuleError) throw new ParleyError(error.code, error.message);
        throw error;
      }
    }
  }

  /**
   * Channels change rarely and are read on every append; a short-lived cache keeps the lookup
   * off the hot path while still seeing channels another process (the CLI) created.
   */
  private async cachedChannel(id: string): Promise<Channel | null> {
    const now = Date.now();
    const cached = this.channelCache.get(id);
    if (cached && cached.until > now) return cached.channel;
    const channel = await this.storage.getChannel(id);
    if (channel) this.channelCache.set(id, { channel, until: now + CHANNEL_CACHE_MS });
    return channel;
  }

  /** The channel, if `actor` may read its entries (members and observers; not admins as such). */
  async readableChannel(actor: Principal, id: string): Promise<Channel> {
    const channel = await this.cachedChannel(id);
    if (!channel || !canRead(actor, channel)) {
      throw new ParleyError('channel_not_found', `channel '${id}' does not exist or you are not a member`);
    }
    return channel;
  }

  // --- helpers -----------------------------------------------------------------------------

  /** What kind rules read: this channel's log, decoded. */
  kindContext(actor: Principal, channel: Channel, envelope?: KindCheckContext['entry']): KindCheckContext {
    const storage = this.storage;
    return {
      channel,
      party: this.party,
      parties: async () => partiesAt(await this.joined(channel)),
      actor: { id: actor.id, office: actor.office, role: actor.role },
      ...(envelope ? { entry: envelope } : {}),
      getEntry: async (party, seq) => {
        const entry = await storage.getEntry(channel.id, party, seq);
        return entry ? toLogged(entry) : null;
      },
      listByRef: async (kind, ref) => (await storage.listByRef(channel.id, kind, ref)).map(toLogged),
      listByKind: async (kind) => (await storage.listByKind(channel.id, kind, 100_000)).map(toLogged),
    };
  }

  private nodeDraft(channel: Channel, kind: string, body: Record<string, unknown>): EntryDraft {
    const checked = checkBody(kind, body);
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

  private keyPublication(channel: Channel, principal: Principal): EntryDraft {
    return this.nodeDraft(channel, 'principal-key', {
      principal: principal.id,
      office: principal.office,
      role: principal.role,
      title: principal.title,
      publicKey: principal.publicKey,
    });
  }

  private requireAdmin(actor: Principal): void {
    if (!canManage(actor))
      throw new ParleyError('forbidden', 'only administrators manage users, offices and channels');
  }

  private async mapExists(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (error instanceof AlreadyExistsError) throw new ParleyError('already_exists', error.message);
      throw error;
    }
  }
}

/** Decodes a stored entry for kind rules. */
export function toLogged(entry: StoredEntry): LoggedEntry {
  const content = parseCanonical(entry.canonical) as unknown as EntryContent;
  return {
    id: entryId(entry.channel, entry.party, entry.seq),
    party: entry.party,
    seq: entry.seq,
    hash: entry.hash,
    kind: entry.kind,
    author: entry.author,
    precedence: content.precedence,
    lang: content.lang,
    hlc: content.hlc,
    ...(content.marking ? { marking: content.marking } : {}),
    body: content.body,
  };
}

async function runKindCheck(kind: KindDefinition, context: KindCheckContext, body: unknown): Promise<void> {
  try {
    await kind.check!(context, body);
  } catch (error) {
    if (error instanceof KindRuleError) throw new ParleyError(error.code, error.message);
    throw error;
  }
}

/** Decodes a stored entry for clients. */
export function toView(entry: StoredEntry | CursoredEntry, cursor: number | null): EntryView {
  const content = parseCanonical(entry.canonical) as unknown as EntryContent;
  return {
    ...content,
    id: entryId(entry.channel, entry.party, entry.seq),
    hash: entry.hash,
    sig: entry.sig,
    cursor,
    storedAt: entry.storedAt,
  };
}
