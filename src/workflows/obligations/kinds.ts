/**
 * The kinds that make sure nothing is left unanswered or misread: explicit responses (deferred,
 * declined), the sender's review of a read-back, clarification requests on an exact passage and
 * their answers, and the node's signed record of every escalation step.
 */
import { z } from 'zod';
import { KindRuleError, defineKind } from '../../core/kinds.js';
import type { KindCheckContext, KindDefinition, LoggedEntry } from '../../core/kinds.js';
import { HEX_HASH, MAX_TEXT, PARTY_PATTERN } from '../../core/model.js';
import { differingFields } from './read-back.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;

/** A reference to one entry of the same channel, pinned by its hash. */
export const entryRef = z.strictObject({
  party: z.string().regex(PARTY_PATTERN, 'must be an upper-case party id such as RU'),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  hash: z.string().regex(HEX_HASH, 'must be a SHA-256 hex hash'),
});
export type EntryRef = z.infer<typeof entryRef>;

const isoTime = z
  .string()
  .regex(ISO_TIME, 'must be a UTC time such as 2026-02-20T09:00Z')
  .refine((value) => Number.isFinite(Date.parse(value)), 'is not a real time');

/** An explicit answer that is not `understood`: later (with a new time) or no (with a reason). */
export const responseBody = z.discriminatedUnion('response', [
  z.strictObject({
    of: entryRef,
    response: z.literal('deferred'),
    reason: z.string().min(1).max(2000),
    /** When the responding party will answer instead. */
    until: isoTime,
  }),
  z.strictObject({ of: entryRef, response: z.literal('declined'), reason: z.string().min(1).max(2000) }),
]);

/** The sender's verdict on a read-back: it matches, or here is what was actually meant. */
export const readBackReviewBody = z.discriminatedUnion('outcome', [
  z.strictObject({
    of: entryRef,
    outcome: z.literal('confirmed'),
    /**
     * Confirming a read-back whose fields differ from the original is allowed only explicitly:
     * the fields that differ and why it is confirmed anyway, kept in the log.
     */
    despiteDifferences: z
      .strictObject({
        fields: z.array(z.string().min(1).max(200)).min(1).max(100),
        reason: z.string().trim().min(1).max(2000),
      })
      .optional(),
  }),
  z.strictObject({
    of: entryRef,
    outcome: z.literal('corrected'),
    correction: z.string().min(1).max(MAX_TEXT),
  }),
]);

/**
 * A question about an exact passage of an entry's original text. Offsets count UTF-16 code units
 * of the original `body.text`, so they stay valid whatever translation a reader has on screen.
 */
export const clarificationRequestBody = z
  .strictObject({
    of: entryRef,
    passage: z.strictObject({
      start: z.number().int().min(0),
      end: z.number().int().min(1),
      /** The passage as quoted; must equal the original text between the offsets. */
      quote: z.string().min(1).max(MAX_TEXT),
    }),
    question: z.string().min(1).max(MAX_TEXT),
  })
  .refine((body) => body.passage.end > body.passage.start, {
    message: 'passage.end must be after passage.start',
    path: ['passage', 'end'],
  });

export const clarificationBody = z.strictObject({ of: entryRef, text: z.string().min(1).max(MAX_TEXT) });

export const OBLIGATIONS = [
  'delivery',
  'response',
  'readback-confirmation',
  'clarification',
  'invitation-answer',
  'briefing-answer',
  'commitment-lapse',
] as const;
export type ObligationType = (typeof OBLIGATIONS)[number];
export const ESCALATION_STEPS = ['overdue', 'duty-officers', 'owners', 'head'] as const;
export type EscalationStep = (typeof ESCALATION_STEPS)[number];

/** The node's signed record of one escalation step for one overdue obligation. */
export const escalationBody = z.strictObject({
  of: entryRef,
  obligation: z.enum(OBLIGATIONS),
  owedBy: z.string().regex(PARTY_PATTERN),
  step: z.enum(ESCALATION_STEPS),
  /** The deadline that was missed. */
  due: isoTime,
  /** Principals of this party told about it. */
  notify: z.array(z.string().min(1).max(64)).max(256),
});

function refText(of: EntryRef): string {
  return `${of.party}/${of.seq}`;
}

/** The referenced entry, which must exist with that hash. */
async function target(context: KindCheckContext, of: EntryRef): Promise<LoggedEntry> {
  const entry = await context.getEntry(of.party, of.seq);
  if (!entry) {
    throw new KindRuleError(
      'entry_not_found',
      `entry ${context.channel.id}/${refText(of)} does not exist in this channel`,
    );
  }
  if (entry.hash !== of.hash) {
    throw new KindRuleError(
      'ref_invalid',
      `entry ${entry.id} has a different hash: the reference points at another entry`,
    );
  }
  return entry;
}

/**
 * An item is addressed to the caller when someone else wrote it and, in a channel between
 * parties, when it comes from another party: only then may the caller answer it.
 */
export function requireAddressed(context: KindCheckContext, entry: LoggedEntry): void {
  if (entry.author === context.actor.id)
    throw new KindRuleError('ref_invalid', 'you cannot answer your own entry');
  if (Object.keys(context.channel.parties).length > 1 && entry.party === context.party) {
    throw new KindRuleError(
      'ref_invalid',
      `entry ${entry.id} comes from your own party; it is addressed to the other parties`,
    );
  }
}

const ANSWERABLE = new Set(['note', 'notification']);

export const responseKind = defineKind({
  name: 'response',
  authoredBy: 'principal',
  schema: responseBody,
  expectsReceipt: false,
  ref: (body) => refText(body.of),
  summary: (body) =>
    body.response === 'deferred'
      ? `defers ${refText(body.of)} until ${body.until}: ${body.reason}`
      : `declines ${refText(body.of)}: ${body.reason}`,
  async check(context, body) {
    const item = await target(context, body.of);
    if (!ANSWERABLE.has(item.kind))
      throw new KindRuleError('ref_invalid', `entries of kind '${item.kind}' take no response`);
    requireAddressed(context, item);
  },
});

export const readbackReviewKind = defineKind({
  name: 'readback-review',
  authoredBy: 'principal',
  schema: readBackReviewBody,
  expectsReceipt: false,
  ref: (body) => refText(body.of),
  summary: (body) =>
    body.outcome === 'confirmed'
      ? body.despiteDifferences
        ? `confirms the read-back ${refText(body.of)} despite differences in ${body.despiteDifferences.fields.join(', ')}: ${body.despiteDifferences.reason.slice(0, 60)}`
        : `confirms the read-back ${refText(body.of)}`
      : `corrects the read-back ${refText(body.of)}: ${body.correction.slice(0, 60)}`,
  async check(context, body) {
    const receipt = await target(context, body.of);
    if (
      receipt.kind !== 'receipt' ||
      (receipt.body.readBack === undefined && receipt.body.readBackFields === undefined)
    ) {
      throw new KindRuleError('ref_invalid', `${receipt.id} is not a receipt with a read-back`);
    }
    const of = receipt.body.of as EntryRef;
    // Only the party that sent the item can say whether it was understood as meant.
    if (of.party !== context.party) {
      throw new KindRuleError(
        'forbidden',
        `only ${of.party}, which sent ${context.channel.id}/${refText(of)}, reviews its read-back`,
      );
    }
    if (body.outcome === 'confirmed') await checkConfirmation(context, receipt, body.despiteDifferences);
  },
});

/**
 * A read-back whose fields differ is confirmed only "despite differences", naming exactly the
 * fields that differ and why: one click must never turn "south" read back for "north" into
 * "understood" (issue: a read-back you cannot confirm by mistake).
 */
async function checkConfirmation(
  context: KindCheckContext,
  receipt: LoggedEntry,
  despite: { fields: string[]; reason: string } | undefined,
): Promise<void> {
  const readBack = receipt.body.readBackFields;
  const of = receipt.body.of as EntryRef;
  const original = readBack === undefined ? null : await context.getEntry(of.party, of.seq);
  const differing =
    original && readBack !== null && typeof readBack === 'object' && !Array.isArray(readBack)
      ? differingFields(original.body.fields, readBack)
      : [];
  if (differing.length > 0 && !despite) {
    throw new KindRuleError(
      'state_conflict',
      `the read-back differs from the original in ${differing.join(', ')}: correct it, or confirm it despite the differences with a reason (despiteDifferences)`,
    );
  }
  if (despite && [...despite.fields].sort().join('\n') !== [...differing].sort().join('\n')) {
    throw new KindRuleError(
      'body_invalid',
      differing.length === 0
        ? 'despiteDifferences: the read-back matches the original; confirm it without despiteDifferences'
        : `despiteDifferences.fields: must name exactly the fields that differ (${differing.join(', ')})`,
    );
  }
}

export const clarificationRequestKind = defineKind({
  name: 'clarification-request',
  authoredBy: 'principal',
  schema: clarificationRequestBody,
  expectsReceipt: false,
  ref: (body) => refText(body.of),
  summary: (body) => `asks about “${body.passage.quote.slice(0, 40)}” in ${refText(body.of)}`,
  async check(context, body) {
    const item = await target(context, body.of);
    const text = item.body.text;
    if (typeof text !== 'string') throw new KindRuleError('ref_invalid', `${item.id} has no text to quote`);
    const { start, end, quote } = body.passage;
    if (end > text.length) {
      throw new KindRuleError(
        'body_invalid',
        `passage ${start}–${end} is out of range: the original text of ${item.id} has ${text.length} characters`,
      );
    }
    if (text.slice(start, end) !== quote) {
      throw new KindRuleError(
        'body_invalid',
        `passage.quote does not match the original text at ${start}–${end}`,
      );
    }
    requireAddressed(context, item);
  },
});

export const clarificationKind = defineKind({
  name: 'clarification',
  authoredBy: 'principal',
  schema: clarificationBody,
  expectsReceipt: false,
  ref: (body) => refText(body.of),
  summary: (body) => `clarifies ${refText(body.of)}: ${body.text.slice(0, 60)}`,
  async check(context, body) {
    const request = await target(context, body.of);
    if (request.kind !== 'clarification-request')
      throw new KindRuleError('ref_invalid', `${request.id} is not a clarification request`);
    const item = request.body.of as EntryRef;
    if (item.party !== context.party) {
      throw new KindRuleError(
        'forbidden',
        `the question is about ${context.channel.id}/${refText(item)}; ${item.party}, its sender, answers it`,
      );
    }
    const answers = await context.listByRef('clarification', `${request.party}/${request.seq}`);
    if (answers.length > 0)
      throw new KindRuleError('already_exists', `${request.id} is already answered by ${answers[0]!.id}`);
  },
});

export const escalationKind = defineKind({
  name: 'escalation',
  authoredBy: 'node',
  schema: escalationBody,
  expectsReceipt: false,
  ref: (body) => refText(body.of),
  summary: (body) =>
    `${body.obligation} owed by ${body.owedBy} on ${refText(body.of)}: ${body.step} (due ${body.due})`,
});

/** The kinds of this workflow, in the order they are listed to clients. */
export const obligationsKinds: KindDefinition[] = [
  responseKind,
  readbackReviewKind,
  clarificationRequestKind,
  clarificationKind,
  escalationKind,
];
