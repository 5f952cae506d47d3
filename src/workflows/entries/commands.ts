/**
 * Posting a person's entry and acknowledging one (DESIGN.md "The log", "Concepts": Entry,
 * Precedence). Every check runs before anything is signed: the writer's right to write, the
 * channel's state, the kind (known, written by people), precedence, language, body schema,
 * marking and the kind's own rules against the log; then the appender signs and commits it, and
 * the call resolves once it is durable. A node never signs what a peer would refuse: the writer's
 * office is a member office of this party in the charter (policy.ts), and this party's chain has
 * published the writer's key with that office (the receiver's `author_key_unknown` and office
 * rules), besides the kind's rules.
 */
import { MARKINGS, PRECEDENCES, entryId, type Marking, type Precedence } from '../../core/entry.js';
import { ParleyError } from '../../core/errors.js';
import type { Channel, Principal } from '../../core/model.js';
import { canWrite } from '../../core/policy.js';
import {
  CHANGE_KINDS,
  checkAgreement,
  checkChangeFitsState,
  checkNewMembersArePeers,
  refreshChannelState,
} from '../channels/commands.js';
import { readableChannel } from '../channels/queries.js';
import type { NodeContext } from '../context.js';
import { recordSecurityEvent } from '../audit-trail/record.js';
import { signingKeyOf } from '../directory/key-custody.js';
import { requirePublishedKey } from '../directory/published-keys.js';
import { requireAddressed } from '../obligations/kinds.js';
import { asParleyError, kindContext, runKindCheck } from './kind-context.js';
import { toLogged, type EntryView } from './present.js';

export interface PostEntry {
  kind: string;
  precedence?: Precedence;
  lang?: string;
  marking?: Marking;
  body: unknown;
}

/** Validates and appends one entry by `actor`; resolves once it is durable. */
export async function postEntry(
  node: NodeContext,
  actor: Principal,
  channelId: string,
  input: PostEntry,
): Promise<EntryView> {
  const channel = await readableChannel(node, actor, channelId);
  if (!canWrite(actor, channel, node.party)) {
    throw new ParleyError(
      'forbidden',
      `${actor.role} '${actor.id}' may read but not write in '${channel.id}'`,
    );
  }
  const changesState = CHANGE_KINDS.has(input.kind);
  if (channel.state !== 'active' && !(changesState && channel.state === 'suspended')) {
    throw new ParleyError('channel_not_active', `channel '${channel.id}' is ${channel.state}`);
  }
  if (changesState && actor.role !== 'head') {
    throw new ParleyError(
      'forbidden',
      'only the head of a member office proposes or agrees to channel changes',
    );
  }
  const kind = node.kinds.get(input.kind);
  if (!kind) {
    const known = node.kinds
      .list()
      .filter((k) => k.authoredBy === 'principal')
      .map((k) => k.name);
    throw new ParleyError(
      'kind_unknown',
      `kind '${input.kind}' is not known; use one of ${known.join(', ')}`,
    );
  }
  if (kind.authoredBy !== 'principal')
    throw new ParleyError('kind_not_allowed', `entries of kind '${kind.name}' are written by the node`);
  const precedence = input.precedence ?? 'ROUTINE';
  if (!PRECEDENCES.includes(precedence)) {
    throw new ParleyError('precedence_invalid', `precedence must be one of ${PRECEDENCES.join(', ')}`);
  }
  const lang = input.lang ?? channel.languages[0]!;
  if (!channel.languages.includes(lang)) {
    throw new ParleyError(
      'language_invalid',
      `language '${lang}' is not one of the channel's languages (${channel.languages.join(', ')})`,
    );
  }
  const body = node.kinds.checkBody(kind.name, input.body);
  if (!body.ok) throw new ParleyError('body_invalid', body.message);
  // The entry is dated at or after now: a rule that holds now holds at its timestamp.
  const timed = kind.timed?.(body.body, node.now()) ?? null;
  if (timed) throw new ParleyError('body_invalid', timed);
  if (input.marking !== undefined && !MARKINGS.includes(input.marking)) {
    throw new ParleyError('body_invalid', `marking must be one of ${MARKINGS.join(', ')}`);
  }
  if (kind.name === 'channel-change-agree') await checkAgreement(node, channel, body.body);
  if (kind.name === 'channel-change') checkChangeFitsState(channel, body.body);
  if (changesState) await checkNewMembersArePeers(node, channel, body.body);
  else if (kind.name === 'receipt') await checkReceipt(node, actor, channel, body.body);
  if (kind.check) {
    const envelope = { lang, precedence, ...(input.marking ? { marking: input.marking } : {}) };
    await runKindCheck(kind, kindContext(node, actor, channel, envelope), body.body);
  }
  await requirePublishedKey(node, actor, channel);
  const [appended] = await node.appender.append([
    {
      channel: channel.id,
      kind: kind.name,
      precedence,
      lang,
      ...(input.marking ? { marking: input.marking } : {}),
      body: body.body,
      author: actor.id,
      authorKey: actor.publicKey,
      signingKey: signingKeyOf(actor),
    },
  ]);
  const { signed, stored } = appended!;
  if (changesState) await refreshChannelState(node, channel.id);
  if (changesState)
    await recordSecurityEvent(node, {
      action: kind.name === 'channel-change' ? 'charter_change_proposed' : 'charter_change_agreed',
      actor: actor.id,
      subject: channel.id,
      details: { entry: entryId(channel.id, stored.party, stored.seq) },
    });
  return {
    ...signed.content,
    id: entryId(channel.id, stored.party, stored.seq),
    hash: stored.hash,
    sig: stored.sig,
    cursor: null,
    storedAt: stored.storedAt,
  };
}

export interface Acknowledgement {
  level: 'read' | 'understood';
  /** The reader's restatement, in their own words (with `understood`). */
  readBack?: string;
  lang?: string;
  /** For a notification: each field as the reader understood it. */
  readBackFields?: Record<string, string | number | boolean>;
}

/** Appends a `read` or `understood` receipt for an entry. */
export async function acknowledge(
  node: NodeContext,
  actor: Principal,
  channelId: string,
  party: string,
  seq: number,
  ack: Acknowledgement,
): Promise<EntryView> {
  const channel = await readableChannel(node, actor, channelId);
  const target = await node.storage.getEntry(channel.id, party, seq);
  if (!target)
    throw new ParleyError('entry_not_found', `entry ${entryId(channel.id, party, seq)} does not exist`);
  const body: Record<string, unknown> = { of: { party, seq, hash: target.hash }, level: ack.level };
  if (ack.readBack !== undefined) body.readBack = ack.readBack;
  if (ack.readBackFields !== undefined) body.readBackFields = ack.readBackFields;
  const marking = (toLogged(target).marking as Marking | undefined) ?? undefined;
  return postEntry(node, actor, channel.id, {
    kind: 'receipt',
    precedence: target.precedence,
    ...(marking ? { marking } : {}),
    ...(ack.lang ? { lang: ack.lang } : {}),
    body,
  });
}

/** A receipt names an entry of this channel by its exact hash, by someone else, that expects one. */
async function checkReceipt(
  node: NodeContext,
  actor: Principal,
  channel: Channel,
  body: Record<string, unknown>,
): Promise<void> {
  const of = body.of as { party: string; seq: number; hash: string };
  const target = await node.storage.getEntry(channel.id, of.party, of.seq);
  if (!target) {
    throw new ParleyError(
      'entry_not_found',
      `entry ${entryId(channel.id, of.party, of.seq)} does not exist in this channel`,
    );
  }
  if (target.hash !== of.hash) {
    throw new ParleyError(
      'ref_invalid',
      `entry ${entryId(channel.id, of.party, of.seq)} has a different hash`,
    );
  }
  if (target.author === actor.id)
    throw new ParleyError('ref_invalid', 'you cannot acknowledge your own entry');
  if (!node.kinds.get(target.kind)?.expectsReceipt) {
    throw new ParleyError('ref_invalid', `entries of kind '${target.kind}' are not acknowledged`);
  }
  if (body.readBack !== undefined || body.readBackFields !== undefined) {
    if (body.level !== 'understood')
      throw new ParleyError('body_invalid', 'a read-back goes with an understood receipt');
    try {
      requireAddressed(kindContext(node, actor, channel), toLogged(target));
    } catch (error) {
      throw asParleyError(error);
    }
  }
}
