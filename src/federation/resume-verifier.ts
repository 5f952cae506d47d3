/**
 * The verifier of a peer's chain, resumed from this node's copy: the next entry must follow the
 * stored head, authors may use the keys published and not revoked in the chain so far, and the Merkle tree
 * continues from the stored frontier (core/verify-chain.ts).
 */
import { parseCanonical } from '../core/canonical-json.js';
import type { EntryContent } from '../core/entry.js';
import { CompactRange } from '../core/merkle.js';
import { ChainVerifier, type NodeKeyHistory } from '../core/verify-chain.js';
import type { StoredEntry } from '../storage/storage.js';
import type { KindRegistry } from '../core/kinds.js';
import type { ChainReader } from './context.js';

/** The kinds that change which keys a chain's later entries may be signed with. */
const KEY_KINDS = ['principal-key', 'principal-key-revoke'];
/** No limit in practice: every party's key entries of the channel are read. */
const ALL = 2_147_483_647;

export async function resumeVerifier(
  kinds: KindRegistry,
  chains: ChainReader,
  channelId: string,
  party: string,
  /** The party's node key with the keys it replaced, so entries signed before a rotation verify. */
  nodeKeys: string | NodeKeyHistory,
): Promise<ChainVerifier> {
  const head = await chains.getChainHead(channelId, party);
  const publishedKeys = new Map<string, Set<string>>();
  const revokedKeys = new Map<string, Map<string, number>>();
  let last: StoredEntry | null = null;
  if (head && head.size > 0) {
    // Only the key entries are read, not the whole chain: resuming costs what the chain's keys
    // cost, however long it has grown. Both kinds are merged back into chain order.
    const keyEntries = (await Promise.all(KEY_KINDS.map((kind) => chains.listByKind(channelId, kind, ALL))))
      .flat()
      .filter((entry) => entry.party === party && entry.seq < head.size)
      .sort((a, b) => a.seq - b.seq);
    for (const entry of keyEntries) {
      const body = (parseCanonical(entry.canonical) as unknown as EntryContent).body as {
        principal: string;
        publicKey: string;
      };
      const keys = publishedKeys.get(body.principal) ?? new Set<string>();
      publishedKeys.set(body.principal, keys);
      if (entry.kind === 'principal-key') {
        keys.add(body.publicKey);
      } else {
        // Stored entries passed the verifier: a revocation names a key published before it.
        keys.delete(body.publicKey);
        const revoked = revokedKeys.get(body.principal) ?? new Map<string, number>();
        if (!revoked.has(body.publicKey)) revoked.set(body.publicKey, entry.seq);
        revokedKeys.set(body.principal, revoked);
      }
    }
    last = (await chains.readChain(channelId, party, head.size - 1, 1))[0] ?? null;
  }
  return ChainVerifier.resume(kinds, channelId, party, nodeKeys, {
    size: head?.size ?? 0,
    hash: head?.hash ?? null,
    tree: head ? CompactRange.fromHex(head.size, head.frontier) : CompactRange.empty(),
    publishedKeys,
    revokedKeys,
    seen: last ? (parseCanonical(last.canonical) as unknown as EntryContent).seen : {},
  });
}
