/**
 * The node-wide live stream (`GET /api/v1/events`) over real HTTP: it starts at the newest entry
 * (saying where in a `ready` event), delivers each new entry of every channel the person may read
 * and nothing of the others, resumes after a cursor, refuses bad input, and needs a login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyNode } from '../src/node/parley-node.js';
import { startServer, type RunningServer } from '../src/server/run-server.js';
import { openNode } from '../src/workflows/open-node.js';
import { api, prepareNode, type Fixture } from './support/node-process.js';
import { readEvents, type StreamEvent } from './support/event-stream.js';

let fixture: Fixture;
let node: ParleyNode;
let server: RunningServer;
let party: { url: string; tokens: Record<string, string> };

beforeAll(async () => {
  fixture = await prepareNode();
  node = await openNode(fixture.dataDir);
  server = await startServer(node, { host: '127.0.0.1', port: 0, logLevel: 'silent' });
  party = { url: server.url, tokens: fixture.tokens };
}, 240_000);

afterAll(async () => {
  await server?.close();
});

const post = (user: string, channel: string, text: string, precedence = 'ROUTINE') =>
  api<{ id: string; cursor: number }>(party, user, 'POST', `/api/v1/channels/${channel}/entries`, {
    kind: 'note',
    lang: 'en',
    precedence,
    body: { text },
  });

const entries = (events: StreamEvent[]) =>
  events
    .filter((e) => e.event === 'entry')
    .map((e) => e.data as { id: string; channel: string; precedence: string });

describe('the node-wide live stream', () => {
  it('shows every new entry of the channels a person may read, and only those', async () => {
    const before = await post('svr-head', 'intel', 'Written before the stream opened.');
    expect(before.status).toBe(201);
    const written: string[] = [];
    const { status, events } = await readEvents(server.url, '/api/v1/events', fixture.tokens['svr-duty']!, {
      ms: 10_000,
      enough: (seen) => entries(seen).some((e) => e.id === written.at(-1)),
      onOpen: async () => {
        // The president's channel is not the duty officer's: its entry must never appear.
        expect((await post('pres-head', 'leaders', 'Not for the intelligence service.')).status).toBe(201);
        const flash = await post('svr-head', 'intel', 'Border incident, answer at once.', 'FLASH');
        expect(flash.status).toBe(201);
        written.push(flash.body.id);
      },
    });
    expect(status).toBe(200);
    expect(events[0]?.event).toBe('ready');
    const ready = events[0]!.data as { cursor: number };
    expect(ready.cursor).toBeGreaterThanOrEqual(1);
    const seen = entries(events);
    // Starts at the newest entry: the note written before the stream is not replayed.
    expect(seen.map((e) => e.id)).not.toContain(before.body.id);
    expect(seen.map((e) => e.channel)).not.toContain('leaders');
    expect(seen.find((e) => e.id === written[0])?.precedence).toBe('FLASH');
    for (const e of events.filter((x) => x.event === 'entry')) expect(e.id).toBeGreaterThan(ready.cursor);
  });

  it('resumes after a cursor, as a reconnecting browser does with Last-Event-ID', async () => {
    const first = await post('svr-head', 'intel', 'First of two.');
    const second = await post('svr-head', 'intel', 'Second of two.');
    const page = await api<{ entries: Array<{ id: string; cursor: number }> }>(
      party,
      'svr-duty',
      'GET',
      '/api/v1/channels/intel/entries?limit=500',
    );
    const cursorOfFirst = page.body.entries.find((e) => e.id === first.body.id)!.cursor;
    const { events } = await readEvents(server.url, '/api/v1/events', fixture.tokens['svr-duty']!, {
      ms: 10_000,
      headers: { 'last-event-id': String(cursorOfFirst) },
      enough: (seen) => entries(seen).some((e) => e.id === second.body.id),
    });
    const ids = entries(events).map((e) => e.id);
    expect(ids).toContain(second.body.id);
    expect(ids).not.toContain(first.body.id);
  });

  it('refuses a bad cursor and a caller without a login', async () => {
    const bad = await fetch(`${server.url}/api/v1/events?after=-3`, {
      headers: { authorization: `Bearer ${fixture.tokens['svr-duty']}` },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    const anonymous = await fetch(`${server.url}/api/v1/events`);
    expect(anonymous.status).toBe(401);
  });
});
