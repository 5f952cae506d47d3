/**
 * Invitations to visits and meetings, as entries every node checks:
 *
 * - `invitation-proposal`: what, where, a date window and the date an answer is asked by, which
 *   must be after the entry's own timestamp (a timed rule: checked on receipt and by verify too).
 * - `invitation-counter`: the other side proposes another window or place (and a new answer
 *   date, also in the future); it supersedes the terms it answers.
 * - `invitation-response`: accept or decline the current terms.
 * - `invitation-withdraw`: the inviting party withdraws; nothing may answer it afterwards.
 *
 * State rules are the fold's (fold.ts). The first kinds (`invitation`, `invitation-answer`) stay
 * readable for old logs and are no longer signed.
 */
import { z } from 'zod';
import { MAX_TEXT } from '../../../core/model.js';
import { KindRuleError, defineKind } from '../../../core/kinds.js';
import type { KindCheckContext, KindDefinition } from '../../../core/kinds.js';
import { entryRef, type EntryRef } from '../../obligations/kinds.js';
import { referenced, refKey } from '../referenced.js';
import { dateOrTime, deadlineOf, iso } from '../briefings/times.js';
import { INVITATION_ACTIONS, foldInvitation, refusal, type InvitationAction } from './fold.js';

const window = z
  .strictObject({ from: dateOrTime, to: dateOrTime })
  .refine((w) => Date.parse(w.to) >= Date.parse(w.from), {
    path: ['to'],
    message: 'must not be before from',
  });

/** The answer date must leave time to answer: after the entry's own time, by the window's end. */
function answerDate(body: { respondBy: string; window?: { to: string } }, at: number): string | null {
  if (deadlineOf(body.respondBy) <= at)
    return `respondBy: ${body.respondBy} is not after the entry's own time (${iso(at)}): the answer date must be in the future`;
  if (body.window && deadlineOf(body.respondBy) > deadlineOf(body.window.to))
    return `respondBy: ${body.respondBy} is after the window ends (${body.window.to})`;
  return null;
}

export const invitationProposalBody = z.strictObject({
  type: z.enum(['visit', 'meeting']),
  what: z.string().trim().min(1).max(300),
  where: z.string().trim().min(1).max(300),
  window,
  respondBy: dateOrTime,
  text: z.string().trim().min(1).max(MAX_TEXT).optional(),
});

export const invitationCounterBody = z
  .strictObject({
    /** The invitation (the thread). */
    of: entryRef,
    /** The terms answered: the proposal or the latest counter-proposal. */
    to: entryRef,
    window: window.optional(),
    where: z.string().trim().min(1).max(300).optional(),
    respondBy: dateOrTime,
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .refine((b) => b.window !== undefined || b.where !== undefined, {
    path: ['window'],
    message: 'a counter-proposal gives another window or place',
  });

export const invitationResponseBody = z.strictObject({
  of: entryRef,
  to: entryRef,
  answer: z.enum(['accept', 'decline']),
  note: z.string().trim().min(1).max(2000).optional(),
});

export const invitationWithdrawBody = z.strictObject({
  of: entryRef,
  reason: z.string().trim().min(1).max(2000).optional(),
});

/** The invitation's thread as the log holds it now. */
export async function readInvitation(context: KindCheckContext, of: EntryRef) {
  const proposal = await referenced(context, of, 'invitation-proposal');
  const related = (
    await Promise.all(INVITATION_ACTIONS.map((kind) => context.listByRef(kind, refKey(of))))
  ).flat();
  return foldInvitation(proposal, related, Object.keys(context.channel.parties));
}

async function checkAction(
  context: KindCheckContext,
  kind: InvitationAction['kind'],
  body: InvitationAction['body'],
): Promise<void> {
  const view = await readInvitation(context, body.of);
  if (body.to) await referenced(context, body.to, ['invitation-proposal', 'invitation-counter'], 'to');
  const refused = refusal(view, { kind, party: context.party, body });
  if (refused) throw new KindRuleError(refused.code, refused.message);
}

export const invitationProposalKind = defineKind({
  name: 'invitation-proposal',
  authoredBy: 'principal',
  schema: invitationProposalBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) =>
    `invites to a ${body.type}: ${body.what} (${body.where}, ${body.window.from} – ${body.window.to}), answer by ${body.respondBy}`,
  timed: (body, at) => answerDate(body, at),
});

export const invitationCounterKind = defineKind({
  name: 'invitation-counter',
  authoredBy: 'principal',
  schema: invitationCounterBody,
  expectsReceipt: false,
  ref: (body) => refKey(body.of),
  summary: (body) =>
    `counter-proposes${body.where ? ` ${body.where}` : ''}${body.window ? ` ${body.window.from} – ${body.window.to}` : ''}, answer by ${body.respondBy}`,
  timed: (body, at) => answerDate(body, at),
  check: (context, body) => checkAction(context, 'invitation-counter', body),
});

export const invitationResponseKind = defineKind({
  name: 'invitation-response',
  authoredBy: 'principal',
  schema: invitationResponseBody,
  expectsReceipt: false,
  ref: (body) => refKey(body.of),
  summary: (body) => `${body.answer === 'accept' ? 'accepts' : 'declines'} the invitation ${refKey(body.of)}`,
  check: (context, body) => checkAction(context, 'invitation-response', body),
});

export const invitationWithdrawKind = defineKind({
  name: 'invitation-withdraw',
  authoredBy: 'principal',
  schema: invitationWithdrawBody,
  expectsReceipt: false,
  ref: (body) => refKey(body.of),
  summary: (body) => `withdraws the invitation ${refKey(body.of)}${body.reason ? `: ${body.reason}` : ''}`,
  check: (context, body) => checkAction(context, 'invitation-withdraw', body),
});

const legacyTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/, 'must be a UTC date or time')
  .refine((value) => Number.isFinite(Date.parse(value)), 'is not a real date');

const retired = (name: string, instead: string) => async () => {
  throw new KindRuleError(
    'body_invalid',
    `kind '${name}' is kept for old entries only; use '${instead}' (invitations with their whole life)`,
  );
};

/** The first invitation kinds: still valid in old logs, refused for new entries. */
export const legacyInvitationKinds: KindDefinition[] = [
  defineKind({
    name: 'invitation',
    authoredBy: 'principal',
    schema: z.strictObject({
      what: z.string().min(1).max(300),
      where: z.string().min(1).max(300),
      respondBy: legacyTime,
      text: z.string().min(1).max(MAX_TEXT).optional(),
    }),
    expectsReceipt: false,
    ref: () => null,
    summary: (body) => `invitation: ${body.what} (${body.where}), answer by ${body.respondBy}`,
    check: retired('invitation', 'invitation-proposal'),
  }),
  defineKind({
    name: 'invitation-answer',
    authoredBy: 'principal',
    schema: z.strictObject({
      of: entryRef,
      answer: z.enum(['accepted', 'declined', 'deferred']),
      note: z.string().min(1).max(2000).optional(),
    }),
    expectsReceipt: false,
    ref: (body) => refKey(body.of),
    summary: (body) => `${body.answer} the invitation ${refKey(body.of)}`,
    check: retired('invitation-answer', 'invitation-response'),
  }),
];

export const invitationsKinds: KindDefinition[] = [
  invitationProposalKind,
  invitationCounterKind,
  invitationResponseKind,
  invitationWithdrawKind,
  ...legacyInvitationKinds,
];
