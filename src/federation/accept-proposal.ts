/**
 * A channel this node does not know yet, pushed by a peer. It is accepted from the sender's
 * chain beginning at its first entry: either the charter, naming this party, or, for a party
 * or observer added later, any first entry with an introduction (introduction.ts) that proves
 * every party agreed to add it. The channel is stored as `proposed` with that first entry.
 */
import { parseCanonical } from '../core/canonical-json.js';
import type { CharterState } from '../core/charter-changes.js';
import type { EntryContent } from '../core/entry.js';
import { ParleyError } from '../core/errors.js';
import { ChainVerifier, type NodeKeyHistory } from '../core/verify-chain.js';
import type { Channel, Peer } from '../storage/storage.js';
import type { ReceiverContext } from './context.js';
import { checkTimestamp, readIncoming } from './incoming-entry.js';
import { checkIntroduction } from './introduction.js';
import type { Introduction, WireEntry } from './wire.js';

export async function acceptProposal(
  context: Pick<ReceiverContext, 'kinds' | 'party' | 'now' | 'peers' | 'replicas'>,
  from: Peer,
  /** The sender's node key with the keys it replaced (node key rotation). */
  nodeKeys: NodeKeyHistory,
  channelId: string,
  list: WireEntry[],
  introduction: Introduction | null,
): Promise<{ channel: Channel; verifier: ChainVerifier }> {
  const first = list[0];
  if (!first || first.seq !== 0) {
    throw new ParleyError(
      'channel_not_found',
      `channel '${channelId}' is unknown here; send its charter first`,
    );
  }
  const verifier = new ChainVerifier(context.kinds, channelId, from.party, nodeKeys);
  const { record } = readIncoming(first, context.kinds);
  checkTimestamp(record, context.now());
  verifier.push(record);
  if (verifier.failures[0]) {
    const failure = verifier.failures[0];
    throw new ParleyError('entry_invalid', `${failure.entry}: ${failure.rule}: ${failure.message}`);
  }
  const own = context.party;
  const content = parseCanonical(first.canonical) as unknown as EntryContent;
  let name: string;
  let charter: Pick<CharterState, 'languages' | 'parties' | 'observers'>;
  const founding =
    content.kind === 'charter' ? (content.body as unknown as CharterState & { name: string }) : null;
  if (founding && (founding.parties[own] || founding.observers[own])) {
    name = founding.name;
    charter = founding;
  } else if (introduction) {
    const peers = new Map((await context.peers.listPeers()).map((p) => [p.party, p.nodePublicKey]));
    const introduced = checkIntroduction(
      context.kinds,
      channelId,
      introduction,
      own,
      (party) => peers.get(party) ?? null,
    );
    name = introduced.name;
    charter = introduced.charter;
  } else if (founding) {
    throw new ParleyError('forbidden', `the charter of '${channelId}' does not name ${own}`);
  } else {
    throw new ParleyError('channel_not_found', `channel '${channelId}' must begin with a charter`);
  }
  if (!charter.parties[from.party])
    throw new ParleyError('wrong_chain', `${from.party} is not a writing party of channel '${channelId}'`);
  const channel: Channel = {
    id: channelId,
    name,
    offices: Object.values(charter.parties).flat(),
    languages: charter.languages,
    parties: charter.parties,
    observers: charter.observers,
    state: 'proposed',
    createdAt: Date.now(),
  };
  const state = verifier.state;
  await context.replicas.createChannel(channel, [record], {
    channel: channelId,
    party: from.party,
    size: 1,
    hash: state.hash,
    frontier: state.tree.toHex(),
    checkpoint: '',
  });
  return { channel, verifier };
}
