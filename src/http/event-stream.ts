/**
 * Server-Sent Events for live updates (DESIGN.md "Interfaces"): a stream reads committed entries
 * by cursor from storage whenever a commit hint wakes it, writes each as an `entry` event whose
 * id is its cursor (so a reconnecting EventSource resumes with Last-Event-ID), keeps the
 * connection alive with comments, and ends the moment the session or token that opened it does.
 * The channel stream and the node-wide stream differ only in what they read and what wakes them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EntryView } from '../workflows/entries/present.js';
import type { NodeContext } from '../workflows/context.js';
import { watchAccess, type Authenticated } from './authenticate.js';

const HEARTBEAT_MS = 15_000;
const PAGE = 500;

export interface EventSourceOfEntries {
  /** Where the stream starts: entries with a larger cursor are sent. */
  cursor: number;
  /** Entries after `cursor` the caller may read, and the cursor to read from next. */
  read(cursor: number, limit: number): Promise<{ entries: EntryView[]; cursor: number; hasMore: boolean }>;
  /** Calls `wake` when new entries may be readable; returns the unsubscribe function. */
  subscribe(wake: () => void): () => void;
  /** Whether the stream opens with a `ready` event naming its starting cursor. */
  announceStart?: boolean;
}

/** The cursor a client asked to resume after: `?after=`, else Last-Event-ID, else none. */
export function resumeCursor(request: FastifyRequest, after: number | undefined): number | undefined {
  if (after !== undefined) return after;
  const lastEventId = Number(request.headers['last-event-id']);
  return Number.isSafeInteger(lastEventId) && lastEventId >= 0 ? lastEventId : undefined;
}

export async function streamEntries(
  request: FastifyRequest,
  reply: FastifyReply,
  auth: Authenticated,
  node: NodeContext,
  source: EventSourceOfEntries,
): Promise<void> {
  let cursor = source.cursor;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(': connected\n\n');
  // A stream that starts at "only new entries" says at which cursor that was.
  if (source.announceStart) raw.write(`event: ready\ndata: ${JSON.stringify({ cursor })}\n\n`);
  let sending = false;
  let again = false;
  const send = async (): Promise<void> => {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    try {
      do {
        again = false;
        for (;;) {
          if (raw.writableEnded) return;
          const page = await source.read(cursor, PAGE);
          for (const entry of page.entries) {
            raw.write(`id: ${entry.cursor}\nevent: entry\ndata: ${JSON.stringify(entry)}\n\n`);
          }
          cursor = page.cursor;
          if (!page.hasMore) break;
        }
      } while (again);
    } catch (error) {
      request.log.warn({ err: error }, 'live update stream stopped');
      raw.end();
    } finally {
      sending = false;
    }
  };
  const heartbeat = setInterval(() => raw.writableEnded || raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
  const stop = source.subscribe(() => void send());
  // A live stream must not outlive the access that opened it (logout, revocation, disabled
  // account, expiry).
  const stopWatching = watchAccess(auth, node, () => {
    if (raw.writableEnded) return;
    raw.write('event: ended\ndata: {"reason":"access ended"}\n\n');
    raw.end();
  });
  raw.on('close', () => {
    clearInterval(heartbeat);
    stop();
    stopWatching();
  });
  await send();
}
