/**
 * Searching every channel a person may read. Policy is in the query itself: the storage search
 * is given only the channels the person may read (need-to-know, core/policy.ts), so no hit of
 * another channel is ever read, let alone filtered out afterwards; naming a channel the person
 * may not read is refused like reading it.
 */
import { ParleyError } from '../../core/errors.js';
import { entryId, type Marking } from '../../core/entry.js';
import type { Principal } from '../../core/model.js';
import { canRead } from '../../core/policy.js';
import type { SearchHit } from '../../storage/storage.js';
import { readableChannel } from '../channels/queries.js';
import type { NodeContext } from '../context.js';
import { toLogged } from '../entries/present.js';
import { highlight } from './snippet.js';
import { queryTerms } from './terms.js';
import type { SearchHitView, SearchInput, SearchResults } from './views.js';

function summaryOf(node: NodeContext, hit: SearchHit): string {
  const definition = node.kinds.get(hit.entry.kind);
  try {
    return definition ? definition.summary(toLogged(hit.entry).body) : hit.entry.kind;
  } catch {
    return hit.entry.kind;
  }
}

/** Entries of the actor's channels holding every word of `q` (in any inflection), newest first. */
export async function searchEntries(
  node: NodeContext,
  actor: Principal,
  input: SearchInput,
): Promise<SearchResults> {
  const terms = queryTerms(input.q);
  if (terms.length === 0) {
    throw new ParleyError('validation_failed', 'q: must name at least one word to search for');
  }
  const channels = input.channel
    ? [await readableChannel(node, actor, input.channel)]
    : (await node.storage.listChannels()).filter((c) => canRead(actor, c, node.party));
  const names = new Map(channels.map((c) => [c.id, c.name]));
  const one = <T>(value: T | undefined): T[] | undefined => (value === undefined ? undefined : [value]);
  const found = await node.storage.searchEntries({
    terms,
    channels: channels.map((c) => c.id),
    parties: one(input.party),
    kinds: one(input.kind),
    precedences: one(input.precedence),
    markings: one(input.marking),
    from: input.from,
    to: input.to,
    beforeCursor: input.before,
    // One more than asked tells whether there is a next page.
    limit: input.limit + 1,
  });
  const page = found.slice(0, input.limit);
  const hits: SearchHitView[] = page.map((hit) => ({
    channel: hit.entry.channel,
    channelName: names.get(hit.entry.channel) ?? hit.entry.channel,
    id: entryId(hit.entry.channel, hit.entry.party, hit.entry.seq),
    party: hit.entry.party,
    seq: hit.entry.seq,
    kind: hit.entry.kind,
    author: hit.entry.author,
    precedence: hit.entry.precedence,
    marking: hit.marking as Marking | null,
    at: new Date(hit.at).toISOString(),
    summary: summaryOf(node, hit),
    snippet: highlight(hit.text, terms),
    cursor: hit.entry.cursor,
  }));
  return { terms, hits, next: found.length > input.limit ? (page.at(-1)?.entry.cursor ?? null) : null };
}
