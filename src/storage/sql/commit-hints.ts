/**
 * The wake-up half of the change feed (contract/changes.ts), shared by both backends: a set of
 * listeners called after commits, and the small payload PostgreSQL sends with NOTIFY.
 */
import type { CommitHint, CommitListener } from '../storage.js';

/** NOTIFY payloads must stay far below PostgreSQL's 8000-byte limit; past this, name no channels. */
const MAX_PAYLOAD_CHARS = 1000;

/** The listeners of one storage instance. */
export class CommitListeners {
  readonly #listeners = new Set<CommitListener>();

  get size(): number {
    return this.#listeners.size;
  }

  add(listener: CommitListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Calls every listener; a throwing listener must not fail the write that committed. */
  emit(hint: CommitHint): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(hint);
      } catch {
        // Deliberately ignored: a hint is advisory and the commit already happened.
      }
    }
  }
}

/** The hint for a commit that wrote `entries` (the highest cursor among them) in `channels`. */
export function commitHint(cursor: number | null, channels: Iterable<string>): CommitHint {
  return { cursor, channels: [...new Set(channels)].sort() };
}

/** The NOTIFY payload: the hint plus the sending instance, so it can skip its own echo. */
export function encodeHint(origin: string, hint: CommitHint): string {
  const payload = JSON.stringify({ o: origin, c: hint.cursor, ch: hint.channels });
  return payload.length <= MAX_PAYLOAD_CHARS
    ? payload
    : JSON.stringify({ o: origin, c: hint.cursor, ch: null });
}

/**
 * encodeHint's payload for a commit whose cursor only the writing statement learns: what goes
 * before and after the cursor's digits (`null` when it writes no entry). The size limit is
 * checked with the largest cursor there can be.
 */
export function encodeHintAround(
  origin: string,
  channels: readonly string[],
): { before: string; after: string } {
  const widest = Number.MAX_SAFE_INTEGER;
  const payload = encodeHint(origin, { cursor: widest, channels: [...channels] });
  const at = payload.indexOf(`"c":${widest}`) + '"c":'.length;
  return { before: payload.slice(0, at), after: payload.slice(at + String(widest).length) };
}

/** Reads a NOTIFY payload; anything unexpected becomes a hint that names nothing. */
export function decodeHint(payload: string | undefined): { origin: string | null; hint: CommitHint } {
  try {
    const parsed = JSON.parse(payload ?? '') as { o?: unknown; c?: unknown; ch?: unknown };
    const cursor = typeof parsed.c === 'number' ? parsed.c : null;
    const channels =
      Array.isArray(parsed.ch) && parsed.ch.every((c) => typeof c === 'string')
        ? (parsed.ch as string[])
        : null;
    return { origin: typeof parsed.o === 'string' ? parsed.o : null, hint: { cursor, channels } };
  } catch {
    return { origin: null, hint: { cursor: null, channels: null } };
  }
}
