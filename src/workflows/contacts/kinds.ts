/**
 * Keeping contact: briefings (proposed, accepted, held with minutes), each party's readout of a
 * call, invitations awaiting an answer by a date, and commitments to a cadence of contact ("a
 * briefing every month", "contact at least every 14 days") whose keeping is read from the log.
 */
import { z } from 'zod';
import { ID_PATTERN, MAX_TEXT } from '../../core/model.js';
import { KindRuleError, defineKind } from '../../core/kinds.js';
import type { KindCheckContext, KindDefinition, LoggedEntry } from '../../core/kinds.js';
import { entryRef, type EntryRef } from '../obligations/kinds.js';
import { DURATION } from './cadence.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/;
const time = z
  .string()
  .regex(ISO_TIME, 'must be a UTC date or time such as 2026-02-12 or 2026-02-12T16:00Z')
  .refine((value) => Number.isFinite(Date.parse(value)), 'is not a real date');

export const briefingBody = z.strictObject({
  title: z.string().min(1).max(300),
  agenda: z.array(z.string().min(1).max(500)).max(50),
  /** When it is proposed to take place. */
  at: time.optional(),
});
export const briefingAcceptBody = z.strictObject({ of: entryRef });
export const briefingMinutesBody = z.strictObject({
  of: entryRef,
  heldAt: time,
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  summary: z.string().min(1).max(MAX_TEXT).optional(),
});
export const readoutBody = z.strictObject({
  /** The briefing (or call) it reads out, if recorded in the channel. */
  of: entryRef.optional(),
  text: z.string().min(1).max(MAX_TEXT),
});
export const invitationBody = z.strictObject({
  what: z.string().min(1).max(300),
  where: z.string().min(1).max(300),
  /** The date by which an answer is asked for. */
  respondBy: time,
  text: z.string().min(1).max(MAX_TEXT).optional(),
});
export const invitationAnswerBody = z.strictObject({
  of: entryRef,
  answer: z.enum(['accepted', 'declined', 'deferred']),
  note: z.string().min(1).max(2000).optional(),
});
export const commitmentBody = z.strictObject({
  commitment: z.string().regex(ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-"'),
  /** What keeps it: held briefings (minutes), or any contact (an item from each side). */
  what: z.enum(['briefing', 'contact']),
  every: z.string().regex(DURATION, 'must be a duration such as P14D, P2W or P1M'),
  /** The people answerable for keeping it. */
  owners: z.array(z.string().min(1).max(64)).min(1).max(16),
  /** Where it comes from (an order, an agreement), as text. */
  source: z.string().min(1).max(2000).optional(),
  /** Start of the first period. */
  from: time,
});

async function referenced(context: KindCheckContext, of: EntryRef, kind: string): Promise<LoggedEntry> {
  const entry = await context.getEntry(of.party, of.seq);
  if (!entry)
    throw new KindRuleError(
      'entry_not_found',
      `entry ${context.channel.id}/${of.party}/${of.seq} does not exist`,
    );
  if (entry.hash !== of.hash || entry.kind !== kind)
    throw new KindRuleError('ref_invalid', `${entry.id} is not the ${kind} referred to`);
  return entry;
}

export const briefingKind = defineKind({
  name: 'briefing',
  authoredBy: 'principal',
  schema: briefingBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) => `proposes a briefing: ${body.title}`,
});

export const briefingAcceptKind = defineKind({
  name: 'briefing-accept',
  authoredBy: 'principal',
  schema: briefingAcceptBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `accepts the briefing ${body.of.party}/${body.of.seq}`,
  async check(context, body) {
    const briefing = await referenced(context, body.of, 'briefing');
    if (briefing.party === context.party)
      throw new KindRuleError('ref_invalid', 'the other parties accept a briefing, not the one proposing it');
    if (
      (await context.listByRef('briefing-accept', `${briefing.party}/${briefing.seq}`)).some(
        (a) => a.party === context.party,
      )
    )
      throw new KindRuleError('already_exists', `${context.party} has already accepted ${briefing.id}`);
  },
});

export const briefingMinutesKind = defineKind({
  name: 'briefing-minutes',
  authoredBy: 'principal',
  schema: briefingMinutesBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `minutes: held ${body.heldAt}, ${body.durationMinutes} min`,
  async check(context, body) {
    const briefing = await referenced(context, body.of, 'briefing');
    const accepted = new Set(
      (await context.listByRef('briefing-accept', `${briefing.party}/${briefing.seq}`)).map((a) => a.party),
    );
    const missing = (await context.parties()).filter((p) => p !== briefing.party && !accepted.has(p));
    if (missing.length > 0)
      throw new KindRuleError('state_conflict', `the briefing is not accepted yet by ${missing.join(', ')}`);
  },
});

export const readoutKind = defineKind({
  name: 'readout',
  authoredBy: 'principal',
  schema: readoutBody,
  expectsReceipt: false,
  ref: (body) => (body.of ? `${body.of.party}/${body.of.seq}` : null),
  summary: (body) => body.text.slice(0, 80),
  async check(context, body) {
    if (body.of) await referenced(context, body.of, 'briefing');
  },
});

export const invitationKind = defineKind({
  name: 'invitation',
  authoredBy: 'principal',
  schema: invitationBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) => `invitation: ${body.what} (${body.where}), answer by ${body.respondBy}`,
});

export const invitationAnswerKind = defineKind({
  name: 'invitation-answer',
  authoredBy: 'principal',
  schema: invitationAnswerBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `${body.answer} the invitation ${body.of.party}/${body.of.seq}`,
  async check(context, body) {
    const invitation = await referenced(context, body.of, 'invitation');
    if (invitation.party === context.party)
      throw new KindRuleError('ref_invalid', 'an invitation is answered by the parties invited');
  },
});

export const commitmentKind = defineKind({
  name: 'commitment',
  authoredBy: 'principal',
  schema: commitmentBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) => `commits to a ${body.what} every ${body.every} (${body.owners.join(', ')})`,
  async check(context) {
    if (context.actor.role !== 'head')
      throw new KindRuleError('forbidden', 'only the head of a member office records a commitment');
  },
});

/** The kinds of this workflow, in the order they are listed to clients. */
export const contactsKinds: KindDefinition[] = [
  briefingKind,
  briefingAcceptKind,
  briefingMinutesKind,
  readoutKind,
  invitationKind,
  invitationAnswerKind,
  commitmentKind,
];
