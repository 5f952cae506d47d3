/**
 * The `Idempotency-Key` header over real HTTP (http/idempotency.ts): a retry with the same key
 * and request replays the first answer and writes nothing, also after the node process restarts;
 * two identical requests at once write one entry; the same key for another request is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyNode } from '../src/node/parley-node.js';
import { openNode } from '../src/workflows/open-node.js';
import { startServer, type RunningServer } from '../src/server/run-server.js';
import { copyOfPreparedNode, startServe, type Fixture } from './support/node-process.js';

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function send(
  baseUrl: string,
  method: string,
  path: string,
  options: { token: string; body?: unknown; key?: string; headers?: Record<string, string> },
): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, ...options.headers };
  if (options.key !== undefined) headers['idempotency-key'] = options.key;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const note = (text: string) => ({ kind: 'note', precedence: 'ROUTINE', lang: 'en', body: { text } });
const errorCode = (answer: Answer) => (JSON.parse(answer.text) as { error: { code: string } }).error.code;

describe('idempotency keys on one node', () => {
  let fixture: Fixture;
  let node: ParleyNode;
  let server: RunningServer;
  const post = (key: string | undefined, body: unknown, token = fixture.tokens['svr-head']!) =>
    send(server.url, 'POST', '/api/v1/channels/intel/entries', { token, body, key });

  beforeAll(async () => {
    fixture = await copyOfPreparedNode();
    node = await openNode(fixture.dataDir);
    server = await startServer(node, { host: '127.0.0.1', port: 0, logLevel: 'silent' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('replays the first answer for a retry and writes nothing', async () => {
    const before = await node.storage.countEntries();
    const first = await post('retry-1', note('once'));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await post('retry-1', note('once'));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(again.text).toBe(first.text);
    expect(await node.storage.countEntries()).toBe(before + 1);
  });

  it('refuses the same key for a different request with 422', async () => {
    expect((await post('reuse-1', note('first'))).status).toBe(201);
    const before = await node.storage.countEntries();
    const other = await post('reuse-1', note('second'));
    expect(other.status).toBe(422);
    expect(errorCode(other)).toBe('idempotency_key_reused');
    // Another URL under the same key is another request too.
    const elsewhere = await send(server.url, 'POST', '/api/v1/channels/leaders/entries', {
      token: fixture.tokens['svr-head']!,
      body: note('first'),
      key: 'reuse-1',
    });
    expect(elsewhere.status).toBe(422);
    expect(await node.storage.countEntries()).toBe(before);
  });

  it('keeps keys apart per user', async () => {
    const before = await node.storage.countEntries();
    expect((await post('shared', note('by head'))).status).toBe(201);
    const duty = await post('shared', note('by head'), fixture.tokens['svr-duty']!);
    expect(duty.status).toBe(201);
    expect(duty.headers.get('idempotent-replayed')).toBeNull();
    expect(await node.storage.countEntries()).toBe(before + 2);
  });

  it('writes one entry when two identical requests race', async () => {
    for (let round = 0; round < 5; round += 1) {
      const before = await node.storage.countEntries();
      const key = `race-${round}`;
      const answers = await Promise.all([post(key, note(`race ${round}`)), post(key, note(`race ${round}`))]);
      expect(await node.storage.countEntries()).toBe(before + 1);
      const statuses = answers.map((a) => a.status).sort();
      // Either the second waited for nothing and found the answer, or it met the claim.
      expect([
        [201, 201],
        [201, 409],
      ]).toContainEqual(statuses);
      const replayedOrBusy = answers.filter(
        (a) => a.headers.get('idempotent-replayed') === 'true' || a.status === 409,
      );
      expect(replayedOrBusy).toHaveLength(1);
      const busy = answers.find((a) => a.status === 409);
      if (busy) expect(errorCode(busy)).toBe('request_in_progress');
    }
  });

  it('refuses keys that are empty, too long or not printable ASCII with 400', async () => {
    const before = await node.storage.countEntries();
    // Header values travel as Latin-1: the Cyrillic key arrives as its UTF-8 bytes, not ASCII.
    for (const key of ['x'.repeat(256), 'tab\there', Buffer.from('ключ').toString('latin1')]) {
      const answer = await post(key, note('bad key'));
      expect(answer.status).toBe(400);
      expect(errorCode(answer)).toBe('idempotency_key_invalid');
    }
    const empty = await post('', note('empty key'));
    expect(empty.status).toBe(400);
    expect(await node.storage.countEntries()).toBe(before);
    expect((await post('x'.repeat(255), note('longest key'))).status).toBe(201);
  });

  it('replays a refusal too, and covers other writes (offices)', async () => {
    const forbidden = await post('refused', note('observer'), fixture.tokens['svr-observer']!);
    expect(forbidden.status).toBe(403);
    const again = await post('refused', note('observer'), fixture.tokens['svr-observer']!);
    expect(again.status).toBe(403);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const office = { id: 'mfa', name: 'Ministry of Foreign Affairs' };
    const token = fixture.tokens.admin!;
    const created = await send(server.url, 'POST', '/api/v1/offices', { token, body: office, key: 'o1' });
    expect(created.status).toBe(201);
    const replay = await send(server.url, 'POST', '/api/v1/offices', { token, body: office, key: 'o1' });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    // Without a key the same request is a new one: the office exists now.
    expect((await send(server.url, 'POST', '/api/v1/offices', { token, body: office })).status).toBe(409);
  });

  it('documents the header in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
    };
    const params = doc.paths['/api/v1/channels/{channel}/entries']?.post?.parameters ?? [];
    expect(params).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
    const reads = doc.paths['/api/v1/channels/{channel}/entries']?.get?.parameters ?? [];
    expect(reads.some((p) => p.name === 'Idempotency-Key')).toBe(false);
  });
});

describe('idempotency keys across a restart of the node process', () => {
  it('replays the stored answer after the process restarted', { timeout: 60_000 }, async () => {
    const fixture = await copyOfPreparedNode();
    const token = fixture.tokens['svr-head']!;
    const path = '/api/v1/channels/intel/entries';
    let serve = await startServe(fixture.dataDir);
    let first: Answer;
    try {
      first = await send(serve.url, 'POST', path, { token, body: note('lost answer'), key: 'k-restart' });
      expect(first.status).toBe(201);
    } finally {
      await serve.stop();
    }
    const counted = async () => {
      const node = await openNode(fixture.dataDir);
      try {
        return await node.storage.countEntries();
      } finally {
        await node.close();
      }
    };
    // A claim left by a process that stopped mid-request, as after a crash.
    const node = await openNode(fixture.dataDir);
    await node.storage.claimIdempotencyKey({
      principal: 'svr-head',
      key: 'k-crashed',
      fingerprint: 'whatever was running',
      createdAt: Date.now() - 1000,
      expiresAt: Date.now() + 3600_000,
    });
    await node.close();
    const before = await counted();
    serve = await startServe(fixture.dataDir);
    try {
      const retry = await send(serve.url, 'POST', path, {
        token,
        body: note('lost answer'),
        key: 'k-restart',
      });
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.text).toBe(first.text);
      const reused = await send(serve.url, 'POST', path, { token, body: note('other'), key: 'k-restart' });
      expect(reused.status).toBe(422);
      // The stale claim was dropped at start: its retry runs instead of waiting for a day.
      const crashed = await send(serve.url, 'POST', path, { token, body: note('crashed'), key: 'k-crashed' });
      expect(crashed.status).toBe(201);
      expect(crashed.headers.get('idempotent-replayed')).toBeNull();
    } finally {
      await serve.stop();
    }
    expect(await counted()).toBe(before + 1);
  });
});
