/**
 * Joint statements: a text drafted in the channel, with disputed passages in brackets
 * (`[agree to begin talks | agree to prepare the ground for talks]`). Each bracket is resolved
 * only when every party agrees to one party's proposed wording (`statement-resolution`,
 * `statement-resolution-agree`); a resolution may be reopened (`statement-reopen`) until every
 * party has approved the whole text. Heads approve the exact hash of the settled text; the
 * release (optionally embargoed until a time) needs every party's approval and freezes the text.
 * A revision may not drop a bracket that is not resolved by every party. The state rules are the
 * fold's (fold.ts), the same before signing, on receipt and in `parley verify`.
 */
import { z } from 'zod';
import { KindRuleError, defineKind } from '../../core/kinds.js';
import type { KindCheckContext, KindDefinition, LoggedEntry } from '../../core/kinds.js';
import { HEX_HASH, ID_PATTERN, MAX_TEXT } from '../../core/model.js';
import { entryRef, type EntryRef } from '../obligations/kinds.js';
import { findBrackets, type Bracket } from './brackets.js';
import {
  STATEMENT_ACTIONS,
  droppedBracket,
  foldVersion,
  foldVersionState,
  refusal,
  textHash,
  type StatementActionKind,
} from './fold.js';
import { dateTime, iso } from '../contacts/briefings/times.js';

export { textHash };

export const statementDraftBody = z.strictObject({
  /** Stable id of the statement across its versions. */
  statement: z.string().regex(ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-"'),
  title: z.string().min(1).max(300),
  text: z.string().min(1).max(MAX_TEXT),
  /** The version this one revises (absent on the first draft). */
  revises: entryRef.optional(),
});

const hash = z.string().regex(HEX_HASH, 'must be a SHA-256 hex hash');

export const statementApproveBody = z.strictObject({
  of: entryRef,
  /** SHA-256 of the exact text approved: the version's text with its agreed resolutions. */
  textHash: hash,
});

export const statementReleaseBody = z.strictObject({
  of: entryRef,
  textHash: hash,
  /** Released under embargo: not to be published before this time (after the entry's own). */
  embargoUntil: dateTime.optional(),
});

export const statementResolutionBody = z.strictObject({
  /** The version whose bracket this resolves. */
  of: entryRef,
  /** Which bracket, counted from 0 in the version's text. */
  bracket: z.number().int().min(0).max(10_000),
  /** The proposed wording in place of the bracket. */
  text: z.string().trim().min(1).max(2000),
});

export const statementResolutionAgreeBody = z.strictObject({
  of: entryRef,
  /** The proposed resolution agreed to. */
  resolution: entryRef,
});

export const statementReopenBody = z.strictObject({
  of: entryRef,
  resolution: entryRef,
  reason: z.string().trim().min(1).max(2000),
});

/** Disputed passages: `[a | b]` with at least two alternatives. */
export const brackets = findBrackets;
export type { Bracket };

async function version(context: KindCheckContext, of: EntryRef): Promise<LoggedEntry> {
  const entry = await context.getEntry(of.party, of.seq);
  if (!entry || entry.hash !== of.hash || entry.kind !== 'statement-draft') {
    throw new KindRuleError(
      'ref_invalid',
      `${context.channel.id}/${of.party}/${of.seq} is not a statement version`,
    );
  }
  return entry;
}

/** The newest version of a statement, by clock. */
async function latestVersion(context: KindCheckContext, statement: string): Promise<LoggedEntry | undefined> {
  return (await context.listByKind('statement-draft'))
    .filter((d) => d.body.statement === statement)
    .sort((a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0))
    .at(-1);
}

/** What the parties did to a version so far, from the log. */
async function actionsOn(context: KindCheckContext, draft: LoggedEntry): Promise<LoggedEntry[]> {
  const ref = `${draft.party}/${draft.seq}`;
  return (await Promise.all(STATEMENT_ACTIONS.map((kind) => context.listByRef(kind, ref)))).flat();
}

function requireHead(context: KindCheckContext, what: string): void {
  if (context.actor.role !== 'head')
    throw new KindRuleError('forbidden', `only the head of a member office ${what}`);
}

/** The check every action on a version shares: the newest version, and the fold's rules. */
async function checkAction(
  context: KindCheckContext,
  kind: StatementActionKind,
  body: { of: EntryRef },
): Promise<void> {
  const draft = await version(context, body.of);
  const latest = await latestVersion(context, draft.body.statement as string);
  if (latest && latest.id !== draft.id)
    throw new KindRuleError('state_conflict', `${draft.id} was revised by ${latest.id}; act on that version`);
  const parties = await context.parties();
  const { state } = foldVersionState(draft, await actionsOn(context, draft), () => parties);
  const refused = refusal(state, {
    kind,
    party: context.party,
    body: body as Parameters<typeof refusal>[1]['body'],
  });
  if (refused) throw new KindRuleError(refused.code, refused.message);
}

export const statementDraftKind = defineKind({
  name: 'statement-draft',
  authoredBy: 'principal',
  schema: statementDraftBody,
  expectsReceipt: false,
  ref: (body) => (body.revises ? `${body.revises.party}/${body.revises.seq}` : null),
  summary: (body) => `${body.revises ? 'revises' : 'drafts'} the statement “${body.title}”`,
  async check(context, body) {
    const latest = await latestVersion(context, body.statement);
    if (!body.revises) {
      if (latest)
        throw new KindRuleError(
          'already_exists',
          `statement '${body.statement}' exists: revise ${latest.id}`,
        );
      return;
    }
    const previous = await version(context, body.revises);
    if (previous.body.statement !== body.statement)
      throw new KindRuleError('ref_invalid', `${previous.id} is a version of another statement`);
    if (latest && latest.id !== previous.id)
      throw new KindRuleError(
        'state_conflict',
        `${previous.id} is not the newest version; revise ${latest.id}`,
      );
    const parties = await context.parties();
    const fold = foldVersion(previous, await actionsOn(context, previous), () => parties);
    if (fold.release)
      throw new KindRuleError(
        'state_conflict',
        `statement '${body.statement}' is released and can no longer change`,
      );
    const dropped = droppedBracket(fold, body.text);
    if (dropped)
      throw new KindRuleError(
        'state_conflict',
        `text: the revision drops bracket ${dropped.index} (${dropped.source}) of ${previous.id}, which is not resolved by every party; propose a resolution instead (no party resolves a bracket alone)`,
      );
  },
});

export const statementResolutionKind = defineKind({
  name: 'statement-resolution',
  authoredBy: 'principal',
  schema: statementResolutionBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `proposes for bracket ${body.bracket}: “${body.text}”`,
  check: (context, body) => checkAction(context, 'statement-resolution', body),
});

export const statementResolutionAgreeKind = defineKind({
  name: 'statement-resolution-agree',
  authoredBy: 'principal',
  schema: statementResolutionAgreeBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `agrees to the resolution ${body.resolution.party}/${body.resolution.seq}`,
  check: (context, body) => checkAction(context, 'statement-resolution-agree', body),
});

export const statementReopenKind = defineKind({
  name: 'statement-reopen',
  authoredBy: 'principal',
  schema: statementReopenBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `reopens the resolution ${body.resolution.party}/${body.resolution.seq}: ${body.reason}`,
  check: (context, body) => checkAction(context, 'statement-reopen', body),
});

export const statementApproveKind = defineKind({
  name: 'statement-approve',
  authoredBy: 'principal',
  schema: statementApproveBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `approves the statement text ${body.textHash.slice(0, 12)}…`,
  async check(context, body) {
    requireHead(context, 'approves a joint statement');
    await checkAction(context, 'statement-approve', body);
  },
});

export const statementReleaseKind = defineKind({
  name: 'statement-release',
  authoredBy: 'principal',
  schema: statementReleaseBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) =>
    `releases the statement text ${body.textHash.slice(0, 12)}…${body.embargoUntil ? ` under embargo until ${body.embargoUntil}` : ''}`,
  timed: (body, at) =>
    body.embargoUntil && Date.parse(body.embargoUntil) <= at
      ? `embargoUntil: ${body.embargoUntil} is not after the release's own time (${iso(at)}): an embargo lies in the future`
      : null,
  check: (context, body) => checkAction(context, 'statement-release', body),
});

/** The kinds of this workflow, in the order they are listed to clients. */
export const statementsKinds: KindDefinition[] = [
  statementDraftKind,
  statementResolutionKind,
  statementResolutionAgreeKind,
  statementReopenKind,
  statementApproveKind,
  statementReleaseKind,
];
