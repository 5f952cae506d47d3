/**
 * The node-wide live stream (`GET /api/v1/events`: every new entry of every channel the person
 * may read), one per browser rather than one per tab or screen. A browser keeps at most six
 * HTTP/1.1 connections to one origin and every open stream holds one, so three console tabs,
 * each with a channel stream beside the node-wide one, left a note "Sending…" for ever. The tab
 * holding the Web Lock opens the stream and passes each event to the other tabs over a
 * BroadcastChannel; when it closes, the next tab waiting for the lock takes over. Without Web
 * Locks (a page outside a secure context) each tab opens its own. Channel timelines and alerts
 * both listen here.
 */
import { nodeEventsUrl, type Entry } from './api';
import { signal } from './signal';

/** Whether the stream is connected (in whichever tab holds it). */
export const streamUp = signal(true);

type EntryListener = (entry: Entry) => void;
const entryListeners = new Set<EntryListener>();
const openedListeners = new Set<() => void>();

/** Each entry the stream delivers, in cursor order. */
export function onNodeEntry(listener: EntryListener): () => void {
  entryListeners.add(listener);
  return () => entryListeners.delete(listener);
}

/**
 * Each time the stream (re)connects: entries committed while it was down are not replayed, so a
 * listener that must miss nothing reloads from its own cursor then.
 */
export function onStreamOpened(listener: () => void): () => void {
  openedListeners.add(listener);
  return () => openedListeners.delete(listener);
}

const SHARED_NAME = 'parley-node-events';

type BusMessage =
  | { type: 'entry'; entry: Entry }
  | { type: 'opened' }
  | { type: 'state'; up: boolean }
  | { type: 'ask-state' };

function deliver(entry: Entry): void {
  for (const listener of entryListeners) listener(entry);
}

function opened(): void {
  streamUp.set(true);
  for (const listener of openedListeners) listener();
}

let stop: (() => void) | null = null;

/** Opens (or joins) the stream for the signed-in person; returns the function that leaves it. */
export function connectNodeStream(): () => void {
  disconnectNodeStream();
  const bus = typeof BroadcastChannel === 'function' ? new BroadcastChannel(SHARED_NAME) : null;
  let leading = false;
  const tell = (message: BusMessage): void => {
    try {
      bus?.postMessage(message);
    } catch {
      // The channel closed with this tab's stream: nobody left to tell.
    }
  };
  /** Holds the stream in this tab until `closed` resolves. */
  const lead = async (closed: Promise<void>): Promise<void> => {
    leading = true;
    const events = new EventSource(nodeEventsUrl());
    const state = (up: boolean): void => {
      streamUp.set(up);
      tell({ type: 'state', up });
    };
    events.addEventListener('open', () => {
      // A new stream (a reconnection, or a tab taking over from one that closed): every tab's
      // listeners catch up from their cursors.
      tell({ type: 'opened' });
      opened();
    });
    events.addEventListener('error', () => state(events.readyState === EventSource.OPEN));
    events.addEventListener('ended', () => {
      events.close();
      state(false);
    });
    events.addEventListener('entry', (message) => {
      const entry = JSON.parse((message as MessageEvent<string>).data) as Entry;
      tell({ type: 'entry', entry });
      deliver(entry);
    });
    await closed;
    events.close();
    leading = false;
  };
  let release: () => void = () => {};
  const closed = new Promise<void>((resolve) => (release = resolve));
  const abort = new AbortController();
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (bus && locks) {
    bus.onmessage = (message: MessageEvent<BusMessage>) => {
      const data = message.data;
      if (leading) {
        if (data.type === 'ask-state') tell({ type: 'state', up: streamUp.get() });
      } else if (data.type === 'entry') deliver(data.entry);
      else if (data.type === 'opened') opened();
      else if (data.type === 'state') streamUp.set(data.up);
    };
    tell({ type: 'ask-state' });
    locks
      .request(SHARED_NAME, { signal: abort.signal }, () => lead(closed))
      .catch(() => {
        // Aborted while waiting for the lock: this tab left the stream first.
      });
  } else {
    void lead(closed);
  }
  stop = () => {
    abort.abort();
    release();
    bus?.close();
  };
  return disconnectNodeStream;
}

export function disconnectNodeStream(): void {
  stop?.();
  stop = null;
}
