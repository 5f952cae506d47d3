/**
 * `parley token create|list|revoke` and `parley user disable|enable|password` on the node's
 * machine (needs `npm run build`).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/node-process.js';

const dataDir = join(tempDir(), 'node');
const env = { PARLEY_ADMIN_PASSWORD: 'administrator password 1', PARLEY_PASSWORD: 'officer password 12345' };

function ok(args: string[], extraEnv: Record<string, string> = {}): string {
  const result = runCli([...args, '--data-dir', dataDir], { ...env, ...extraEnv });
  expect(result.stderr, `parley ${args.join(' ')}`).toBe('');
  expect(result.status, `parley ${args.join(' ')}`).toBe(0);
  return result.stdout;
}

const json = <T>(args: string[], extraEnv: Record<string, string> = {}): T =>
  JSON.parse(ok([...args, '--json'], extraEnv)) as T;

describe('parley token and user account commands', () => {
  it('creates tokens with an expiry, lists them without secrets and revokes them', () => {
    ok(['init', '--party', 'RU', '--name', 'Russian Federation']);
    ok(['office', 'add', 'svr', 'Foreign Intelligence Service']);
    ok(['user', 'add', 'duty', '--role', 'duty-officer', '--office', 'svr']);
    const created = json<{ id: string; token: string; expiresAt: number }>([
      'token',
      'create',
      'duty',
      '--label',
      'ci',
      '--expires-in',
      '2d',
    ]);
    expect(created.expiresAt - Date.now()).toBeGreaterThan(47 * 3600_000);
    expect(created.expiresAt - Date.now()).toBeLessThan(49 * 3600_000);
    const listed = json<Array<{ id: string; user: string; label: string }>>(['token', 'list', 'duty']);
    expect(listed).toEqual([expect.objectContaining({ id: created.id, user: 'duty', label: 'ci' })]);
    expect(ok(['token', 'list'])).not.toContain(created.token);
    expect(ok(['token', 'revoke', created.id])).toContain('revoked');
    expect(json<unknown[]>(['token', 'list', 'duty'])).toEqual([]);
    const bad = runCli(['token', 'create', 'duty', '--expires-in', 'forever', '--data-dir', dataDir], env);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--expires-in');
  });

  it('disables, enables and re-passwords a user', () => {
    json(['token', 'create', 'duty']);
    expect(json<{ disabled: boolean }>(['user', 'disable', 'duty']).disabled).toBe(true);
    expect(ok(['user', 'list'])).toMatch(/duty.*disabled/);
    expect(json<unknown[]>(['token', 'list', 'duty'])).toEqual([]);
    expect(json<{ disabled: boolean }>(['user', 'enable', 'duty']).disabled).toBe(false);
    const changed = json<{ id: string; password?: string }>(['user', 'password', 'duty'], {
      PARLEY_PASSWORD: 'another password 123',
    });
    expect(changed).toEqual({ id: 'duty' });
    const short = runCli(['user', 'password', 'duty', '--data-dir', dataDir], { PARLEY_PASSWORD: 'short' });
    expect(short.status).not.toBe(0);
    for (const command of ['token list', 'token revoke', 'user disable', 'user enable', 'user password']) {
      const help = runCli([...command.split(' '), '--help']);
      expect(help.stdout, command).toContain(`Usage: parley ${command}`);
    }
  });
});
