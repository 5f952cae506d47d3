/**
 * Joint statements: a text drafted in the channel, with disputed passages in brackets
 * (`[agree to begin talks | agree to prepare the ground for talks]`), revised until no bracket is
 * left, approved by every member party on the same text hash, then released. Nothing is released
 * that some party did not approve word for word.
 */
import { z } from 'zod';
import { KindRuleError, defineKind } from '../../core/kinds.js';
import type { KindCheckContext, KindDefinition, LoggedEntry } from '../../core/kinds.js';
import { HEX_HASH, ID_PATTERN, MAX_TEXT } from '../../core/model.js';
import { entryRef, type EntryRef } from '../obligations/kinds.js';
import { sha256Hex } from '../../core/hash.js';
import { findBrackets, type Bracket } from './brackets.js';

export const statementDraftBody = z.strictObject({
  /** Stable id of the statement across its versions. */
  statement: z.string().regex(ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-"'),
  title: z.string().min(1).max(300),
  text: z.string().min(1).max(MAX_TEXT),
  /** The version this one revises (absent on the first draft). */
  revises: entryRef.optional(),
});

export const statementApproveBody = z.strictObject({
  of: entryRef,
  /** SHA-256 of the exact text approved. */
  textHash: z.string().regex(HEX_HASH, 'must be a SHA-256 hex hash'),
});

export const statementReleaseBody = statementApproveBody;

export function textHash(text: string): string {
  return sha256Hex(text);
}

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

function requireHead(context: KindCheckContext, what: string): void {
  if (context.actor.role !== 'head')
    throw new KindRuleError('forbidden', `only the head of a member office ${what}`);
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
    const released = await context.listByKind('statement-release');
    if (
      released.some(
        (r) =>
          (r.body.of as EntryRef).party === previous.party && (r.body.of as EntryRef).seq === previous.seq,
      )
    )
      throw new KindRuleError(
        'state_conflict',
        `statement '${body.statement}' is released and can no longer change`,
      );
  },
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
    const draft = await version(context, body.of);
    const text = draft.body.text as string;
    if (textHash(text) !== body.textHash)
      throw new KindRuleError('body_invalid', 'textHash does not match the text of that version');
    if (brackets(text).length > 0)
      throw new KindRuleError('state_conflict', `${draft.id} still has disputed passages in brackets`);
    const latest = await latestVersion(context, draft.body.statement as string);
    if (latest && latest.id !== draft.id)
      throw new KindRuleError(
        'state_conflict',
        `${draft.id} was revised by ${latest.id}; approve that version`,
      );
    const approvals = await context.listByRef('statement-approve', `${draft.party}/${draft.seq}`);
    if (approvals.some((a) => a.party === context.party))
      throw new KindRuleError('already_exists', `${context.party} has already approved ${draft.id}`);
  },
});

export const statementReleaseKind = defineKind({
  name: 'statement-release',
  authoredBy: 'principal',
  schema: statementReleaseBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `releases the statement text ${body.textHash.slice(0, 12)}…`,
  async check(context, body) {
    const draft = await version(context, body.of);
    if (textHash(draft.body.text as string) !== body.textHash)
      throw new KindRuleError('body_invalid', 'textHash does not match the text of that version');
    const ref = `${draft.party}/${draft.seq}`;
    const approved = new Set(
      (await context.listByRef('statement-approve', ref))
        .filter((a) => a.body.textHash === body.textHash)
        .map((a) => a.party),
    );
    const missing = (await context.parties()).filter((p) => !approved.has(p));
    if (missing.length > 0)
      throw new KindRuleError(
        'state_conflict',
        `not approved yet by ${missing.join(', ')}: nothing is released without every party`,
      );
    if ((await context.listByRef('statement-release', ref)).length > 0)
      throw new KindRuleError('already_exists', `${draft.id} is already released`);
  },
});

/** The kinds of this workflow, in the order they are listed to clients. */
export const statementsKinds: KindDefinition[] = [
  statementDraftKind,
  statementApproveKind,
  statementReleaseKind,
];
