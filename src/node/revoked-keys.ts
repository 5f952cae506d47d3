/**
 * People's keys revoked in this party's chains (kind `principal-key-revoke`), as the appender
 * sees them while sealing: a draft signed with a revoked key is refused before it gets a place in
 * the chain, so a revocation committed just before (by this process or another, whose commit
 * makes this one reload its heads) is never followed by an entry its peers would refuse
 * (core/verify-chain.ts, `key_revoked`).
 */
import { parseCanonical } from '../core/canonical-json.js';
import { NODE_AUTHOR, type EntryContent } from '../core/entry.js';
import { ParleyError } from '../core/errors.js';
import type { Storage, StoredEntry } from '../storage/storage.js';

/** Upper bound of revocations read per chain. */
const REVOCATIONS_LIMIT = 100_000;

const keyOf = (principal: string, publicKey: string) => `${principal}\u0000${publicKey}`;

/** The kind whose entries revoke a person's key. */
export const REVOCATION_KIND = 'principal-key-revoke';

/** The revocations in `party`'s chain of `channel`, as `<principal>\0<key>`. */
export async function revokedKeys(
  storage: Pick<Storage, 'listByKind'>,
  channel: string,
  party: string,
): Promise<Set<string>> {
  return revokedAmong(await storage.listByKind(channel, REVOCATION_KIND, REVOCATIONS_LIMIT), party);
}

/** The revocations among `entries` (of any kinds, channels and chains) that `party`'s chain made. */
export function revokedAmong(entries: readonly StoredEntry[], party: string): Set<string> {
  const revoked = new Set<string>();
  for (const entry of entries) {
    if (entry.party !== party || entry.kind !== REVOCATION_KIND) continue;
    const body = (parseCanonical(entry.canonical) as unknown as EntryContent).body as {
      principal: string;
      publicKey: string;
    };
    revoked.add(keyOf(body.principal, body.publicKey));
  }
  return revoked;
}

/**
 * Refuses `draft` when its author's key is revoked in the chain so far; returns the revocations
 * after it (a new set when the draft revokes a key, so copies of a head stay apart).
 */
export function checkRevocations(
  revoked: ReadonlySet<string>,
  draft: { channel: string; kind: string; author: string; authorKey: string; body: unknown },
): ReadonlySet<string> {
  if (draft.author !== NODE_AUTHOR && revoked.has(keyOf(draft.author, draft.authorKey))) {
    throw new ParleyError(
      'key_revoked',
      `the key of '${draft.author}' was revoked in '${draft.channel}': nothing it signs from now on is valid`,
    );
  }
  if (draft.kind !== 'principal-key-revoke') return revoked;
  const body = draft.body as { principal: string; publicKey: string };
  return new Set([...revoked, keyOf(body.principal, body.publicKey)]);
}
