/**
 * Validation errors name the field in a sentence (`body.name: …`, `params.seq: …`), so a person or
 * a script can tell what to fix; unknown fields are listed by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyNode } from '../src/node/parley-node.js';
import { startServer, type RunningServer } from '../src/server/run-server.js';
import { openNode } from '../src/workflows/open-node.js';
import { prepareNode, type Fixture } from './support/node-process.js';

let fixture: Fixture;
let node: ParleyNode;
let server: RunningServer;

beforeAll(async () => {
  fixture = await prepareNode();
  node = await openNode(fixture.dataDir);
  server = await startServer(node, { host: '127.0.0.1', port: 0, logLevel: 'silent' });
});

afterAll(async () => {
  await server?.close();
});

async function post(path: string, body: unknown, token = fixture.tokens['admin']!) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { error: { code: string; message: string } },
  };
}

describe('validation messages', () => {
  it('name the path of a nested field', async () => {
    const { status, body } = await post('/api/v1/channels', {
      id: 'c1',
      name: 'C',
      offices: ['svr'],
      languages: ['en', 'not a language'],
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toMatch(/^body\.languages\.1: /);
  });

  it('name a bad path parameter', async () => {
    const response = await fetch(`${server.url}/api/v1/channels/intel/entries/RU/x1`, {
      headers: { authorization: `Bearer ${fixture.tokens['svr-head']}` },
    });
    const body = (await response.json()) as { error: { message: string } };
    expect(response.status).toBe(400);
    expect(body.error.message).toMatch(/^params\.seq: /);
  });

  it('list unknown fields by name', async () => {
    const { status, body } = await post('/api/v1/offices', { id: 'o1', name: 'O', colour: 'red' });
    expect(status).toBe(400);
    expect(body.error.message).toBe('body: unknown field colour');
  });
});
