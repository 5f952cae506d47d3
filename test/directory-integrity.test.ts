/**
 * The directory cannot break a channel's integrity, on two federated nodes (RU, US) over real
 * HTTP in virtual time:
 *
 * - a person exists with their key publications or not at all: a title no signed entry can
 *   carry, or an append that fails, leaves nobody stored; and a person whose key this party has
 *   not published in a channel cannot write there (every peer would refuse the chain);
 * - adding a person to an office named in a proposed channel publishes nothing before this
 *   party accepts, so the channel stays acceptable (the acceptance publishes the key);
 * - an office belongs to one party: an office `us-ops` created on RU's node is not the US office
 *   of the charter; its person neither reads nor writes there, and a forged RU push publishing
 *   a key for `us-ops` and writing with it is refused by US with nothing stored; and `parley
 *   verify` names such a publication in a node's store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryContent } from '../src/core/entry.js';
import { formatHlc, parseHlc } from '../src/core/hlc.js';
import { generateKeyPair, type KeyPair } from '../src/core/keys.js';
import type { Principal } from '../src/core/model.js';
import { readNodeKey } from '../src/node/data-dir.js';
import { publicKeyOf } from '../src/core/keys.js';
import { verifyStorage } from '../src/workflows/audit/verify.js';
import { addPrincipal } from '../src/workflows/directory/commands.js';
import { hashPassword } from '../src/workflows/directory/password.js';
import { signingToken } from './support/unlocked.js';
import { HostilePeer } from './support/hostile-peer.js';
import { pinPeers, startInProcessParty, virtualClock, type InProcessParty } from './support/in-process.js';
import { PASSWORD, api, eventually } from './support/node-process.js';

const clock = virtualClock();
let ru: InProcessParty;
let us: InProcessParty;
let ruStopped = false;

const note = (text: string) => ({ kind: 'note', lang: 'en', body: { text } });

/** Gives `user` of `node` an API token, as `parley token` would. */
async function tokenFor(node: InProcessParty, user: string): Promise<void> {
  node.tokens[user] = await signingToken(node.node.storage, user);
}

async function open(id: string, accept = true): Promise<void> {
  const created = await api(ru, 'admin', 'POST', '/api/v1/channels', {
    id,
    name: `Channel ${id}`,
    offices: ['ru-ops'],
    peers: { US: ['us-ops'] },
    languages: ['en'],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await eventually(async () => (await api(us, 'admin', 'GET', `/api/v1/channels/${id}`)).status === 200);
  if (!accept) return;
  expect((await api(us, 'admin', 'POST', `/api/v1/channels/${id}/accept`)).status).toBe(200);
  await eventually(
    async () =>
      (await api<{ state: string }>(ru, 'admin', 'GET', `/api/v1/channels/${id}`)).body.state === 'active',
  );
}

/** The principals whose key `party`'s chain publishes in the channel, as `node` holds it. */
async function publishedIn(node: InProcessParty, channel: string, party: string): Promise<string[]> {
  const entries = await node.node.storage.listByKind(channel, 'principal-key', 10_000);
  return entries
    .filter((e) => e.party === party)
    .map((e) => (JSON.parse(e.canonical) as EntryContent).body.principal as string);
}

async function usersOf(node: InProcessParty): Promise<string[]> {
  const listed = await api<Array<{ id: string }>>(node, 'admin', 'GET', '/api/v1/users');
  return listed.body.map((u) => u.id);
}

beforeAll(async () => {
  [ru, us] = await Promise.all([startInProcessParty('RU', clock), startInProcessParty('US', clock)]);
  await pinPeers(ru, us);
  await open('intel');
}, 240_000);

afterAll(async () => {
  if (!ruStopped) await ru?.stop();
  await us?.stop();
}, 240_000);

describe('a person is created with their key publications, or not at all', () => {
  const admin = async (): Promise<Principal> => (await us.node.storage.getPrincipal('admin'))!;
  const person = (id: string, title: string) => ({
    id,
    office: 'us-ops',
    role: 'member' as const,
    title,
    password: PASSWORD,
  });

  it('refuses a title no key publication can carry, storing nobody', async () => {
    // The API's input gate refuses both; a caller inside the node (CLI, import) reaches here.
    await expect(
      addPrincipal(us.node, await admin(), person('us-surrogate', 'Chief \uD800')),
    ).rejects.toThrow(/lone surrogate/);
    await expect(
      addPrincipal(us.node, await admin(), person('us-long', 'x'.repeat(201))),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
    expect(await us.node.storage.getPrincipal('us-surrogate')).toBeNull();
    expect(await us.node.storage.getPrincipal('us-long')).toBeNull();
    expect(await usersOf(us)).not.toContain('us-surrogate');
  });

  it('stores nobody when the key publications cannot be appended', async () => {
    const appender = us.node.appender;
    const append = appender.append.bind(appender);
    appender.append = () => Promise.reject(new Error('disk full'));
    try {
      await expect(addPrincipal(us.node, await admin(), person('us-unlucky', 'Unlucky'))).rejects.toThrow(
        'disk full',
      );
    } finally {
      appender.append = append;
    }
    expect(await us.node.storage.getPrincipal('us-unlucky')).toBeNull();
    // Created again, the person is published and writes.
    const created = await api(us, 'admin', 'POST', '/api/v1/users', person('us-unlucky', 'Unlucky'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(await publishedIn(us, 'intel', 'US')).toContain('us-unlucky');
    await tokenFor(us, 'us-unlucky');
    const posted = await api(us, 'us-unlucky', 'POST', '/api/v1/channels/intel/entries', note('hello'));
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
  });

  it('refuses to sign for a person whose key is not published in the channel', async () => {
    // A person stored without their publications (as an older node could leave one).
    const keys = generateKeyPair();
    await us.node.storage.addPrincipal({
      id: 'us-half',
      office: 'us-ops',
      role: 'member',
      title: 'Half-created',
      passwordHash: await hashPassword(PASSWORD),
      publicKey: keys.publicKey,
      privateKey: keys.privateKey,
      createdAt: clock.now(),
      disabled: false,
    });
    await tokenFor(us, 'us-half');
    const before = await us.node.storage.getChainHead('intel', 'US');
    const posted = await api<{ error: { code: string; message: string } }>(
      us,
      'us-half',
      'POST',
      '/api/v1/channels/intel/entries',
      note('this would poison the chain'),
    );
    expect(posted.status).toBe(403);
    expect(posted.body.error.code).toBe('forbidden');
    expect(posted.body.error.message).toMatch(/not published/);
    expect((await us.node.storage.getChainHead('intel', 'US'))?.size).toBe(before?.size);
  });
});

describe('a proposed channel stays acceptable', () => {
  it('publishes a new person of a named office only with the acceptance', async () => {
    await open('pending', false);
    const created = await api(us, 'admin', 'POST', '/api/v1/users', {
      id: 'us-new',
      office: 'us-ops',
      role: 'member',
      title: 'New officer',
      password: PASSWORD,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // Nothing of US's chain yet: the chain begins with the acceptance.
    expect(await us.node.storage.getChainHead('pending', 'US')).toBeNull();
    const accepted = await api(us, 'admin', 'POST', '/api/v1/channels/pending/accept');
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect((await us.node.storage.getEntry('pending', 'US', 0))?.kind).toBe('charter-accept');
    expect(await publishedIn(us, 'pending', 'US')).toContain('us-new');
    const again = await api<{ error: { code: string } }>(
      us,
      'admin',
      'POST',
      '/api/v1/channels/pending/accept',
    );
    expect(again.status).toBe(409);
    await eventually(
      async () =>
        (await api<{ state: string }>(ru, 'admin', 'GET', '/api/v1/channels/pending')).body.state ===
        'active',
    );
    await tokenFor(us, 'us-new');
    const posted = await api<{ seq: number }>(
      us,
      'us-new',
      'POST',
      '/api/v1/channels/pending/entries',
      note('first word'),
    );
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    await eventually(
      async () =>
        (await api(ru, 'ru-head', 'GET', `/api/v1/channels/pending/entries/US/${posted.body.seq}`)).status ===
        200,
    );
  });
});

describe('acceptance is detected by the charter or the acceptance, not by any entry', () => {
  it('accepts a channel whose chain an older node began with a key publication', async () => {
    await open('legacy', false);
    const channel = (await us.node.storage.getChannel('legacy'))!;
    const head = (await us.node.storage.getPrincipal('us-head'))!;
    // What an older node wrote when a person joined a named office before accepting.
    await us.node.appendNodeEntry(channel, 'principal-key', {
      principal: head.id,
      office: head.office,
      role: head.role,
      title: head.title,
      publicKey: head.publicKey,
    });
    expect((await us.node.storage.getEntry('legacy', 'US', 0))?.kind).toBe('principal-key');
    const accepted = await api(us, 'admin', 'POST', '/api/v1/channels/legacy/accept');
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect((await us.node.storage.getEntry('legacy', 'US', 1))?.kind).toBe('charter-accept');
    expect((await api(us, 'admin', 'POST', '/api/v1/channels/legacy/accept')).status).toBe(409);
    await eventually(
      async () =>
        (await api<{ state: string }>(ru, 'admin', 'GET', '/api/v1/channels/legacy')).body.state === 'active',
    );
  });
});

describe('an office belongs to one party', () => {
  it("refuses, on RU's node, a local office named like a US office of the charter", async () => {
    expect(
      (await api(ru, 'admin', 'POST', '/api/v1/offices', { id: 'us-ops', name: 'Not the US office' })).status,
    ).toBe(201);
    const created = await api(ru, 'admin', 'POST', '/api/v1/users', {
      id: 'ru-mole',
      office: 'us-ops',
      role: 'head',
      title: 'Mole',
      password: PASSWORD,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // RU publishes no key for it: us-ops is not an office of RU in the charter.
    expect(await publishedIn(ru, 'intel', 'RU')).not.toContain('ru-mole');
    await tokenFor(ru, 'ru-mole');
    const before = await ru.node.storage.getChainHead('intel', 'RU');
    // Not a member, so the channel does not exist for it (need-to-know: ids do not leak).
    const read = await api<{ error: { code: string } }>(ru, 'ru-mole', 'GET', '/api/v1/channels/intel');
    expect(read.status).toBe(404);
    const posted = await api<{ error: { code: string } }>(
      ru,
      'ru-mole',
      'POST',
      '/api/v1/channels/intel/entries',
      note('speaking for the US office'),
    );
    expect(posted.status).toBe(404);
    expect(posted.body.error.code).toBe('channel_not_found');
    expect((await ru.node.storage.getChainHead('intel', 'RU'))?.size).toBe(before?.size);
  });

  it("refuses, on US's node, a forged RU push that publishes a key for us-ops and writes with it", async () => {
    // RU's chain must stand still while it is forged at: wait until US holds all of it, then stop RU.
    await eventually(async () => {
      const held = await us.node.storage.getChainHead('intel', 'RU');
      const own = await ru.node.storage.getChainHead('intel', 'RU');
      return held !== null && held.size === own?.size;
    });
    const nodeKey = readNodeKey(ru.dataDir);
    await ru.stop();
    ruStopped = true;
    const head = (await us.node.storage.getChainHead('intel', 'RU'))!;
    const last = (await us.node.storage.getEntry('intel', 'RU', head.size - 1))!;
    const lastContent = JSON.parse(last.canonical) as EntryContent;
    const wall = parseHlc(last.hlc)!.wall;

    const forger = new HostilePeer('RU', us.url, 'US');
    const ruKey: KeyPair = { publicKey: publicKeyOf(nodeKey), privateKey: nodeKey };
    (forger as { key: KeyPair }).key = ruKey;
    const mole = generateKeyPair();
    const publication = forger.entry('intel', {
      seq: head.size,
      prev: head.hash,
      kind: 'principal-key',
      body: {
        principal: 'ru-mole',
        office: 'us-ops',
        role: 'head',
        title: 'Mole',
        publicKey: mole.publicKey,
      },
      hlc: formatHlc({ wall: wall + 1, counter: 0 }),
      seen: lastContent.seen,
    });
    const message = forger.entry('intel', {
      seq: head.size + 1,
      prev: publication.hash,
      kind: 'note',
      body: { text: 'speaking for the US office' },
      author: 'ru-mole',
      authorKey: mole.publicKey,
      signingKey: mole.privateKey,
      hlc: formatHlc({ wall: wall + 2, counter: 0 }),
      seen: lastContent.seen,
    });
    const answer = await forger.push([HostilePeer.wire(publication), HostilePeer.wire(message)]);
    expect(answer.status, JSON.stringify(answer.body)).toBe(422);
    expect(answer.code).toBe('entry_invalid');
    expect(answer.message).toMatch(/office_not_in_charter/);
    const after = (await us.node.storage.getChainHead('intel', 'RU'))!;
    expect(after.size).toBe(head.size);
    expect(after.hash).toBe(head.hash);
    expect(await publishedIn(us, 'intel', 'RU')).not.toContain('ru-mole');
  });

  it("is reported by parley verify when a chain publishes a key for another party's office", async () => {
    // Written past the workflows, as a node without these checks would have: RU is stopped, so
    // nothing is delivered; the audit of US's own store names the entry.
    const channel = (await us.node.storage.getChannel('intel'))!;
    const stored = await us.node.appendNodeEntry(channel, 'principal-key', {
      principal: 'us-spoof',
      office: 'ru-ops',
      role: 'head',
      title: 'Spoof',
      publicKey: generateKeyPair().publicKey,
    });
    const report = await verifyStorage(us.node.storage);
    const offices = report.failures.filter((f) => f.rule === 'office_not_in_charter');
    expect(offices.map((f) => f.entry)).toEqual([`intel/US/${stored.seq}`]);
  });
});
