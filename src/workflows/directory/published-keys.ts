/**
 * Whether this party's chain in a channel lets a person sign with their key now: published there
 * with a member office of this party, and not revoked since (core/verify-chain.ts). A node never
 * signs what its peers would refuse (`author_key_unknown`, `key_revoked`, office rules).
 */
import { ParleyError } from '../../core/errors.js';
import type { Channel, Principal } from '../../core/model.js';
import { authorOfficeProblem } from '../../core/policy.js';
import type { NodeContext } from '../context.js';
import { toLogged } from '../entries/present.js';

/** Upper bound of key publications read per channel. */
const PUBLICATIONS_LIMIT = 100_000;

/**
 * Keys found usable, per storage (`<channel>\0<principal>\0<key>`). A rotation or revocation in
 * this process forgets them; in another process of the node, the person's stored key changes
 * (rotation) or their sessions and tokens end (revocation), so no actor carries the old key.
 */
const usableKeys = new WeakMap<object, Set<string>>();

export function forgetPublishedKeys(storage: object): void {
  usableKeys.delete(storage);
}

/** Whether `principal`'s `publicKey` is published by this party in `channel` and not revoked. */
export async function isPublishedHere(
  node: NodeContext,
  channel: Channel,
  principal: string,
  publicKey: string,
  office: (office: string | null) => boolean = () => true,
): Promise<boolean> {
  const names = (entries: Awaited<ReturnType<NodeContext['storage']['listByKind']>>) =>
    entries
      .filter((entry) => entry.party === node.party)
      .map(
        (entry) => toLogged(entry).body as { principal?: string; publicKey?: string; office?: string | null },
      )
      .filter((body) => body.principal === principal && body.publicKey === publicKey);
  const revoked = names(
    await node.storage.listByKind(channel.id, 'principal-key-revoke', PUBLICATIONS_LIMIT),
  );
  if (revoked.length > 0) return false;
  const published = names(await node.storage.listByKind(channel.id, 'principal-key', PUBLICATIONS_LIMIT));
  return published.some((body) => office(body.office ?? null));
}

/**
 * Refuses a writer whose key this party's chain has not published in the channel with a member
 * office of this party, or has revoked: every peer would refuse the entry, and with it the rest
 * of the chain.
 */
export async function requirePublishedKey(
  node: NodeContext,
  actor: Principal,
  channel: Channel,
): Promise<void> {
  const known = usableKeys.get(node.storage) ?? new Set<string>();
  usableKeys.set(node.storage, known);
  const key = `${channel.id}\u0000${actor.id}\u0000${actor.publicKey}`;
  if (known.has(key)) return;
  const memberOffice = (office: string | null) => authorOfficeProblem(channel, node.party, office) === null;
  if (!(await isPublishedHere(node, channel, actor.id, actor.publicKey, memberOffice))) {
    throw new ParleyError(
      'forbidden',
      `the key of '${actor.id}' is not published (or was revoked) in '${channel.id}' by ${node.party}: peers would refuse what they write there`,
    );
  }
  known.add(key);
}
