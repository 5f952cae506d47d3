/**
 * Custody of the node key with the real CLI and real `parley serve` processes: a key sealed
 * under a passphrase (from the environment or a 0600 file, never a flag) that serve refuses to
 * open without it or with a wrong one; a plain key sealed later without changing the node's
 * fingerprint; and a key moved into a SoftHSM2 token (PKCS#11, CKM_EDDSA) with which the node
 * federates with a second node: entries both ways, cosigned checkpoints, `parley verify` on both.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeKeyPath } from '../src/node/data-dir.js';
import {
  PASSWORD,
  api,
  eventually,
  initParty,
  openChannel,
  runCli,
  startServe,
  tempDir,
  type PartyNode,
  type ServeProcess,
} from './support/node-process.js';

const PASSPHRASE = 'seven long words make a passphrase';
const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const running: ServeProcess[] = [];

afterAll(async () => {
  await Promise.all(running.map((serve) => serve.stop()));
});

/** Runs `parley serve` expecting it to refuse to start; returns what it said. */
function serveRefuses(dataDir: string, env: Record<string, string>): string {
  const result = runCli(['serve', '--data-dir', dataDir, '--port', '0'], env);
  expect(result.status).not.toBe(0);
  return result.stderr;
}

function fingerprintOf(dataDir: string, env: Record<string, string> = {}): string {
  const status = runCli(['node-key', 'status', '--data-dir', dataDir, '--json'], env);
  expect(status.status, status.stderr).toBe(0);
  return (JSON.parse(status.stdout) as { fingerprint: string }).fingerprint;
}

describe('a node key sealed under a passphrase', () => {
  const dataDir = join(tempDir('parley-sealed-'), 'node');
  const init = (env: Record<string, string>) =>
    runCli(['init', '--data-dir', dataDir, '--party', 'RU', '--name', 'R', '--encrypt-node-key', '--json'], {
      PARLEY_ADMIN_PASSWORD: PASSWORD,
      ...env,
    });

  it('init --encrypt-node-key needs the passphrase from the environment, and a long one', () => {
    const none = init({});
    expect(none.status).not.toBe(0);
    expect(none.stderr).toContain('PARLEY_NODE_KEY_PASSPHRASE');
    const short = init({ PARLEY_NODE_KEY_PASSPHRASE: 'short' });
    expect(short.status).not.toBe(0);
    expect(short.stderr).toContain('at least 12 characters');
    expect(existsSync(dataDir)).toBe(false);
    const made = init({ PARLEY_NODE_KEY_PASSPHRASE: PASSPHRASE });
    expect(made.status, made.stderr).toBe(0);
    const file = readFileSync(nodeKeyPath(dataDir), 'utf8');
    expect(JSON.parse(file)).toMatchObject({ custody: 'passphrase', kdf: { name: 'scrypt' } });
    expect(file).not.toContain('PRIVATE KEY');
    expect(statSync(nodeKeyPath(dataDir)).mode & 0o777).toBe(0o600);
  });

  it('serve refuses to start without the passphrase or with a wrong one, saying which variable to set', () => {
    expect(serveRefuses(dataDir, {})).toContain(
      'is encrypted: set PARLEY_NODE_KEY_PASSPHRASE, or PARLEY_NODE_KEY_PASSPHRASE_FILE',
    );
    expect(serveRefuses(dataDir, { PARLEY_NODE_KEY_PASSPHRASE: 'not the passphrase' })).toContain(
      'wrong passphrase for the node key',
    );
  });

  it('serve starts with the passphrase in a 0600 file, and refuses a file others can read', async () => {
    const file = join(tempDir('parley-secret-'), 'passphrase');
    writeFileSync(file, `${PASSPHRASE}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    expect(serveRefuses(dataDir, { PARLEY_NODE_KEY_PASSPHRASE_FILE: file })).toContain(`chmod 600 ${file}`);
    chmodSync(file, 0o600);
    const serve = await startServe(dataDir, [], { PARLEY_NODE_KEY_PASSPHRASE_FILE: file });
    running.push(serve);
    const identity = (await (await fetch(`${serve.url}/federation/v1/identity`)).json()) as {
      nodePublicKey: string;
    };
    expect(JSON.parse(readFileSync(nodeKeyPath(dataDir), 'utf8'))).toMatchObject({
      publicKey: identity.nodePublicKey,
    });
    await serve.stop();
  });

  it('node-key encrypt seals a plain key in place, keeping the fingerprint', async () => {
    const { dataDir: plain } = await initParty('US');
    const before = fingerprintOf(plain);
    expect(runCli(['node-key', 'encrypt', '--data-dir', plain]).stderr).toContain(
      'PARLEY_NODE_KEY_PASSPHRASE',
    );
    const sealed = runCli(['node-key', 'encrypt', '--data-dir', plain, '--json'], {
      PARLEY_NODE_KEY_PASSPHRASE: PASSPHRASE,
    });
    expect(sealed.status, sealed.stderr).toBe(0);
    expect(JSON.parse(sealed.stdout)).toMatchObject({ custody: 'passphrase', fingerprint: before });
    expect(statSync(nodeKeyPath(plain)).mode & 0o777).toBe(0o600);
    expect(fingerprintOf(plain, { PARLEY_NODE_KEY_PASSPHRASE: PASSPHRASE })).toBe(before);
    const again = runCli(['node-key', 'encrypt', '--data-dir', plain], {
      PARLEY_NODE_KEY_PASSPHRASE: PASSPHRASE,
    });
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('already kept sealed under a passphrase');
    expect(serveRefuses(plain, {})).toContain('is encrypted');
  });
});

/** A throw-away SoftHSM2 token under its own configuration; null when softhsm2 is not installed. */
function softHsmToken(label: string, pin: string): Record<string, string> | null {
  if (!existsSync(SOFTHSM_MODULE)) return null;
  const dir = tempDir('parley-softhsm-');
  mkdirSync(join(dir, 'tokens'), { mode: 0o700 });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  const env = { SOFTHSM2_CONF: conf };
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', label, '--so-pin', '0000', '--pin', pin],
    {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    },
  );
  return env;
}

const hsmEnv = softHsmToken('parley-ru', '4321');
if (!hsmEnv) {
  // Required where the suite runs in CI (it installs softhsm2); elsewhere a missing package only skips.
  if (process.env.CI === 'true') throw new Error(`softhsm2 is missing (${SOFTHSM_MODULE}); CI installs it`);
  console.warn(`skipping the PKCS#11 tests: softhsm2 is not installed (${SOFTHSM_MODULE} is missing)`);
}

describe.skipIf(!hsmEnv)('a node key in a PKCS#11 token (SoftHSM2)', () => {
  const env = { ...hsmEnv, PARLEY_PKCS11_PIN: '4321' };
  let ru: PartyNode;
  let us: PartyNode;

  async function party(name: string, serveEnv: Record<string, string>): Promise<PartyNode> {
    const { dataDir, tokens } = await initParty(name);
    const fingerprint = fingerprintOf(dataDir);
    if (serveEnv.PARLEY_PKCS11_PIN) {
      const imported = runCli(
        [
          'node-key',
          'pkcs11-import',
          '--data-dir',
          dataDir,
          '--module',
          SOFTHSM_MODULE,
          '--token-label',
          'parley-ru',
          '--json',
        ],
        serveEnv,
      );
      expect(imported.status, imported.stderr).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ custody: 'pkcs11', fingerprint });
      expect(readFileSync(nodeKeyPath(dataDir), 'utf8')).not.toContain('PRIVATE KEY');
    }
    const serve = await startServe(dataDir, [], serveEnv);
    running.push(serve);
    return {
      party: name,
      dataDir,
      url: serve.url,
      serve,
      fingerprint,
      tokens,
      restart: () => Promise.resolve(),
    };
  }

  it('moves the key into the token and serve refuses a missing or wrong PIN', async () => {
    ru = await party('RU', env);
    await ru.serve.stop();
    expect(serveRefuses(ru.dataDir, { ...hsmEnv })).toContain(
      'set PARLEY_PKCS11_PIN, or PARLEY_PKCS11_PIN_FILE',
    );
    expect(serveRefuses(ru.dataDir, { ...hsmEnv, PARLEY_PKCS11_PIN: '0000' })).toContain(
      "wrong PIN for the PKCS#11 token 'parley-ru'",
    );
    expect(fingerprintOf(ru.dataDir, env)).toBe(ru.fingerprint);
    ru.serve = await startServe(ru.dataDir, [], env, Number(new URL(ru.url).port));
    running.push(ru.serve);
  });

  it('federates with a peer while signing in the token: entries both ways, cosigned checkpoints, verify on both', async () => {
    us = await party('US', {});
    // Local admin commands open the node, and so need the PIN too.
    for (const [self, other, selfEnv] of [
      [ru, us, env],
      [us, ru, {}],
    ] as const) {
      const added = runCli(
        [
          'peer',
          'add',
          other.url,
          '--party',
          other.party,
          '--fingerprint',
          other.fingerprint,
          '--data-dir',
          self.dataDir,
        ],
        selfEnv,
      );
      expect(added.status, added.stderr).toBe(0);
    }
    await openChannel(ru, us);
    // More than one signing-pool chunk at once, so batches holding the token's key are signed too.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api(i % 2 ? ru : us, i % 2 ? 'ru-duty' : 'us-duty', 'POST', '/api/v1/channels/intel/entries', {
          kind: 'note',
          lang: 'en',
          body: { text: `signed ${i}` },
        }),
      ),
    );
    for (const [node, other] of [
      [ru, us],
      [us, ru],
    ] as const) {
      await eventually(
        async () => {
          const result = await api<{
            chains: Array<{ party: string; size: number; cosignatures: Array<{ witness: string }> }>;
          }>(node, `${node.party.toLowerCase()}-duty`, 'GET', '/api/v1/channels/intel/checkpoints');
          const own = result.body.chains.find((c) => c.party === node.party);
          const theirs = result.body.chains.find((c) => c.party === other.party);
          return (
            own &&
            theirs &&
            own.size > 20 &&
            theirs.size > 20 &&
            own.cosignatures.some((c) => c.witness === other.party)
          );
        },
        30_000,
        `${other.party}'s cosignature of ${node.party}'s checkpoint`,
      );
    }
    for (const node of [ru, us]) {
      const verify = runCli(['verify', '--data-dir', node.dataDir, '--json'], node === ru ? env : {});
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    }
  });
});
