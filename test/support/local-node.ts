/**
 * One node in the test process, serving real HTTP on 127.0.0.1 (the `prepareNode` fixture): calls
 * as a user, refusals checked for their error shape and for nothing written, and the CLI run
 * without blocking the process that serves it.
 */
import { expect } from 'vitest';
import type { ParleyNode } from '../../src/node/parley-node.js';
import { openNode } from '../../src/workflows/open-node.js';
import { startServer, type RunningServer } from '../../src/server/run-server.js';
import { prepareNode, runCliAsync, type Fixture } from './node-process.js';

export interface Call<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export class LocalNode {
  private constructor(
    readonly fixture: Fixture,
    readonly node: ParleyNode,
    readonly server: RunningServer,
  ) {}

  /** Prepares, opens and serves a node; `setup` runs on the open node before it serves. */
  static async start(setup?: (node: ParleyNode, fixture: Fixture) => Promise<void>): Promise<LocalNode> {
    const fixture = await prepareNode();
    const node = await openNode(fixture.dataDir);
    await setup?.(node, fixture);
    const server = await startServer(node, { host: '127.0.0.1', port: 0, logLevel: 'silent' });
    return new LocalNode(fixture, node, server);
  }

  async call<T = Record<string, unknown>>(
    user: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Call<T>> {
    const response = await fetch(`${this.server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.fixture.tokens[user]}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** Asserts an error response in the standard shape and that nothing was written. */
  async expectRefused(request: () => Promise<Call<unknown>>, status: number, code: string): Promise<string> {
    const before = await this.node.storage.countEntries();
    const result = await request();
    expect(result.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(result.status).toBe(status);
    expect(await this.node.storage.countEntries()).toBe(before);
    return (result.body as { error: { message: string } }).error.message;
  }

  /** The CLI against this node's API, with `token`. */
  cli(args: string[], token: string) {
    return runCliAsync([...args, '--url', this.server.url], { PARLEY_TOKEN: token });
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
