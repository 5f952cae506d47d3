/**
 * Briefings and calls, their whole life, as entries every node checks:
 *
 * - `briefing-proposal`: time, duration, agenda and participants by office; optionally recurring
 *   with an RFC 5545 rule, each occurrence then its own item (named by its original start).
 * - `briefing-answer`: a participating party accepts or declines (with a reason), for one
 *   occurrence or the whole series.
 * - `briefing-change`: reschedule (a new time, with a reason), postpone or cancel (with a reason).
 * - `briefing-record`: the briefing was held: when, how long, the minutes, who attended and the
 *   no-shows with their reasons. Never dated after the entry's own timestamp (a timed rule,
 *   checked on receipt and by verify too); one per occurrence, only once every other party
 *   accepted and never for a cancelled or postponed one.
 * - `briefing-amendment`: a later change to recorded minutes, explicit and signed.
 *
 * The state rules are the fold's (fold.ts), so the check before signing and the view agree. The
 * first kinds (`briefing`, `briefing-accept`, `briefing-minutes`) stay readable for old logs and
 * are no longer signed.
 */
import { z } from 'zod';
import { ID_PATTERN, MAX_TEXT } from '../../../core/model.js';
import { KindRuleError, defineKind } from '../../../core/kinds.js';
import type { KindCheckContext, KindDefinition } from '../../../core/kinds.js';
import { entryRef } from '../../obligations/kinds.js';
import { referenced, refKey } from '../referenced.js';
import { dateTime } from './times.js';
import { MAX_OCCURRENCES, checkRecurrence, occurrences } from './recurrence.js';
import { amendmentRefusal, foldBriefing, refusal, BRIEFING_ACTIONS, type BriefingAction } from './fold.js';

const office = z.string().regex(ID_PATTERN, 'must be an office id');
const reason = z.string().trim().min(1, 'must give a reason').max(2000);
const minutes = z
  .number()
  .int()
  .min(1)
  .max(24 * 60);

export const briefingProposalBody = z
  .strictObject({
    type: z.enum(['briefing', 'call']),
    title: z.string().trim().min(1).max(300),
    agenda: z.array(z.string().trim().min(1).max(500)).max(50),
    start: dateTime,
    durationMinutes: minutes,
    /** The offices taking part, of every side. */
    participants: z.array(office).min(1).max(64),
    /** RFC 5545 RRULE value (without `RRULE:`), e.g. FREQ=MONTHLY;COUNT=6. */
    rrule: z.string().min(1).max(500).optional(),
  })
  .superRefine((body, ctx) => {
    if (new Set(body.participants).size !== body.participants.length)
      ctx.addIssue({ code: 'custom', path: ['participants'], message: 'names an office twice' });
    if (body.rrule === undefined) return;
    const refused = checkRecurrence(body.rrule);
    if (refused) ctx.addIssue({ code: 'custom', path: ['rrule'], message: refused });
    else if (occurrences(Date.parse(body.start), body.rrule).length > MAX_OCCURRENCES)
      ctx.addIssue({
        code: 'custom',
        path: ['rrule'],
        message: `gives more than ${MAX_OCCURRENCES} occurrences`,
      });
    else if (occurrences(Date.parse(body.start), body.rrule).length === 0)
      ctx.addIssue({ code: 'custom', path: ['rrule'], message: 'gives no occurrence' });
  });

const target = { of: entryRef, occurrence: dateTime.optional() };

export const briefingAnswerBody = z
  .strictObject({ ...target, answer: z.enum(['accept', 'decline']), reason: reason.optional() })
  .refine((b) => b.answer !== 'decline' || b.reason !== undefined, {
    path: ['reason'],
    message: 'a decline must give a reason',
  });

export const briefingChangeBody = z
  .strictObject({
    ...target,
    change: z.enum(['reschedule', 'postpone', 'cancel']),
    reason,
    /** The new time (reschedule only). */
    start: dateTime.optional(),
    durationMinutes: minutes.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.change === 'reschedule' && b.start === undefined)
      ctx.addIssue({ code: 'custom', path: ['start'], message: 'a reschedule must give the new start' });
    if (b.change !== 'reschedule' && (b.start !== undefined || b.durationMinutes !== undefined))
      ctx.addIssue({ code: 'custom', path: ['start'], message: `a ${b.change} gives no new time` });
  });

const noShow = z.strictObject({ office, reason });

export const briefingRecordBody = z.strictObject({
  ...target,
  /** When it actually began. */
  heldAt: dateTime,
  durationMinutes: minutes,
  minutes: z.string().trim().min(1).max(MAX_TEXT),
  attended: z.array(office).max(64),
  noShows: z.array(noShow).max(64),
});

export const briefingAmendmentBody = z.strictObject({
  /** The `briefing-record` amended. */
  of: entryRef,
  minutes: z.string().trim().min(1).max(MAX_TEXT),
  reason,
});

export type BriefingProposal = z.infer<typeof briefingProposalBody>;

/** The proposal and every entry about it, read from the log; the fold's input. */
async function readBriefing(context: KindCheckContext, of: z.infer<typeof entryRef>) {
  const proposal = await referenced(context, of, 'briefing-proposal');
  const related = (
    await Promise.all(BRIEFING_ACTIONS.map((kind) => context.listByRef(kind, refKey(of))))
  ).flat();
  const records = related.filter((r) => r.kind === 'briefing-record');
  const amendments = (
    await Promise.all(records.map((r) => context.listByRef('briefing-amendment', `${r.party}/${r.seq}`)))
  ).flat();
  return foldBriefing(proposal, [...related, ...amendments], context.channel.parties);
}

/** Checks an action on a briefing against its state, as the fold would apply it. */
async function checkAction(
  context: KindCheckContext,
  kind: BriefingAction['kind'],
  body: { of: z.infer<typeof entryRef>; occurrence?: string },
): Promise<void> {
  const view = await readBriefing(context, body.of);
  const refused = refusal(view, { kind, party: context.party, body });
  if (refused) throw new KindRuleError(refused.code, refused.message);
}

export const briefingProposalKind = defineKind({
  name: 'briefing-proposal',
  authoredBy: 'principal',
  schema: briefingProposalBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) =>
    `proposes a ${body.type}: ${body.title}, ${body.start} (${body.durationMinutes} min)${body.rrule ? `, ${body.rrule}` : ''}`,
  async check(context, body) {
    const offices = new Set(Object.values(context.channel.parties).flat());
    body.participants.forEach((o, i) => {
      if (!offices.has(o))
        throw new KindRuleError(
          'body_invalid',
          `participants.${i}: office '${o}' is not a member office of the channel`,
        );
    });
    const own = context.channel.parties[context.party] ?? [];
    if (!body.participants.some((o) => !own.includes(o)))
      throw new KindRuleError('body_invalid', 'participants: must name an office of another party');
  },
});

export const briefingAnswerKind = defineKind({
  name: 'briefing-answer',
  authoredBy: 'principal',
  schema: briefingAnswerBody,
  expectsReceipt: false,
  ref: (body) => refKey(body.of),
  summary: (body) =>
    `${body.answer === 'accept' ? 'accepts' : 'declines'} the briefing ${refKey(body.of)}${body.occurrence ? ` of ${body.occurrence}` : ''}${body.reason ? `: ${body.reason}` : ''}`,
  check: (context, body) => checkAction(context, 'briefing-answer', body),
});

export const briefingChangeKind = defineKind({
  name: 'briefing-change',
  authoredBy: 'principal',
  schema: briefingChangeBody,
  expectsReceipt: false,
  ref: (body) => refKey(body.of),
  summary: (body) =>
    `${body.change}s the briefing ${refKey(body.of)}${body.occurrence ? ` of ${body.occurrence}` : ''}${body.start ? ` to ${body.start}` : ''}: ${body.reason}`,
  check: (context, body) => checkAction(context, 'briefing-change', body),
});

export const briefingRecordKind = defineKind({
  name: 'briefing-record',
  authoredBy: 'principal',
  schema: briefingRecordBody,
  expectsReceipt: false,
  ref: (body) => refKey(body.of),
  summary: (body) => `minutes: held ${body.heldAt}, ${body.durationMinutes} min`,
  timed: (body, at) =>
    Date.parse(body.heldAt) > at
      ? `heldAt: ${body.heldAt} is after the entry's own time (${new Date(at).toISOString()}): minutes are recorded once held, never ahead`
      : null,
  check: (context, body) => checkAction(context, 'briefing-record', body),
});

export const briefingAmendmentKind = defineKind({
  name: 'briefing-amendment',
  authoredBy: 'principal',
  schema: briefingAmendmentBody,
  expectsReceipt: false,
  ref: (body) => refKey(body.of),
  summary: (body) => `amends the minutes ${refKey(body.of)}: ${body.reason}`,
  async check(context, body) {
    const record = await referenced(context, body.of, 'briefing-record');
    const view = await readBriefing(context, record.body.of as unknown as z.infer<typeof entryRef>);
    const refused = amendmentRefusal(view, record.id);
    if (refused) throw new KindRuleError(refused.code, refused.message);
  },
});

/** The first briefing kinds: still valid in old logs, refused for new entries. */
const retired = (name: string, instead: string) => async () => {
  throw new KindRuleError(
    'body_invalid',
    `kind '${name}' is kept for old entries only; use '${instead}' (briefings with their whole life)`,
  );
};

/** The first kinds' time, exactly as it was, so that every old entry still verifies. */
const legacyTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/, 'must be a UTC date or time')
  .refine((value) => Number.isFinite(Date.parse(value)), 'is not a real date');

export const legacyBriefingKinds: KindDefinition[] = [
  defineKind({
    name: 'briefing',
    authoredBy: 'principal',
    schema: z.strictObject({
      title: z.string().min(1).max(300),
      agenda: z.array(z.string().min(1).max(500)).max(50),
      at: legacyTime.optional(),
    }),
    expectsReceipt: false,
    ref: () => null,
    summary: (body) => `proposes a briefing: ${body.title}`,
    check: retired('briefing', 'briefing-proposal'),
  }),
  defineKind({
    name: 'briefing-accept',
    authoredBy: 'principal',
    schema: z.strictObject({ of: entryRef }),
    expectsReceipt: false,
    ref: (body) => refKey(body.of),
    summary: (body) => `accepts the briefing ${refKey(body.of)}`,
    check: retired('briefing-accept', 'briefing-answer'),
  }),
  defineKind({
    name: 'briefing-minutes',
    authoredBy: 'principal',
    schema: z.strictObject({
      of: entryRef,
      heldAt: legacyTime,
      durationMinutes: minutes,
      summary: z.string().min(1).max(MAX_TEXT).optional(),
    }),
    expectsReceipt: false,
    ref: (body) => refKey(body.of),
    summary: (body) => `minutes: held ${body.heldAt}, ${body.durationMinutes} min`,
    check: retired('briefing-minutes', 'briefing-record'),
  }),
];

/** The kinds a readout (or anything else) may name as "the briefing". */
export const BRIEFING_KINDS = ['briefing-proposal', 'briefing'] as const;

export const briefingsKinds: KindDefinition[] = [
  briefingProposalKind,
  briefingAnswerKind,
  briefingChangeKind,
  briefingRecordKind,
  briefingAmendmentKind,
  ...legacyBriefingKinds,
];
