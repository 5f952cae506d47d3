/**
 * Introducing a party or observer that joins a running channel. Its node has never seen the
 * channel, and the proof that it belongs there is spread over several chains: the charter (seq 0
 * of the founder's chain), each amendment that changed who is in the channel (in its proposer's
 * chain) and every party's agreement to it (in theirs). A sender that pushes its chain to such a
 * node for the first time attaches those entries, with the node-signed key publications of the
 * heads who signed them. The receiver checks each entry on its own (canonical form, place, kind,
 * signature by the party's pinned node key or a key that node published) and folds the charter
 * exactly as every node does; only if the result names it does it accept the channel. The chains
 * themselves then arrive and are verified in full as usual.
 */
import { parseCanonical } from '../core/canonical-json.js';
import {
  foldCharter,
  type CharterAmendment,
  type CharterState,
  type ProposedChange,
} from '../core/charter-changes.js';
import { NODE_AUTHOR, entryId, verifyEntrySignature, type EntryContent } from '../core/entry.js';
import { sha256Hex } from '../core/hash.js';
import { parseHlc } from '../core/hlc.js';
import type { KindRegistry } from '../core/kinds.js';
import { ParleyError } from '../core/errors.js';
import type { Channel, StoredEntry } from '../storage/storage.js';
import type { IntroductionContext } from './context.js';
import { MAX_INTRODUCTION_ENTRIES, type Introduction, type WireEntry } from './wire.js';

/**
 * The entries that prove `party` was added to `channel` by amendments every party signed, or
 * null when the charter itself names it (its node accepts the founder's chain on that alone).
 */
export async function buildIntroduction(
  context: IntroductionContext,
  channel: Channel,
  party: string,
): Promise<Introduction | null> {
  const charter = await context.findCharter(channel);
  if (!charter) return null;
  const founded = toContent(charter).body as unknown as Partial<CharterState>;
  if (founded.parties?.[party] || founded.observers?.[party]) return null;
  const { list } = await context.channelChanges(channel);
  const proofs: StoredEntry[] = [charter];
  for (const change of list) {
    if (change.change !== 'amend' || change.waitingFor.length > 0) continue;
    if (!change.charter?.parties && !change.charter?.observers) continue;
    const proposer = change.party;
    const seq = Number(change.id.slice(change.id.lastIndexOf('/') + 1));
    const proposal = await context.chains.getEntry(channel.id, proposer, seq);
    if (proposal) proofs.push(proposal);
    proofs.push(
      ...(await context.chains.listByRef(channel.id, 'channel-change-agree', `${proposer}/${seq}`)),
    );
  }
  // The key publications of everyone who signed one of them.
  const signers = new Set(
    proofs.map((entry) => {
      const content = toContent(entry);
      return `${entry.party}\u0000${content.author}\u0000${content.authorKey}`;
    }),
  );
  for (const key of await context.chains.listByKind(channel.id, 'principal-key', 100_000)) {
    const body = toContent(key).body as { principal: string; publicKey: string };
    if (signers.has(`${key.party}\u0000${body.principal}\u0000${body.publicKey}`)) proofs.push(key);
  }
  const unique = new Map(proofs.map((entry) => [`${entry.party}/${entry.seq}`, entry]));
  return {
    channel: channel.id,
    entries: [...unique.values()].slice(0, MAX_INTRODUCTION_ENTRIES).map((entry) => ({
      channel: entry.channel,
      party: entry.party,
      seq: entry.seq,
      canonical: entry.canonical,
      sig: entry.sig,
    })),
  };
}

export interface IntroducedChannel {
  name: string;
  charter: CharterState;
}

/**
 * Checks an introduction and folds the charter it proves. Throws a ParleyError naming what is
 * wrong; `nodeKey` gives a party's pinned node key (null when it is not pinned here).
 */
export function checkIntroduction(
  kinds: KindRegistry,
  channelId: string,
  introduction: Introduction,
  own: string,
  nodeKey: (party: string) => string | null,
): IntroducedChannel {
  const contents: Array<{ wire: WireEntry; content: EntryContent }> = [];
  for (const wire of introduction.entries) {
    const id = entryId(wire.channel, wire.party, wire.seq);
    let content: EntryContent;
    try {
      content = parseCanonical(wire.canonical) as unknown as EntryContent;
    } catch (error) {
      throw new ParleyError('entry_invalid', `${id}: canonical_form: ${(error as Error).message}`);
    }
    if (
      wire.channel !== channelId ||
      content.channel !== channelId ||
      content.party !== wire.party ||
      content.seq !== wire.seq ||
      typeof content.hlc !== 'string' ||
      parseHlc(content.hlc) === null
    ) {
      throw new ParleyError(
        'entry_invalid',
        `${id}: field_mismatch: not an entry of '${channelId}' at that place`,
      );
    }
    const body = kinds.checkBody(String(content.kind), content.body);
    if (!body.ok) throw new ParleyError('entry_invalid', `${id}: kind_invalid: ${body.message}`);
    contents.push({ wire, content });
  }
  // Keys first: a principal's key counts only as published by its party's pinned node key.
  const published = new Set<string>();
  const pinned = (party: string): string => {
    const key = nodeKey(party);
    if (!key) {
      throw new ParleyError(
        'peer_not_found',
        `${party} is a party of '${channelId}' but not a peer of this node: pin it with \`parley peer add\``,
      );
    }
    return key;
  };
  const checkSignature = (wire: WireEntry, key: string): void => {
    if (!verifyEntrySignature(wire.canonical, key, wire.sig)) {
      throw new ParleyError(
        'entry_invalid',
        `${entryId(channelId, wire.party, wire.seq)}: signature_invalid`,
      );
    }
  };
  for (const { wire, content } of contents) {
    if (content.kind !== 'principal-key') continue;
    if (content.author !== NODE_AUTHOR || content.authorKey !== pinned(wire.party)) continue;
    checkSignature(wire, content.authorKey);
    const body = content.body as { principal: string; publicKey: string };
    published.add(`${wire.party}\u0000${body.principal}\u0000${body.publicKey}`);
  }
  const founding = contents.find(({ content }) => content.kind === 'charter');
  if (!founding || founding.wire.seq !== 0) {
    throw new ParleyError('channel_not_found', `the introduction to '${channelId}' carries no charter`);
  }
  if (founding.content.author !== NODE_AUTHOR || founding.content.authorKey !== pinned(founding.wire.party)) {
    throw new ParleyError('entry_invalid', `the charter of '${channelId}' is not signed by its party's node`);
  }
  checkSignature(founding.wire, founding.content.authorKey);
  const charterBody = founding.content.body as unknown as CharterState & { name: string };
  if (!charterBody.parties[founding.wire.party]) {
    throw new ParleyError('wrong_chain', `${founding.wire.party} proposes a channel it is not part of`);
  }
  const byPrincipal = (wire: WireEntry, content: EntryContent): void => {
    if (!published.has(`${wire.party}\u0000${content.author}\u0000${content.authorKey}`)) {
      throw new ParleyError(
        'entry_invalid',
        `${entryId(channelId, wire.party, wire.seq)}: author_key_unknown: no key publication of '${content.author}' by ${wire.party}'s node`,
      );
    }
    checkSignature(wire, content.authorKey);
  };
  const proposals: Array<ProposedChange & { seq: number; hash: string }> = [];
  for (const { wire, content } of contents) {
    if (content.kind !== 'channel-change') continue;
    byPrincipal(wire, content);
    const body = content.body as unknown as { change: ProposedChange['change']; charter?: CharterAmendment };
    proposals.push({
      change: body.change,
      ...(body.charter ? { charter: body.charter } : {}),
      party: wire.party,
      hlc: content.hlc,
      signedBy: [wire.party],
      seq: wire.seq,
      hash: sha256Hex(wire.canonical),
    });
  }
  for (const { wire, content } of contents) {
    if (content.kind !== 'channel-change-agree') continue;
    byPrincipal(wire, content);
    const of = (content.body as { of: { party: string; seq: number; hash: string } }).of;
    const proposal = proposals.find((p) => p.party === of.party && p.seq === of.seq && p.hash === of.hash);
    if (proposal && !proposal.signedBy.includes(wire.party)) proposal.signedBy.push(wire.party);
  }
  const { charter } = foldCharter(
    {
      languages: charterBody.languages,
      objectives: charterBody.objectives ?? {},
      observers: charterBody.observers,
      parties: charterBody.parties,
    },
    proposals,
  );
  if (!charter.parties[own] && !charter.observers[own]) {
    throw new ParleyError('forbidden', `nothing every party of '${channelId}' signed adds ${own} to it`);
  }
  return { name: charterBody.name, charter };
}

function toContent(entry: StoredEntry): EntryContent {
  return parseCanonical(entry.canonical) as unknown as EntryContent;
}
