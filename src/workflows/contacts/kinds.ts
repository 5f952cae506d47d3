/**
 * Keeping contact: the order to keep it, and the commitments to a cadence that arise from it,
 * whose keeping is read from the log. Briefings, invitations and readouts have folders of their
 * own.
 *
 * - `contact-order`: an order to keep contact — who gave it, the parties and offices it applies
 *   to, why, and the cadence asked for. A record, not a message: it asks nobody for an answer.
 * - `commitment`: a cadence (a briefing or contact every period, from a date) with its owners,
 *   people of one or more parties, optionally arising from a contact order. Proposed by the head
 *   of a member office; it binds the proposer's party at once and every other owner's party only
 *   once that party accepts (commitment-fold.ts).
 * - `commitment-accept`: a party accepts a commitment, signed by its head or one of its owners.
 *
 * Periods run from one day to one year (a schema rule: checked on receipt and by verify too).
 */
import { z } from 'zod';
import { ID_PATTERN, PARTY_PATTERN } from '../../core/model.js';
import { KindRuleError, defineKind } from '../../core/kinds.js';
import type { KindCheckContext, KindDefinition } from '../../core/kinds.js';
import { entryRef } from '../obligations/kinds.js';
import { dateOrTime, iso } from './briefings/times.js';
import { periodProblem } from './cadence.js';
import { acceptRefusal, foldCommitments, peopleOf, proposalRefusal } from './commitment-fold.js';
import { referenced, refKey } from './referenced.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/;
const time = z
  .string()
  .regex(ISO_TIME, 'must be a UTC date or time such as 2026-02-12 or 2026-02-12T16:00Z')
  .refine((value) => Number.isFinite(Date.parse(value)), 'is not a real date');

const id = z.string().regex(ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-"');

/** A period between one day and one year; the message says which bound it breaks. */
export const period = z.string().superRefine((value, ctx) => {
  const problem = periodProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const contactOrderBody = z.strictObject({
  order: id,
  /** Who gave the order, as the record names them ("President of the Russian Federation"). */
  orderedBy: z.string().trim().min(1).max(300),
  /** The offices ordered to keep contact, per party. */
  offices: z
    .record(
      z.string().regex(PARTY_PATTERN, 'must be an upper-case party id such as RU'),
      z.array(id).min(1).max(32),
    )
    .refine((o) => Object.keys(o).length >= 1, 'names at least one party and its offices'),
  why: z.string().trim().min(1).max(4000),
  /** What keeps contact, and how often, as asked for. */
  what: z.enum(['briefing', 'contact']),
  every: period,
  /** When the order was given; not after the entry's own time. */
  given: dateOrTime.optional(),
});

export const commitmentBody = z.strictObject({
  commitment: id,
  /** What keeps it: held briefings (minutes), or any contact (an item from each side). */
  what: z.enum(['briefing', 'contact']),
  every: period,
  /** The people answerable for keeping it. */
  owners: z
    .array(z.string().min(1).max(64))
    .min(1)
    .max(16)
    .refine((o) => new Set(o).size === o.length, 'names an owner twice'),
  /** Where it comes from (an order, an agreement), as text. */
  source: z.string().min(1).max(2000).optional(),
  /** The contact order it arises from. */
  order: entryRef.optional(),
  /** Start of the first period. */
  from: time,
});

export const commitmentAcceptBody = z.strictObject({
  of: entryRef,
  note: z.string().trim().min(1).max(2000).optional(),
});

/** The channel's commitments, folded, and its people, as the log holds them now. */
async function readCommitments(context: KindCheckContext) {
  const [commitments, accepts, publications] = await Promise.all(
    ['commitment', 'commitment-accept', 'principal-key'].map((k) => context.listByKind(k)),
  );
  return {
    terms: foldCommitments(commitments!, accepts!, publications!, context.channel.parties),
    people: peopleOf(publications!, context.channel.parties),
  };
}

export const contactOrderKind = defineKind({
  name: 'contact-order',
  authoredBy: 'principal',
  schema: contactOrderBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) =>
    `order of ${body.orderedBy} to keep contact (${Object.entries(body.offices)
      .map(([p, o]) => `${p}: ${o.join(', ')}`)
      .join('; ')}): a ${body.what} every ${body.every}`,
  timed: (body, at) =>
    body.given !== undefined && Date.parse(body.given) > at
      ? `given: ${body.given} is after the entry's own time (${iso(at)}): an order is recorded once given`
      : null,
  async check(context, body) {
    if (context.actor.role !== 'head')
      throw new KindRuleError(
        'forbidden',
        'only the head of a member office records an order to keep contact',
      );
    for (const [party, offices] of Object.entries(body.offices)) {
      const members = context.channel.parties[party];
      if (!members)
        throw new KindRuleError(
          'body_invalid',
          `offices.${party}: ${party} is not a member party of this channel`,
        );
      const stray = offices.find((o) => !members.includes(o));
      if (stray)
        throw new KindRuleError(
          'body_invalid',
          `offices.${party}: '${stray}' is not one of ${party}'s offices in this channel (${members.join(', ')})`,
        );
    }
    const same = (await context.listByKind('contact-order')).find((o) => o.body.order === body.order);
    if (same)
      throw new KindRuleError('already_exists', `order: '${body.order}' is already recorded (${same.id})`);
  },
});

export const commitmentKind = defineKind({
  name: 'commitment',
  authoredBy: 'principal',
  schema: commitmentBody,
  expectsReceipt: false,
  ref: (body) => (body.order ? refKey(body.order) : null),
  summary: (body) => `proposes a ${body.what} every ${body.every} (owners: ${body.owners.join(', ')})`,
  async check(context, body) {
    if (body.order) await referenced(context, body.order, 'contact-order', 'order');
    const { terms, people } = await readCommitments(context);
    const refused = proposalRefusal({ party: context.party, author: context.actor.id, body }, terms, people);
    if (refused) throw new KindRuleError(refused.code, refused.message);
  },
});

export const commitmentAcceptKind = defineKind({
  name: 'commitment-accept',
  authoredBy: 'principal',
  schema: commitmentAcceptBody,
  expectsReceipt: false,
  ref: (body) => refKey(body.of),
  summary: (body) => `accepts the commitment ${refKey(body.of)}${body.note ? `: ${body.note}` : ''}`,
  async check(context, body) {
    const commitment = await referenced(context, body.of, 'commitment');
    const { terms, people } = await readCommitments(context);
    const refused = acceptRefusal(
      terms.find((t) => t.id === commitment.id)!,
      context.party,
      context.actor.id,
      people,
    );
    if (refused) throw new KindRuleError(refused.code, refused.message);
  },
});

/** The kinds of this workflow, in the order they are listed to clients. */
export const contactsKinds: KindDefinition[] = [contactOrderKind, commitmentKind, commitmentAcceptKind];
