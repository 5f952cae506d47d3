/**
 * Appends local entries to this party's chains with group commit.
 *
 * Callers queue drafts; everything queued while the previous commit was running is sealed
 * (seq, prev, seen, hlc assigned and signed) and committed in one durable transaction, so one
 * fsync serves many appends. A chain's head lives in memory between commits; if another
 * process appended meanwhile (the CLI beside a running server, or a second node process on
 * a shared PostgreSQL), storage refuses the batch, the heads are reloaded and the batch is
 * sealed again. A caller's promise resolves only after its entry is durable.
 *
 * One caller's bad draft must never fail anyone else's append: each draft is encoded and checked
 * against the canonical JSON profile on its own before it joins the queue, and sealing is
 * isolated per caller as well, so whatever still fails there is that caller's error alone.
 *
 * With several processes of one node on one database (README "Several processes of one node"),
 * storage checks three more things inside the append transaction, and each refusal is resolved
 * here, nothing being written:
 * - the node clock: every entry must be dated after the newest entry any process stored
 *   (ClockBehindError); the clock observes the stored one and the batch is sealed again;
 * - natural keys: a node-written entry (an escalation step, a delivery receipt) whose key is
 *   already stored was signed by another process first (DuplicateEntryError); its caller gets
 *   AlreadyExistsError ("already there"), the other callers of the batch are sealed again;
 * - lease fences: a draft written under a lease that has passed to another process
 *   (LeaseLostError) fails its caller alone, likewise.
 * A chain or clock conflict is retried up to MAX_CONFLICT_RETRIES times, after a short random
 * pause so that two processes do not keep colliding in step; then the caller gets a retryable
 * `unavailable` error (HTTP 503 with Retry-After), never an internal one.
 */
import { CanonicalJsonError, canonicalize } from '../core/canonical-json.js';
import { ParleyError } from '../core/errors.js';
import { CompactRange, leafHash } from '../core/merkle.js';
import { signChainCheckpoint } from '../core/chain-checkpoint.js';
import { ENTRY_VERSION, encodeEntry, type EntryContent, type SignedEntry } from '../core/entry.js';
import type { HybridLogicalClock } from '../core/hlc.js';
import type { KindRegistry } from '../core/kinds.js';
import { SIGNING_DOMAIN, signMessage } from '../core/keys.js';
import { SigningPool } from './signing-pool.js';
import { REVOCATION_KIND, checkRevocations, revokedAmong, revokedKeys } from './revoked-keys.js';
import {
  AlreadyExistsError,
  ChainConflictError,
  ClockBehindError,
  DuplicateEntryError,
  LeaseLostError,
  type AppendOptions,
  type ChainHead,
  type ChainTurn,
  type LeaseFence,
  type Storage,
  type StoredEntry,
} from '../storage/storage.js';

/** What a caller supplies; the appender fills in the chain position, clock and signature. */
export interface EntryDraft extends Pick<
  EntryContent,
  'channel' | 'kind' | 'precedence' | 'lang' | 'marking' | 'body' | 'author' | 'authorKey'
> {
  /** Private key (PKCS#8, base64) that signs for `author`. */
  signingKey: string;
  /** What a node-written entry is about: stored once at most (storage/contract/log.ts). */
  naturalKey?: string;
  /** The lease the entry is written under: refused once the lease has passed on. */
  fence?: LeaseFence;
}

export interface AppendedEntry {
  stored: StoredEntry;
  signed: SignedEntry;
}

interface Pending {
  drafts: EntryDraft[];
  resolve(entries: AppendedEntry[]): void;
  reject(error: unknown): void;
  /** How often the batch holding it was refused because another writer moved the chain. */
  conflicts: number;
}

interface HeadState {
  size: number;
  hash: string | null;
  tree: CompactRange;
  /**
   * `<principal>\0<key>` revoked in this chain so far (kind `principal-key-revoke`): a draft
   * signed with one is refused at sealing, so a revocation committed by any process, just before,
   * can never be followed by an entry its peers would refuse (core/verify-chain.ts, `key_revoked`).
   */
  revoked: ReadonlySet<string>;
}

/** A batch with chain positions assigned, waiting for its signatures and then its commit. */
interface SealedBatch {
  batch: Pending[];
  results: AppendedEntry[][];
  stored: StoredEntry[];
  heads: ChainHead[];
  signatures: Promise<string[]>;
}

const MAX_BATCH_DRAFTS = 4000;
const MAX_CONFLICT_RETRIES = 10;
/** The longest random pause before sealing again after a conflict with another process. */
const CONFLICT_PAUSE_MS = 20;
/** What a client whose append kept colliding is told to wait before retrying. */
const RETRY_AFTER_SECONDS = 1;
/** Batches sealed ahead of the commit: one is signed on the pool while the other commits. */
const MAX_IN_FLIGHT = 2;
/**
 * How long after a conflict with another process batches are sealed inside a chain turn
 * (storage withChainsHeld): the processes then take turns on the chain instead of each sealing
 * on a head the other is about to move, failing, pausing and sealing again.
 */
const CONTENDED_MS = 2000;

export interface AppenderOptions {
  storage: Storage;
  /** The kinds this node knows: a stored entry records the entry its kind says it names. */
  kinds: KindRegistry;
  party: string;
  nodePrivateKey: string;
  clock: HybridLogicalClock;
  now?: () => number;
  /** Signs batches off the main thread; by default a pool with one thread per spare core. */
  signer?: SigningPool;
}

export class Appender {
  private queue: Pending[] = [];
  private inFlight: SealedBatch[] = [];
  /** Chain heads after every sealed batch (committed or in flight). */
  private readonly heads = new Map<string, HeadState>();
  /** Other parties' chain sizes per channel, for `seen`. */
  private readonly seen = new Map<string, Record<string, number>>();
  private flushing = false;
  private closed = false;
  /** Until when (performance.now()) batches are sealed in a chain turn; see CONTENDED_MS. */
  private contendedUntil = 0;
  private readonly now: () => number;
  private readonly signer: SigningPool;
  private readonly ownsSigner: boolean;
  batches = 0;
  committed = 0;

  constructor(private readonly options: AppenderOptions) {
    this.now = options.now ?? Date.now;
    this.ownsSigner = options.signer === undefined;
    this.signer = options.signer ?? new SigningPool();
  }

  /** Queues drafts (appended in order, contiguously per chain) and resolves once they are durable. */
  append(drafts: EntryDraft[]): Promise<AppendedEntry[]> {
    if (this.closed) return Promise.reject(new Error('appender is closed'));
    try {
      drafts.forEach(checkDraft);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ drafts, resolve, reject, conflicts: 0 });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flushLoop());
      }
    });
  }

  /** Waits for queued work, then refuses new appends. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    if (this.ownsSigner) await this.signer.close();
  }

  /** Records that another party's chain in a channel has grown, for the `seen` of later entries. */
  noteSeen(channel: string, party: string, seq: number): void {
    const seen = this.seen.get(channel);
    if (seen && (seen[party] ?? -1) < seq) this.seen.set(channel, { ...seen, [party]: seq });
  }

  /** Forgets cached heads, e.g. after entries arrived by another path. */
  invalidate(channel: string): void {
    this.heads.delete(`${channel}\u0000${this.options.party}`);
    this.seen.delete(channel);
  }

  /**
   * Seals batches while fewer than MAX_IN_FLIGHT wait, then commits the oldest once signed:
   * the signing pool works on the next batch while this thread commits the previous one.
   */
  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0 || this.inFlight.length > 0) {
        if (this.inFlight.length === 0 && this.holdsTurns()) {
          await this.commitInTurn();
          continue;
        }
        while (this.queue.length > 0 && this.inFlight.length < MAX_IN_FLIGHT) {
          const batch = this.takeBatch();
          try {
            await this.loadHeads(batch);
            const sealed = this.seal(batch);
            if (sealed) this.inFlight.push(sealed);
          } catch (error) {
            batch.forEach((pending) => pending.reject(error));
          }
        }
        if (this.inFlight.length > 0) await this.commitOldest();
      }
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) {
        this.flushing = true;
        setImmediate(() => void this.flushLoop());
      }
    }
  }

  /** Takes the next batch off the queue: see batchLength. */
  private takeBatch(held?: ReadonlySet<string>): Pending[] {
    return this.queue.splice(0, this.batchLength(held));
  }

  /**
   * How many callers the next batch holds: those at the front of the queue, up to
   * MAX_BATCH_DRAFTS drafts (at least one caller), and with `held`, only while their channels are
   * all held, so callers keep their order.
   */
  private batchLength(held?: ReadonlySet<string>): number {
    let count = 0;
    let take = 0;
    while (take < this.queue.length) {
      const { drafts } = this.queue[take]!;
      if (take > 0 && count + drafts.length > MAX_BATCH_DRAFTS) break;
      if (held && !drafts.every((draft) => held.has(draft.channel))) break;
      count += drafts.length;
      take += 1;
    }
    return take;
  }

  private async commitOldest(): Promise<void> {
    const sealed = this.inFlight[0]!;
    const { storage } = this.options;
    try {
      await this.write(sealed, (entries, heads, options) => storage.appendEntries(entries, heads, options));
    } catch (error) {
      await this.unwind(error);
      return;
    }
    this.settleOldest();
  }

  /** Whether batches are sealed in chain turns now: after a recent conflict, where storage can. */
  private holdsTurns(): boolean {
    return this.options.storage.withChainsHeld !== undefined && performance.now() < this.contendedUntil;
  }

  /**
   * Seals and commits one batch inside a chain turn: with the channels held, the heads read are
   * the newest any process committed, so the batch cannot conflict on its chains. The batch is
   * taken once the turn has begun, so it holds what queued while the other process had the turn:
   * fewer, larger commits. Sealing waits for the turn, so nothing is sealed ahead here; that is
   * the price of not colliding.
   */
  private async commitInTurn(): Promise<void> {
    const { storage, clock } = this.options;
    const front = this.queue.slice(0, this.batchLength());
    const channels = [...new Set(front.flatMap((pending) => pending.drafts.map((d) => d.channel)))];
    const held = new Set(channels);
    const state: { batch: Pending[] | null; sealed: SealedBatch | null } = { batch: null, sealed: null };
    const work = async (turn: ChainTurn): Promise<void> => {
      const batch = (state.batch = this.takeBatch(held));
      this.dropMovedHeads(channels, turn.heads);
      if (turn.clock) clock.observe(turn.clock);
      await this.loadHeads(batch, turn);
      const sealed = (state.sealed = this.seal(batch));
      if (!sealed) return;
      this.inFlight.push(sealed);
      await this.write(sealed, (entries, heads, options) => turn.append(entries, heads, options));
    };
    try {
      await storage.withChainsHeld!(channels, work, { kinds: [REVOCATION_KIND] });
    } catch (error) {
      if (state.sealed) await this.unwind(error);
      else (state.batch ?? this.takeBatch(held)).forEach((pending) => pending.reject(error));
      return;
    }
    if (state.sealed) this.settleOldest();
  }

  /** Forgets the cached heads of `channels` that another process has moved since (`stored`). */
  private dropMovedHeads(channels: readonly string[], stored: readonly ChainHead[]): void {
    const { party } = this.options;
    for (const channel of channels) {
      const cached = this.heads.get(`${channel}\u0000${party}`);
      const head = stored.find((h) => h.channel === channel && h.party === party);
      if (cached && (head?.size !== cached.size || head.hash !== cached.hash)) this.invalidate(channel);
    }
  }

  /** Signs a sealed batch (helping the pool) and writes it with `append`; throws what it throws. */
  private async write(
    sealed: SealedBatch,
    append: (entries: StoredEntry[], heads: ChainHead[], options: AppendOptions) => Promise<void>,
  ): Promise<void> {
    // Sign alongside the pool rather than wait idle for it.
    this.signer.help();
    const signatures = await sealed.signatures;
    sealed.stored.forEach((entry, index) => (entry.sig = signatures[index]!));
    sealed.results.flat().forEach((appended, index) => (appended.signed.sig = signatures[index]!));
    await append(sealed.stored, sealed.heads, { checkClock: true, fences: fencesOf(sealed.batch) });
  }

  /** The oldest in-flight batch is durable: its callers get their entries. */
  private settleOldest(): void {
    const sealed = this.inFlight.shift()!;
    this.batches += 1;
    this.committed += sealed.stored.length;
    sealed.batch.forEach((pending, index) => pending.resolve(sealed.results[index]!));
  }

  /**
   * A commit failed: every batch sealed after it was built on its positions, so all in-flight
   * work goes back to the front of the queue to be sealed again on heads reloaded from storage.
   * A conflict (another writer moved the chain or the clock) is retried; a natural key already
   * stored or a lost lease fails only the callers it concerns; any other failure is reported to
   * the callers of the failed batch.
   */
  private async unwind(error: unknown): Promise<void> {
    const [failed, ...later] = this.inFlight;
    this.inFlight = [];
    this.heads.clear();
    this.seen.clear();
    const conflict = error instanceof ChainConflictError || error instanceof ClockBehindError;
    if (error instanceof ChainConflictError) this.contendedUntil = performance.now() + CONTENDED_MS;
    if (error instanceof ClockBehindError) this.options.clock.observe(error.clock);
    const retry: Pending[] = [];
    const owned = failed!.batch.map((pending) => ownFailure(pending, error));
    // A refusal that names none of the callers would be retried for ever: it fails them all.
    const selective =
      (error instanceof DuplicateEntryError || error instanceof LeaseLostError) && owned.some(Boolean);
    for (const [index, pending] of failed!.batch.entries()) {
      const own = owned[index];
      if (own) pending.reject(own);
      else if (selective) retry.push(pending);
      else if (conflict && pending.conflicts < MAX_CONFLICT_RETRIES) {
        pending.conflicts += 1;
        retry.push(pending);
      } else if (conflict) {
        pending.reject(
          new ParleyError(
            'unavailable',
            'other processes of this node kept appending to the same chain; nothing was written, retry shortly',
            RETRY_AFTER_SECONDS,
          ),
        );
      } else pending.reject(error);
    }
    this.queue.unshift(...retry, ...later.flatMap((sealed) => sealed.batch));
    if (conflict) await new Promise((r) => setTimeout(r, Math.random() * CONFLICT_PAUSE_MS));
  }

  /**
   * Reads the heads the batch's chains lack, and their revocations; from the turn, which read
   * both as it began, when there is one.
   */
  private async loadHeads(batch: Pending[], turn?: ChainTurn): Promise<void> {
    const { storage, party } = this.options;
    for (const pending of batch) {
      for (const draft of pending.drafts) {
        const key = `${draft.channel}\u0000${party}`;
        if (this.heads.has(key)) continue;
        const heads =
          turn?.heads.filter((h) => h.channel === draft.channel) ??
          (await storage.listChainHeads(draft.channel));
        const own = heads.find((h) => h.party === party);
        this.heads.set(key, {
          size: own?.size ?? 0,
          hash: own?.hash ?? null,
          tree: own ? CompactRange.fromHex(own.size, own.frontier) : CompactRange.empty(),
          revoked: !own
            ? new Set()
            : turn
              ? revokedAmong(
                  turn.entriesOfKinds.filter((e) => e.channel === draft.channel),
                  party,
                )
              : await revokedKeys(storage, draft.channel, party),
        });
        const seen: Record<string, number> = {};
        for (const head of heads) if (head.party !== party && head.size > 0) seen[head.party] = head.size - 1;
        this.seen.set(draft.channel, seen);
      }
    }
  }

  /**
   * Assigns chain positions and hashes in order and hands the signing to the pool. Advances the
   * in-memory heads, so the next batch can be sealed before this one commits. Each caller's
   * drafts are sealed on copies of the heads: if one fails, only that caller is refused and the
   * heads are as if it had never been queued. Returns null when no caller is left.
   */
  private seal(batch: Pending[]): SealedBatch | null {
    const { party, clock } = this.options;
    const touched = new Map<string, HeadState>();
    const kept: Pending[] = [];
    const results: AppendedEntry[][] = [];
    const stored: StoredEntry[] = [];
    const drafts: EntryDraft[] = [];
    const naturalKeys = new Set<string>();
    const storedAt = this.now();
    for (const pending of batch) {
      const repeated = pending.drafts.find(
        (d) => d.naturalKey !== undefined && naturalKeys.has(d.naturalKey),
      );
      if (repeated) {
        pending.reject(new AlreadyExistsError('entry', repeated.naturalKey!));
        continue;
      }
      const working = new Map<string, HeadState>();
      let appended: AppendedEntry[];
      try {
        appended = pending.drafts.map((draft) => {
          const key = `${draft.channel}\u0000${party}`;
          let head = working.get(key);
          if (!head) {
            const current = touched.get(key) ?? this.heads.get(key)!;
            head = { ...current, tree: current.tree.clone() };
            working.set(key, head);
          }
          return sealDraft(
            this.options.kinds,
            head,
            draft,
            party,
            this.seen.get(draft.channel) ?? {},
            clock.now(),
            storedAt,
          );
        });
      } catch (error) {
        pending.reject(asDraftError(error));
        continue;
      }
      for (const [key, head] of working) touched.set(key, head);
      for (const draft of pending.drafts)
        if (draft.naturalKey !== undefined) naturalKeys.add(draft.naturalKey);
      kept.push(pending);
      results.push(appended);
      for (const entry of appended) stored.push(entry.stored);
      drafts.push(...pending.drafts);
    }
    if (kept.length === 0) return null;
    const signatures = this.signer.sign(
      stored.map((entry, index) => ({
        privateKey: drafts[index]!.signingKey,
        domain: SIGNING_DOMAIN.entry,
        message: entry.canonical,
      })),
    );
    // Keep rejections handled until commitOldest awaits this promise.
    signatures.catch(() => {});
    for (const [key, head] of touched) this.heads.set(key, head);
    const heads = [...touched.entries()].map(([key, head]) =>
      headRecord(key.slice(0, key.indexOf('\u0000')), party, head, this.options.nodePrivateKey),
    );
    return { batch: kept, results, stored, heads, signatures };
  }
}

/** The distinct lease fences the drafts of a batch were written under. */
function fencesOf(batch: Pending[]): LeaseFence[] {
  const fences = new Map<string, LeaseFence>();
  for (const pending of batch) {
    for (const { fence } of pending.drafts) {
      if (fence) fences.set(`${fence.name}\u0000${fence.holder}\u0000${fence.epoch}`, fence);
    }
  }
  return [...fences.values()];
}

/** The error of a failed commit that belongs to this caller alone, if any. */
function ownFailure(pending: Pending, error: unknown): Error | null {
  if (error instanceof DuplicateEntryError) {
    const taken = pending.drafts.find((d) => d.naturalKey !== undefined && error.keys.includes(d.naturalKey));
    return taken ? new AlreadyExistsError('entry', taken.naturalKey!) : null;
  }
  if (error instanceof LeaseLostError) {
    const fenced = pending.drafts.some((d) => d.fence?.name === error.lease && d.fence.epoch === error.epoch);
    return fenced ? error : null;
  }
  return null;
}

/**
 * Refuses a draft whose fields cannot be encoded (DESIGN.md "The log": canonical JSON, restricted
 * profile), before it joins a batch where its failure would be everyone's. The rest of the entry
 * is the appender's own: integers, hashes and the clock.
 */
function checkDraft(draft: EntryDraft): void {
  const { channel, kind, precedence, lang, marking, body, author, authorKey } = draft;
  try {
    canonicalize({ channel, kind, precedence, lang, marking, body, author, authorKey });
  } catch (error) {
    throw asDraftError(error);
  }
}

/** A draft's own failure as the caller's error: a value outside the profile is a bad body (400). */
function asDraftError(error: unknown): unknown {
  if (!(error instanceof CanonicalJsonError)) return error;
  const where = error.path === '$' ? 'entry' : error.path.slice(2);
  return new ParleyError('body_invalid', `${where}: ${error.reason}`);
}

/** Seals one draft at the end of `head` and advances `head` past it. */
function sealDraft(
  kinds: KindRegistry,
  head: HeadState,
  draft: EntryDraft,
  party: string,
  seen: Record<string, number>,
  hlc: string,
  storedAt: number,
): AppendedEntry {
  head.revoked = checkRevocations(head.revoked, draft);
  const content: EntryContent = {
    v: ENTRY_VERSION,
    channel: draft.channel,
    party,
    seq: head.size,
    prev: head.hash,
    seen,
    hlc,
    kind: draft.kind,
    precedence: draft.precedence,
    lang: draft.lang,
    ...(draft.marking ? { marking: draft.marking } : {}),
    body: draft.body,
    author: draft.author,
    authorKey: draft.authorKey,
  };
  const signed: SignedEntry = { ...encodeEntry(content), sig: '' };
  head.size += 1;
  head.hash = signed.hash;
  head.tree.append(leafHash(signed.canonical));
  const stored: StoredEntry = {
    channel: content.channel,
    party,
    seq: content.seq,
    hash: signed.hash,
    canonical: signed.canonical,
    sig: signed.sig,
    kind: content.kind,
    author: content.author,
    precedence: content.precedence,
    hlc: content.hlc,
    ref: kinds.get(content.kind)?.ref(content.body) ?? null,
    storedAt,
    ...(draft.naturalKey === undefined ? {} : { naturalKey: draft.naturalKey }),
  };
  return { stored, signed };
}

function headRecord(channel: string, party: string, head: HeadState, nodePrivateKey: string): ChainHead {
  return {
    channel,
    party,
    size: head.size,
    hash: head.hash,
    frontier: head.tree.toHex(),
    checkpoint: signChainCheckpoint(channel, party, head.size, head.tree.root(), nodePrivateKey),
  };
}

/** Seals the first entries of a new chain (a channel's charter and key publications). */
export function sealNewChain(
  kinds: KindRegistry,
  channel: string,
  party: string,
  drafts: EntryDraft[],
  clock: HybridLogicalClock,
  nodePrivateKey: string,
  storedAt: number,
): { entries: StoredEntry[]; head: ChainHead } {
  const head: HeadState = { size: 0, hash: null, tree: CompactRange.empty(), revoked: new Set() };
  const entries = drafts.map((draft) => {
    const { stored } = sealDraft(kinds, head, draft, party, {}, clock.now(), storedAt);
    stored.sig = signMessage(draft.signingKey, SIGNING_DOMAIN.entry, stored.canonical);
    return stored;
  });
  return { entries, head: headRecord(channel, party, head, nodePrivateKey) };
}
