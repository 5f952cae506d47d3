/**
 * A channel's entries in the browser: loaded page by page (`GET …/entries?after=&limit=`), then
 * kept current by the channel's Server-Sent Events, deduplicated by entry id and kept in causal
 * order. Views subscribe and re-render on a version counter; the first page is published as soon
 * as it arrives so the timeline shows rows before a long channel has finished loading.
 */
import { api, eventsUrl, type Entry } from '../../lib/api';
import { compareCausal, insertCausal } from './causal-order';

const PAGE = 1000;

export type LoadState = 'loading' | 'complete' | 'error';

export class TimelineStore {
  /** Ascending causal order. */
  readonly entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  private cursor = 0;
  private source: EventSource | null = null;
  private closed = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  version = 0;
  state: LoadState = 'loading';
  error: unknown = null;
  live = false;
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
    try {
      for (;;) {
        const page = await api.entries(this.channel, this.cursor, PAGE);
        if (this.closed) return;
        this.add(page.entries);
        const done = page.entries.length < PAGE;
        if (done) this.state = 'complete';
        this.publish();
        if (done) break;
      }
      this.follow();
    } catch (error) {
      if (this.closed) return;
      this.state = 'error';
      this.error = error;
      this.publish();
    }
  }

  private follow(): void {
    if (this.closed) return;
    const source = new EventSource(eventsUrl(this.channel, this.cursor));
    this.source = source;
    source.addEventListener('open', () => {
      this.live = true;
      this.publish();
    });
    source.addEventListener('entry', (event) => {
      const entry = JSON.parse((event as MessageEvent<string>).data) as Entry;
      const added = this.add([entry]);
      if (added.length > 0) {
        this.publish();
        for (const e of added) this.onLive?.(e);
      }
    });
    source.addEventListener('error', () => {
      // Reconnect from the newest cursor held (the URL's `after` would replay from the start).
      source.close();
      this.live = false;
      this.publish();
      this.retry = setTimeout(() => this.follow(), 1000);
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.source?.close();
    this.listeners.clear();
  }
}
