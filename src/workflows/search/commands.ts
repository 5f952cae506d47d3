/**
 * Keeping the search index whole: the node's storage is handed the indexer (index-entry.ts) when
 * the node opens, so every append indexes its entries in its own transaction, and whatever was
 * stored without it (a database from before the search migration, an imported node, a tool that
 * wrote directly) is indexed then, in batches.
 */
import type { NodeContext } from '../context.js';
import { searchIndexer } from './index-entry.js';

/** Entries indexed per backfill transaction. */
const BACKFILL_BATCH = 500;

/** Starts indexing appends and indexes what is pending; resolves to how many entries it indexed. */
export async function startSearchIndex(node: Pick<NodeContext, 'storage' | 'kinds'>): Promise<number> {
  node.storage.setSearchIndexer(searchIndexer(node.kinds));
  let total = 0;
  for (;;) {
    const indexed = await node.storage.backfillSearch(BACKFILL_BATCH);
    if (indexed === 0) return total;
    total += indexed;
  }
}
