/**
 * The `parley` CLI as an operator and a duty officer use it: init, offices, users, channels,
 * tokens, serve, send, inbox, ack, log, --json output, --help texts, bad flags, and the demo.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databasePath } from '../src/node/data-dir.js';
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js';
import { eventually, runCli, startServe, tempDir, type ServeProcess } from './support/node-process.js';

const dataDir = join(tempDir(), 'node');
const env = { PARLEY_ADMIN_PASSWORD: 'administrator password 1', PARLEY_PASSWORD: 'officer password 12345' };
let serve: ServeProcess | undefined;
/** The duty officer's generated password (its token signs only with it). */
let dutyPassword = '';

afterAll(async () => {
  await serve?.stop();
});

function ok(args: string[], extraEnv: Record<string, string> = {}) {
  const result = runCli(args, { ...env, ...extraEnv });
  expect(result.stderr, `parley ${args.join(' ')}`).toBe('');
  expect(result.status, `parley ${args.join(' ')}`).toBe(0);
  return result.stdout;
}

describe('parley CLI', () => {
  it('initialises a node with a 0600 key and shows its fingerprint', () => {
    const out = JSON.parse(
      ok(['init', '--data-dir', dataDir, '--party', 'RU', '--name', 'Russian Federation', '--json']),
    ) as Record<string, string>;
    expect(out.fingerprint).toMatch(/^SHA256:([0-9a-f]{4}:){7}[0-9a-f]{4}$/);
    expect(out).not.toHaveProperty('adminPassword');
    expect(statSync(join(dataDir, 'node.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'parley.db')).mode & 0o777).toBe(0o600);
    const again = runCli(['init', '--data-dir', dataDir, '--party', 'RU', '--name', 'x'], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already holds a node');
  });

  it('sets up offices, users, a channel and a token', () => {
    ok(['office', 'add', 'ru-svr', 'Foreign Intelligence Service', '--data-dir', dataDir]);
    ok([
      'user',
      'add',
      'ru-svr-head',
      '--office',
      'ru-svr',
      '--role',
      'head',
      '--title',
      'Director',
      '--data-dir',
      dataDir,
    ]);
    const generated = JSON.parse(
      runCli([
        'user',
        'add',
        'ru-svr-duty',
        '--office',
        'ru-svr',
        '--role',
        'duty-officer',
        '--data-dir',
        dataDir,
        '--json',
      ]).stdout,
    ) as { password?: string };
    expect(generated.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    dutyPassword = generated.password!;
    const channel = JSON.parse(
      ok([
        'channel',
        'create',
        'intelligence',
        '--name',
        'Intelligence services',
        '--offices',
        'ru-svr',
        '--languages',
        'ru,en',
        '--data-dir',
        dataDir,
        '--json',
      ]),
    ) as { id: string };
    expect(channel.id).toBe('intelligence');
    expect(ok(['channel', 'list', '--data-dir', dataDir])).toContain('intelligence\tactive');

    const badRole = runCli(
      ['user', 'add', 'x', '--office', 'ru-svr', '--role', 'king', '--data-dir', dataDir],
      env,
    );
    expect(badRole.status).toBe(1);
    expect(badRole.stderr).toContain('--role must be one of');
    const noOffice = runCli(
      ['channel', 'create', 'c2', '--name', 'C', '--offices', 'nowhere', '--data-dir', dataDir],
      env,
    );
    expect(noOffice.status).toBe(1);
    expect(noOffice.stderr).toContain("office 'nowhere' does not exist");
  });

  it('sends, lists the inbox, acknowledges and shows the log through a running node', async () => {
    serve = await startServe(dataDir);
    const headToken = ok(['token', 'create', 'ru-svr-head', '--data-dir', dataDir]).trim();
    // A token signs only with its person's own password (the duty officer's was generated).
    const dutyToken = ok(['token', 'create', 'ru-svr-duty', '--data-dir', dataDir], {
      PARLEY_PASSWORD: dutyPassword,
    }).trim();
    const as = (token: string) => ({ PARLEY_URL: serve!.url, PARLEY_TOKEN: token });

    const sent = JSON.parse(
      ok(
        [
          'send',
          'intelligence',
          'Уведомляем об учениях 21–23 февраля.',
          '--precedence',
          'FLASH',
          '--lang',
          'ru',
          '--json',
        ],
        as(headToken),
      ),
    ) as { id: string };
    expect(sent.id).toMatch(/^intelligence\/RU\/\d+$/);

    // The channels a token's person may read, over the API, as on the node's machine.
    const remoteList = ok(['channel', 'list'], as(dutyToken));
    expect(remoteList).toContain('intelligence\tactive');
    expect(remoteList).toBe(ok(['channel', 'list', '--data-dir', dataDir]));

    const inbox = ok(['inbox'], as(dutyToken));
    expect(inbox).toContain(sent.id);
    expect(inbox).toContain('FLASH');

    ok(
      ['ack', sent.id, '--level', 'understood', '--read-back', 'Exercise from 21 to 23 February.'],
      as(dutyToken),
    );
    expect(ok(['inbox'], as(dutyToken))).toContain('nothing awaits your receipt');
    const log = ok(['log', 'intelligence'], as(dutyToken));
    expect(log).toContain('understood');
    expect(log).toContain('Exercise from 21 to 23 February.');

    const badPrecedence = runCli(['send', 'intelligence', 'x', '--precedence', 'SOON'], as(headToken));
    expect(badPrecedence.status).toBe(1);
    expect(badPrecedence.stderr).toContain('precedence');
    const noToken = runCli(['inbox'], { PARLEY_URL: serve.url, PARLEY_TOKEN: '' });
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toContain('PARLEY_TOKEN');

    // A failed login is logged, but no password, token or key ever reaches the log.
    const login = await fetch(`${serve.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ru-svr-head', password: 'a guessed password' }),
    });
    expect(login.status).toBe(401);
    // The log line is written asynchronously; on a loaded machine it can take a moment.
    const nodeLog = await eventually(
      async () => (serve!.output().includes('login failed') ? serve!.output() : undefined),
      10_000,
      'the failed login in the node log',
    );
    for (const secret of [
      headToken,
      dutyToken,
      'a guessed password',
      env.PARLEY_PASSWORD,
      env.PARLEY_ADMIN_PASSWORD,
    ]) {
      expect(nodeLog).not.toContain(secret);
    }
  });

  it('verifies the store it built', () => {
    expect(ok(['verify', '--data-dir', dataDir])).toMatch(/^OK: \d+ entries/);
  });

  it('has --help for every command', () => {
    for (const command of [
      'init',
      'serve',
      'office add',
      'user add',
      'token create',
      'channel create',
      'channel accept',
      'peer self',
      'peer add',
      'peer list',
      'peer status',
      'send',
      'inbox',
      'ack',
      'log',
      'verify',
      'export',
      'demo',
    ]) {
      const help = ok([...command.split(' '), '--help']);
      expect(help, command).toContain(`Usage: parley ${command}`);
    }
    expect(ok(['--help'])).toContain('PARLEY_TOKEN');
  });

  it('refuses to open a node whose key other users can read', async () => {
    const { chmodSync } = await import('node:fs');
    const dir = join(tempDir(), 'loose');
    ok(['init', '--data-dir', dir, '--party', 'US', '--name', 'United States']);
    chmodSync(join(dir, 'node.key'), 0o644);
    const result = runCli(['channel', 'list', '--data-dir', dir], env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('chmod 600');
  });

  it('runs the demo end to end, with the scenario written as real workflow entries', async () => {
    const dir = join(tempDir(), 'demo');
    // Three nodes, ten people (each sealing a key), the whole scenario: give it three minutes.
    const result = runCli(['demo', '--data-dir', dir, '--port', '0', '--smoke'], {}, undefined, 180_000);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Parley demo node for RU');
    expect(result.stdout).toMatch(/demo smoke check passed: \d+ entries verified on 3 nodes/);
    expect(result.stdout).toContain('Parley demo node for US');
    // The US copy holds the whole exchange, both parties' entries.
    const storage = SqliteStorage.open(databasePath(join(dir, 'US')), { readonly: true });
    try {
      const count = async (channel: string, kind: string) =>
        (await storage.listByKind(channel, kind, 1000)).length;
      expect(await count('intelligence', 'template')).toBe(1);
      expect(await count('intelligence', 'notification')).toBe(1);
      expect(await count('intelligence', 'translation')).toBe(1);
      expect(await count('intelligence', 'readback-review')).toBe(1);
      expect(await count('intelligence', 'clarification-request')).toBe(1);
      expect(await count('intelligence', 'clarification')).toBe(1);
      expect(await count('ukraine-settlement', 'statement-draft')).toBe(1);
      expect(await count('ukraine-settlement', 'statement-resolution')).toBe(1);
      expect(await count('ukraine-settlement', 'statement-resolution-agree')).toBe(1);
      expect(await count('ukraine-settlement', 'statement-approve')).toBe(2);
      expect(await count('ukraine-settlement', 'statement-release')).toBe(1);
      expect(await count('ukraine-settlement', 'public-statement')).toBe(1);
      // The call of 12 February: proposed, accepted, held with minutes, both readouts, an invitation.
      expect(await count('leaders', 'briefing-proposal')).toBe(1);
      expect(await count('leaders', 'briefing-answer')).toBe(1);
      expect(await count('leaders', 'briefing-record')).toBe(1);
      expect(await count('leaders', 'readout')).toBe(2);
      expect(await count('leaders', 'invitation-proposal')).toBe(1);
      const [call] = await storage.listByKind('leaders', 'briefing-proposal', 1);
      const callBody = (JSON.parse(call!.canonical) as { body: { start: string } }).body;
      expect(callBody.start).toMatch(/^\d{4}-02-12T16:00/);
      // The order to keep contact, in each channel it applies to, with its commitments accepted.
      for (const channel of ['intelligence', 'security-councils']) {
        expect(await count(channel, 'contact-order')).toBe(1);
        expect(await count(channel, 'commitment')).toBe(1);
        expect(await count(channel, 'commitment-accept')).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await storage.close();
    }
  }, 240_000);
});
