/**
 * Rotating and revoking people's keys across two real nodes (README "Security", "People's keys"):
 * a person replaces their key with their password, the old one is revoked in the channel, what it
 * signed before stays valid at both nodes and what the new key signs replicates; an administrator
 * revokes a key over the CLI, which ends the person's sessions and tokens and leaves them unable
 * to sign until they rotate; both nodes' logs verify offline, revocations included. (A peer that
 * signs with a revoked key anyway is refused: test/hostile-peer-entries.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PASSWORD,
  api,
  eventually,
  openChannel,
  peerUp,
  runCli,
  startParty,
  type PartyNode,
} from './support/node-process.js';

let ru: PartyNode;
let us: PartyNode;

interface Entry {
  id: string;
  kind: string;
  author: string;
  authorKey: string;
  body: Record<string, unknown>;
}

beforeAll(async () => {
  [ru, us] = await Promise.all([startParty('RU'), startParty('US')]);
  peerUp(ru, us);
  await openChannel(ru, us, { languages: ['en'] });
}, 240_000);

afterAll(async () => {
  await Promise.all([ru?.serve.stop(), us?.serve.stop()]);
});

async function post(node: PartyNode, user: string, text: string) {
  return api<Entry & { error?: { code: string; message: string } }>(
    node,
    user,
    'POST',
    '/api/v1/channels/intel/entries',
    { kind: 'note', body: { text } },
  );
}

/** The entries of `intel` at `node`, once `until` holds for them. */
async function entriesAt(node: PartyNode, until: (entries: Entry[]) => boolean): Promise<Entry[]> {
  return eventually(async () => {
    const page = await api<{ entries: Entry[] }>(
      node,
      `${node.party.toLowerCase()}-duty`,
      'GET',
      '/api/v1/channels/intel/entries?limit=500',
    );
    return until(page.body.entries) ? page.body.entries : undefined;
  }, 30_000);
}

/** A token that signs for `user`, made on the node's machine with the person's password. */
function newSigningToken(node: PartyNode, user: string): string {
  const made = runCli(
    ['token', 'create', user, '--label', 'after rotation', '--json', '--data-dir', node.dataDir],
    {
      PARLEY_PASSWORD: PASSWORD,
    },
  );
  expect(made.status, made.stderr).toBe(0);
  return (JSON.parse(made.stdout) as { token: string }).token;
}

describe("people's keys across two nodes", () => {
  it('rotates a key: the old one is revoked everywhere, what it signed stays valid, the new one signs', async () => {
    const before = await post(ru, 'ru-duty', 'signed with the first key');
    expect(before.status, JSON.stringify(before.body)).toBe(201);
    const oldKey = before.body.authorKey;

    const wrong = await api(ru, 'ru-duty', 'POST', '/api/v1/me/key/rotate', { password: 'not the password' });
    expect(wrong.status).toBe(403);
    const rotated = await api<{ publicKey: string; revokedKey: string; entries: number }>(
      ru,
      'ru-duty',
      'POST',
      '/api/v1/me/key/rotate',
      { password: PASSWORD },
    );
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body.revokedKey).toBe(oldKey);
    expect(rotated.body.publicKey).not.toBe(oldKey);
    expect(rotated.body.entries).toBe(2); // the new key's publication and the old one's revocation

    // The token made before carries a copy of the old key: it reads, but no longer signs.
    const stale = await post(ru, 'ru-duty', 'signed with a stale token');
    expect(stale.status).toBe(403);
    expect(stale.body.error?.code).toBe('key_locked');

    ru.tokens['ru-duty'] = newSigningToken(ru, 'ru-duty');
    const after = await post(ru, 'ru-duty', 'signed with the second key');
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    expect(after.body.authorKey).toBe(rotated.body.publicKey);

    // US holds the revocation and both notes, each verified against the key in force when signed.
    const atUs = await entriesAt(us, (entries) => entries.some((e) => e.id === after.body.id));
    const revocation = atUs.find((e) => e.kind === 'principal-key-revoke');
    expect(revocation?.body).toMatchObject({
      principal: 'ru-duty',
      publicKey: oldKey,
      reason: 'rotated by its holder',
      replacedBy: rotated.body.publicKey,
    });
    expect(atUs.map((e) => e.id)).toContain(before.body.id);

    const audit = await api<{ events: Array<{ action: string; subject: string }> }>(
      ru,
      'admin',
      'GET',
      '/api/v1/audit-events?action=person_key_rotated',
    );
    expect(audit.body.events).toContainEqual(expect.objectContaining({ subject: 'ru-duty' }));
  });

  it('revokes a key by an administrator: sessions and tokens end, nothing signs until the person rotates', async () => {
    const before = await post(ru, 'ru-head', 'the head writes before the revocation');
    expect(before.status).toBe(201);
    // Over the API, as an administrator would from their desk.
    const revoked = runCli(
      ['user', 'revoke-key', 'ru-head', '--reason', 'laptop lost', '--json', '--url', ru.url],
      {
        PARLEY_TOKEN: ru.tokens.admin!,
      },
    );
    expect(revoked.status, revoked.stderr).toBe(0);
    const change = JSON.parse(revoked.stdout) as { revokedKey: string; entries: number; tokensEnded: number };
    expect(change).toMatchObject({ revokedKey: before.body.authorKey, entries: 1 });
    expect(change.tokensEnded).toBeGreaterThan(0);

    // The token ended at once; the person's key is marked revoked, and a new token cannot sign.
    expect((await post(ru, 'ru-head', 'with the ended token')).status).toBe(401);
    const users = await api<Array<{ id: string; keyRevoked: boolean }>>(ru, 'admin', 'GET', '/api/v1/users');
    expect(users.body.find((u) => u.id === 'ru-head')?.keyRevoked).toBe(true);
    const tokenAttempt = runCli(['token', 'create', 'ru-head', '--label', 'x', '--data-dir', ru.dataDir], {
      PARLEY_PASSWORD: PASSWORD,
    });
    expect(tokenAttempt.status).not.toBe(0);
    expect(tokenAttempt.stderr).toContain('revoked');

    // Revoking twice is refused, and says so.
    const again = runCli(['user', 'revoke-key', 'ru-head', '--reason', 'again', '--data-dir', ru.dataDir]);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('already revoked');

    // The person signs in (the session cannot sign: the key is revoked) and replaces the key.
    const login = await fetch(`${ru.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ru-head', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const session = {
      cookie: login.headers.get('set-cookie')!.split(';')[0]!,
      'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken,
    };
    const me = (await fetch(`${ru.url}/api/v1/me`, { headers: session }).then((r) => r.json())) as {
      principal: { keyRevoked: boolean };
    };
    expect(me.principal.keyRevoked).toBe(true);
    const rotation = await fetch(`${ru.url}/api/v1/me/key/rotate`, {
      method: 'POST',
      headers: { ...session, 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(rotation.status).toBe(200);
    // The old key was revoked already: only the new key's publication is appended.
    expect(await rotation.json()).toMatchObject({ revokedKey: null, entries: 1 });
    // Rotation ends the person's sessions; a token made with the password signs with the new key.
    expect((await fetch(`${ru.url}/api/v1/me`, { headers: session })).status).toBe(401);
    ru.tokens['ru-head'] = newSigningToken(ru, 'ru-head');
    const after = await post(ru, 'ru-head', 'the head writes with the new key');
    expect(after.status, JSON.stringify(after.body)).toBe(201);

    const atUs = await entriesAt(us, (entries) => entries.some((e) => e.id === after.body.id));
    expect(atUs.filter((e) => e.kind === 'principal-key-revoke').map((e) => e.body.reason)).toEqual(
      expect.arrayContaining(['laptop lost']),
    );
  });

  it('leaves both logs verifying offline, revocations included', async () => {
    for (const node of [ru, us]) {
      const verify = runCli(['verify', '--data-dir', node.dataDir, '--json']);
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
      expect(JSON.parse(verify.stdout).failures).toEqual([]);
    }
  });
});
