/**
 * A node prepared for load: a fresh data dir with one office, a few writing principals and one
 * channel between them, created through the same ParleyNode calls the CLI uses; optionally API
 * tokens for the principals (as `parley token create` makes them).
 */
import { createApiTokenFor } from '../src/workflows/directory/sessions.js';
import { asActor, unlockWithPassword } from '../src/workflows/directory/key-custody.js';
import { LOCAL_OPERATOR } from '../src/cli/local-node.js';
import type { EntryDraft } from '../src/node/appender.js';
import type { ParleyNode } from '../src/node/parley-node.js';
import { initNode } from '../src/workflows/open-node.js';
import type { Principal } from '../src/storage/storage.js';
import { createChannel } from '../src/workflows/channels/commands.js';
import { addOffice, addPrincipal } from '../src/workflows/directory/commands.js';

/** Fixed, strong enough for the password policy; only ever used in throwaway temp dirs. */
export const BENCH_PASSWORD = 'bench-only correct horse battery staple';
export const BENCH_OFFICE = 'ops';
export const BENCH_CHANNEL = 'bench';

/** About 120 characters of note text: with the envelope, entries are ~500 bytes of canonical JSON. */
export const NOTE_TEXT =
  'Benchmark note: situation unchanged at the northern crossing; next report at 06:00 UTC. Acknowledge on receipt, please.';

export interface Fixture {
  node: ParleyNode;
  writers: Principal[];
  channel: string;
}

/**
 * Initialises `dataDir` (which must not exist yet) with an office, `principals` members and a
 * channel; on SQLite in the data dir, or on PostgreSQL when `databaseUrl` is given.
 */
export async function createFixture(
  dataDir: string,
  principals: number,
  databaseUrl?: string,
): Promise<Fixture> {
  const node = await initNode({
    dataDir,
    party: 'BENCH',
    partyName: 'Benchmark party',
    adminId: 'admin',
    adminPassword: BENCH_PASSWORD,
    ...(databaseUrl ? { databaseUrl } : {}),
  });
  try {
    await addOffice(node, LOCAL_OPERATOR, { id: BENCH_OFFICE, name: 'Operations' });
    // Password hashing (scrypt) dominates set-up; the thread pool runs the hashes side by side.
    const writers = await Promise.all(
      Array.from({ length: principals }, (_, i) =>
        addPrincipal(node, LOCAL_OPERATOR, {
          id: `writer-${i}`,
          office: BENCH_OFFICE,
          role: 'member',
          title: `Writer ${i}`,
          password: BENCH_PASSWORD,
        }),
      ),
    );
    await createChannel(node, LOCAL_OPERATOR, {
      id: BENCH_CHANNEL,
      name: 'Benchmark channel',
      offices: [BENCH_OFFICE],
      languages: ['en'],
    });
    return { node, writers: await Promise.all(writers.map(unlocked)), channel: BENCH_CHANNEL };
  } catch (error) {
    await node.close();
    throw error;
  }
}

/** Creates one API token per principal; returns the secrets (bearer tokens). */
export async function createTokens(node: ParleyNode, principals: Principal[]): Promise<string[]> {
  const tokens: string[] = [];
  for (const principal of principals) tokens.push(await benchToken(node, principal.id));
  return tokens;
}

/**
 * A token for `id` that signs: it carries the person's key, unlocked with the bench password
 * (as `parley token create` with the person's password makes it).
 */
export async function benchToken(node: ParleyNode, id: string): Promise<string> {
  return (await createApiTokenFor(node, LOCAL_OPERATOR, id, 'bench', undefined, BENCH_PASSWORD)).token;
}

/** A principal holding its key unlocked with the bench password (for the appender's bulk path). */
export async function unlocked(principal: Principal): Promise<Principal> {
  const opened = await unlockWithPassword(principal, BENCH_PASSWORD);
  if (!opened) throw new Error(`the key of ${principal.id} does not open with the bench password`);
  return asActor(principal, opened.privateKey);
}

/** A note draft by `author` for the appender's bulk path. */
export function noteDraft(channel: string, author: Principal, text = NOTE_TEXT): EntryDraft {
  return {
    channel,
    kind: 'note',
    precedence: 'ROUTINE',
    lang: 'en',
    body: { text },
    author: author.id,
    authorKey: author.publicKey,
    signingKey: author.privateKey,
  };
}
