/**
 * The demo keeps the other nodes running when one dies after the scenario is loaded (sovereign
 * nodes do not depend on each other), and says how to start the dead one again; and every demo
 * user the README tells a newcomer to sign in as exists, with the README's password.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, eventually, tempDir } from './support/node-process.js';

/** The users the README's demo paragraphs name (Quick start, and "Open it from the demo"). */
function readmeDemoUsers(): { users: string[]; password: string } {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const quickStart = readme.slice(readme.indexOf("It prints each node's URL"), readme.indexOf('```sh'));
  const fromDemo = readme.slice(readme.indexOf('**Open it from the demo.**'));
  const paragraphs = quickStart + fromDemo.slice(0, fromDemo.indexOf('\n\n'));
  const users = [
    ...new Set([...paragraphs.matchAll(/`((?:ru|us|nato)-[a-z]+-[a-z-]+)`/g)].map((m) => m[1]!)),
  ];
  const password = /password\s+`([^`]+)`/.exec(paragraphs)?.[1];
  if (!password || users.length < 4) throw new Error('the README no longer names the demo users');
  // "and the other `*-head` users of scenario/scenario.json"
  const scenario = readFileSync(new URL('../scenario/scenario.json', import.meta.url), 'utf8');
  const heads = [...scenario.matchAll(/"((?:ru|us|nato)-[a-z-]+-head)"/g)].map((m) => m[1]!);
  return { users: [...new Set([...users, ...heads])], password };
}

describe('parley demo', () => {
  it('keeps the other nodes serving when one of them dies', async () => {
    const dir = join(tempDir(), 'demo');
    const demo = spawn(process.execPath, [CLI, 'demo', '--data-dir', dir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    demo.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    try {
      await eventually(async () => stdout.includes('Press Ctrl-C to stop all nodes.'), 120_000);
      const nodes = Object.fromEntries(
        [...stderr.matchAll(/(RU|US|NATO) listening on (\S+) \(pid (\d+)\)/g)].map((m) => [
          m[1]!,
          { url: m[2]!, pid: Number(m[3]) },
        ]),
      );
      expect(Object.keys(nodes).sort()).toEqual(['NATO', 'RU', 'US']);
      const { users, password } = readmeDemoUsers();
      for (const user of users) {
        const party = user.split('-')[0]!.toUpperCase();
        const login = await fetch(`${nodes[party]!.url}/api/v1/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user, password }),
        });
        expect({ user, status: login.status }).toEqual({ user, status: 200 });
      }
      process.kill(nodes.US!.pid, 'SIGKILL');
      await eventually(async () => stderr.includes('the US node stopped'), 20_000);
      expect(stderr).toMatch(
        /the others keep running\. Start it again with: .* serve --data-dir \S+US --port \d+/,
      );
      const health = await fetch(`${nodes.RU!.url}/healthz`);
      expect(health.status).toBe(200);
      expect(demo.exitCode).toBeNull();
    } finally {
      demo.kill('SIGINT');
      await exited;
    }
  }, 180_000);
});
