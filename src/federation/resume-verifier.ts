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

/** Entries read at once while collecting a chain's published keys. */
const PAGE = 5000;

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
  let last: StoredEntry | undefined;
  if (head) {
    for (let seq = 0; seq < head.size;) {
      const page = await chains.readChain(channelId, party, seq, PAGE);
      if (page.length === 0) break;
      for (const entry of page) {
        if (entry.kind !== 'principal-key' && entry.kind !== 'principal-key-revoke') continue;
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
      last = page.at(-1)!;
      seq = last.seq + 1;
    }
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
