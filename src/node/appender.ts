/**
 * Appends local entries to this party's chains with group commit.
 *
 * Callers queue drafts; everything queued while the previous commit was running is sealed
 * (seq, prev, seen, hlc assigned and signed) and committed in one durable transaction, so one
 * fsync serves many appends. A chain's head lives in memory between commits; if another
 * process appended meanwhile (the CLI beside a running server, or a second node process on
 * a shared PostgreSQL), storage refuses the batch, the heads are reloaded and the batch is
 * sealed again. A caller's promise resolves only after its entry is durable.
 */
import { CompactRange, leafHash } from '../core/merkle.js';
import { signChainCheckpoint } from '../core/chain-checkpoint.js';
import { ENTRY_VERSION, signEntry, type EntryContent, type SignedEntry } from '../core/entry.js';
import type { HybridLogicalClock } from '../core/hlc.js';
import { getKind } from '../core/kinds/registry.js';
import { ChainConflictError, type ChainHead, type Storage, type StoredEntry } from '../storage/storage.js';

/** What a caller supplies; the appender fills in the chain position, clock and signature. */
export interface EntryDraft extends Pick<
  EntryContent,
  'channel' | 'kind' | 'precedence' | 'lang' | 'body' | 'author' | 'authorKey'
> {
  /** Private key (PKCS#8, base64) that signs for `author`. */
  signingKey: string;
}

export interface AppendedEntry {
  stored: StoredEntry;
  signed: SignedEntry;
}

interface Pending {
  drafts: EntryDraft[];
  resolve(entries: AppendedEntry[]): void;
  reject(error: unknown): void;
}

interface HeadState {
  size: number;
  hash: string | null;
  tree: CompactRange;
}

const MAX_BATCH_DRAFTS = 4000;
const MAX_CONFLICT_RETRIES = 5;

export interface AppenderOptions {
  storage: Storage;
  party: string;
  nodePrivateKey: string;
  clock: HybridLogicalClock;
  now?: () => number;
  /** Called after each durable commit with the entries it stored. */
  onCommit?: (entries: StoredEntry[]) => void;
}

export class Appender {
  private queue: Pending[] = [];
  private readonly heads = new Map<string, HeadState>();
  /** Other parties' chain sizes per channel, for `seen`. */
  private readonly seen = new Map<string, Record<string, number>>();
  private flushing = false;
  private closed = false;
  private readonly now: () => number;
  batches = 0;
  committed = 0;

  constructor(private readonly options: AppenderOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Queues drafts (appended in order, contiguously per chain) and resolves once they are durable. */
  append(drafts: EntryDraft[]): Promise<AppendedEntry[]> {
    if (this.closed) return Promise.reject(new Error('appender is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ drafts, resolve, reject });
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
  }

  /** Forgets cached heads, e.g. after entries arrived by another path. */
  invalidate(channel: string): void {
    this.heads.delete(`${channel}\u0000${this.options.party}`);
    this.seen.delete(channel);
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        await this.commitBatch(batch);
      }
    } finally {
      this.flushing = false;
      if (this.queue.length > 0 && !this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flushLoop());
      }
    }
  }

  private takeBatch(): Pending[] {
    let count = 0;
    let take = 0;
    while (
      take < this.queue.length &&
      (take === 0 || count + this.queue[take]!.drafts.length <= MAX_BATCH_DRAFTS)
    ) {
      count += this.queue[take]!.drafts.length;
      take += 1;
    }
    return this.queue.splice(0, take);
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.loadHeads(batch);
        const { results, stored, heads } = this.seal(batch);
        await this.options.storage.appendEntries(stored, heads);
        this.batches += 1;
        this.committed += stored.length;
        for (const head of heads) {
          this.heads.set(`${head.channel}\u0000${head.party}`, {
            size: head.size,
            hash: head.hash,
            tree: CompactRange.fromHex(head.size, head.frontier),
          });
        }
        batch.forEach((pending, index) => pending.resolve(results[index]!));
        this.options.onCommit?.(stored);
        return;
      } catch (error) {
        // Sealing touched no cached head, but a refused commit means our heads are stale.
        for (const pending of batch) for (const draft of pending.drafts) this.invalidate(draft.channel);
        if (error instanceof ChainConflictError && attempt < MAX_CONFLICT_RETRIES) continue;
        batch.forEach((pending) => pending.reject(error));
        return;
      }
    }
  }

  private async loadHeads(batch: Pending[]): Promise<void> {
    const { storage, party } = this.options;
    for (const pending of batch) {
      for (const draft of pending.drafts) {
        const key = `${draft.channel}\u0000${party}`;
        if (this.heads.has(key)) continue;
        const heads = await storage.listChainHeads(draft.channel);
        const own = heads.find((h) => h.party === party);
        this.heads.set(key, {
          size: own?.size ?? 0,
          hash: own?.hash ?? null,
          tree: own ? CompactRange.fromHex(own.size, own.frontier) : CompactRange.empty(),
        });
        const seen: Record<string, number> = {};
        for (const head of heads) if (head.party !== party && head.size > 0) seen[head.party] = head.size - 1;
        this.seen.set(draft.channel, seen);
      }
    }
  }

  /** Assigns chain positions and signs, working on copies so a refused commit changes nothing. */
  private seal(batch: Pending[]): { results: AppendedEntry[][]; stored: StoredEntry[]; heads: ChainHead[] } {
    const { party, clock } = this.options;
    const working = new Map<string, HeadState>();
    const stored: StoredEntry[] = [];
    const storedAt = this.now();
    const results = batch.map((pending) =>
      pending.drafts.map((draft) => {
        const key = `${draft.channel}\u0000${party}`;
        let head = working.get(key);
        if (!head) {
          const cached = this.heads.get(key)!;
          head = { size: cached.size, hash: cached.hash, tree: cached.tree.clone() };
          working.set(key, head);
        }
        const appended = sealDraft(
          head,
          draft,
          party,
          this.seen.get(draft.channel) ?? {},
          clock.now(),
          storedAt,
        );
        stored.push(appended.stored);
        return appended;
      }),
    );
    const heads = [...working.entries()].map(([key, head]) =>
      headRecord(key.slice(0, key.indexOf('\u0000')), party, head, this.options.nodePrivateKey),
    );
    return { results, stored, heads };
  }
}

/** Seals one draft at the end of `head` and advances `head` past it. */
function sealDraft(
  head: HeadState,
  draft: EntryDraft,
  party: string,
  seen: Record<string, number>,
  hlc: string,
  storedAt: number,
): AppendedEntry {
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
    body: draft.body,
    author: draft.author,
    authorKey: draft.authorKey,
  };
  const signed = signEntry(content, draft.signingKey);
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
    ref: getKind(content.kind)?.ref(content.body) ?? null,
    storedAt,
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
  channel: string,
  party: string,
  drafts: EntryDraft[],
  clock: HybridLogicalClock,
  nodePrivateKey: string,
  storedAt: number,
): { entries: StoredEntry[]; head: ChainHead } {
  const head: HeadState = { size: 0, hash: null, tree: CompactRange.empty() };
  const entries = drafts.map((draft) => sealDraft(head, draft, party, {}, clock.now(), storedAt).stored);
  return { entries, head: headRecord(channel, party, head, nodePrivateKey) };
}
