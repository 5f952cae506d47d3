/**
 * A channel's entries in the browser: loaded page by page (`GET …/entries?after=&limit=`), then
 * kept current by the node-wide stream (lib/node-stream.ts, one per browser: a stream per tab
 * and channel ran out of the browser's connections), deduplicated by entry id and kept in causal
 * order. Views subscribe and re-render on a version counter; the first page is published as soon
 * as it arrives so the timeline shows rows before a long channel has finished loading.
 */
import { api, type Entry } from '../../lib/api';
import { onNodeEntry, onStreamOpened, streamUp } from '../../lib/node-stream';
import { compareCausal, insertCausal } from './causal-order';

const PAGE = 1000;

export type LoadState = 'loading' | 'complete' | 'error';

export class TimelineStore {
  /** Ascending causal order. */
  readonly entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  private cursor = 0;
  private closed = false;
  /** Page reads under way; live entries wait in `waiting` until none is. */
  private reading = 0;
  private readonly waiting: Entry[] = [];
  private readonly stops: Array<() => void> = [];
  version = 0;
  state: LoadState = 'loading';
  error: unknown = null;
  /** Called with each entry that arrives live (after the initial load). */
  onLive: ((entry: Entry) => void) | null = null;

  constructor(readonly channel: string) {}

  /** The highest storage cursor of the entries loaded, or null before any: what the reader has on screen. */
  get newestCursor(): number | null {
    return this.cursor > 0 ? this.cursor : null;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  /** The entry with this party and seq, if loaded. */
  find(party: string, seq: number): Entry | undefined {
    return this.byId.get(`${this.channel}/${party}/${seq}`);
  }

  private add(batch: Entry[]): Entry[] {
    const added: Entry[] = [];
    for (const entry of batch) {
      if (entry.cursor !== null && entry.cursor > this.cursor) this.cursor = entry.cursor;
      if (this.byId.has(entry.id)) continue;
      this.byId.set(entry.id, entry);
      added.push(entry);
    }
    if (added.length === 0) return added;
    if (added.length > 16) {
      this.entries.push(...added);
      this.entries.sort(compareCausal);
    } else {
      for (const entry of added) insertCausal(this.entries, entry);
    }
    return added;
  }

  /** Loads every page, then follows live updates; resolves once the history is loaded. */
  async start(): Promise<void> {
    // Listening before the first page is read, so nothing committed meanwhile is missed.
    this.stops.push(
      onNodeEntry((entry) => this.arrived(entry)),
      onStreamOpened(() => void this.catchUp()),
      streamUp.subscribe(() => this.publish()),
    );
    try {
      await this.readPages(false);
      this.state = 'complete';
      this.publish();
    } catch (error) {
      if (this.closed) return;
      this.state = 'error';
      this.error = error;
      this.publish();
    }
  }

  /** Whether live updates are flowing (the node-wide stream is up and the history loaded). */
  get live(): boolean {
    return this.state === 'complete' && streamUp.get();
  }

  /**
   * Reads the pages after the cursor; live entries that arrive meanwhile wait until it is done,
   * since one of them would move the cursor past entries not yet read.
   */
  private async readPages(announce: boolean): Promise<void> {
    this.reading += 1;
    try {
      for (;;) {
        const page = await api.entries(this.channel, this.cursor, PAGE);
        if (this.closed) return;
        this.take(page.entries, announce);
        if (page.entries.length < PAGE) break;
      }
    } finally {
      this.reading -= 1;
      if (this.reading === 0 && !this.closed) this.take(this.waiting.splice(0), true);
    }
  }

  private take(batch: Entry[], announce: boolean): void {
    const added = this.add(batch);
    if (added.length === 0) return;
    this.publish();
    if (announce) for (const e of added) this.onLive?.(e);
  }

  private arrived(entry: Entry): void {
    if (this.closed || entry.channel !== this.channel) return;
    if (this.reading > 0) this.waiting.push(entry);
    else this.take([entry], true);
  }

  /** After the stream reconnected: what was committed while it was down. */
  private async catchUp(): Promise<void> {
    if (this.closed || this.state !== 'complete') return;
    try {
      await this.readPages(true);
    } catch {
      // The next reconnection tries again.
    }
  }

  close(): void {
    this.closed = true;
    for (const stop of this.stops.splice(0)) stop();
    this.listeners.clear();
  }
}
