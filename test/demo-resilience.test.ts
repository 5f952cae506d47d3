/**
 * The demo keeps the other nodes running when one dies after the scenario is loaded (sovereign
 * nodes do not depend on each other), and says how to start the dead one again.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, eventually, tempDir } from './support/node-process.js';

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
