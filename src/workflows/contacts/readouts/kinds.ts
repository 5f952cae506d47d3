/**
 * Kinds for readouts and the joint summary. `readout`: one party's account of a call, in its own
 * words (of a held briefing, or of a call not recorded in the channel). `summary-point`: one
 * point of a joint summary, proposed as agreed, disputed or unilateral, with its text and the
 * readout passages it rests on; a later version revises it. `summary-sign`: a party's person
 * signs one exact version (by hash). A point counts as agreed by the parties only when every
 * party of the channel signed that version, its proposer by proposing it (summary-fold.ts folds
 * this the same way on every node). The bodies are in summary-body.ts.
 */
import { z } from 'zod';
import { MAX_TEXT } from '../../../core/model.js';
import { KindRuleError, defineKind } from '../../../core/kinds.js';
import type { KindCheckContext, KindDefinition, LoggedEntry } from '../../../core/kinds.js';
import { entryRef } from '../../obligations/kinds.js';
import { BRIEFING_KINDS } from '../briefings/kinds.js';
import { referenced } from '../referenced.js';
import { newestOf, pointKey } from './summary-fold.js';
import { summaryPointBody, summarySignBody, type SummaryPointBody } from './summary-body.js';

export const readoutBody = z.strictObject({
  /** The briefing (or call) it reads out, if recorded in the channel. */
  of: entryRef.optional(),
  text: z.string().min(1).max(MAX_TEXT),
});

/** The newest version of a point, by the fold's rule (summary-fold.ts). */
async function newestVersion(context: KindCheckContext, key: string): Promise<LoggedEntry | null> {
  const versions = (await context.listByKind('summary-point')).filter(
    (v) => pointKey(v.body as unknown as SummaryPointBody) === key,
  );
  return newestOf(context.channel.id, versions);
}

export const readoutKind = defineKind({
  name: 'readout',
  authoredBy: 'principal',
  schema: readoutBody,
  expectsReceipt: false,
  ref: (body) => (body.of ? `${body.of.party}/${body.of.seq}` : null),
  summary: (body) => body.text.slice(0, 80),
  async check(context, body) {
    if (!body.of) return;
    const briefing = await referenced(context, body.of, BRIEFING_KINDS, 'of');
    const ref = `${briefing.party}/${briefing.seq}`;
    // Held: minutes recorded (briefing-record; briefing-minutes for briefings of the old kind).
    const minutes = [
      ...(await context.listByRef('briefing-record', ref)),
      ...(await context.listByRef('briefing-minutes', ref)),
    ];
    if (minutes.length === 0)
      throw new KindRuleError(
        'state_conflict',
        `of: the briefing ${briefing.id} has not been held (no minutes): a readout reads out a call that took place`,
      );
  },
});

export const summaryPointKind = defineKind({
  name: 'summary-point',
  authoredBy: 'principal',
  schema: summaryPointBody,
  expectsReceipt: false,
  ref: (body) => (body.revises ? `${body.revises.party}/${body.revises.seq}` : null),
  summary: (body) =>
    `summary ${body.summary}, point ${body.point} (${body.status}): ${body.text.slice(0, 60)}`,
  async check(context, body) {
    const parties = await context.parties();
    if (body.status === 'unilateral' && !body.party)
      throw new KindRuleError(
        'body_invalid',
        'party: a unilateral point names the party whose position it is',
      );
    if (body.status !== 'unilateral' && body.party)
      throw new KindRuleError(
        'body_invalid',
        `party: only a unilateral point names a party (this one is ${body.status})`,
      );
    if (body.party && !parties.includes(body.party))
      throw new KindRuleError('body_invalid', `party: ${body.party} is not a party of this channel`);
    const readouts: LoggedEntry[] = [];
    for (const [k, rest] of body.rests.entries()) {
      const readout = await referenced(context, rest.readout, 'readout', `rests.${k}.readout`);
      if (!(readout.body.text as string).includes(rest.quote))
        throw new KindRuleError(
          'body_invalid',
          `rests.${k}.quote: ${readout.id} does not say that, word for word`,
        );
      readouts.push(readout);
    }
    const of = new Set(readouts.map((r) => JSON.stringify(r.body.of ?? null)));
    if (of.size > 1)
      throw new KindRuleError('body_invalid', 'rests: the readouts quoted are of different calls');
    const by = new Set(readouts.map((r) => r.party));
    if (body.status !== 'unilateral' && by.size < 2)
      throw new KindRuleError(
        'body_invalid',
        `rests: an ${body.status} point rests on the readouts of at least two parties`,
      );
    if (body.status === 'unilateral' && [...by].some((p) => p !== body.party))
      throw new KindRuleError(
        'body_invalid',
        `rests: a unilateral point rests on ${body.party}'s readouts only`,
      );
    const newest = await newestVersion(context, pointKey(body));
    if (!body.revises) {
      if (newest)
        throw new KindRuleError(
          'already_exists',
          `point: ${pointKey(body)} exists (${newest.id}); revise it instead`,
        );
      return;
    }
    const previous = await referenced(context, body.revises, 'summary-point', 'revises');
    if (pointKey(previous.body as unknown as SummaryPointBody) !== pointKey(body))
      throw new KindRuleError('ref_invalid', `revises: ${previous.id} is a version of another point`);
    if (newest && newest.id !== previous.id)
      throw new KindRuleError(
        'state_conflict',
        `revises: ${previous.id} is not the newest version (${newest.id} is)`,
      );
  },
});

export const summarySignKind = defineKind({
  name: 'summary-sign',
  authoredBy: 'principal',
  schema: summarySignBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `signs summary point ${body.of.party}/${body.of.seq}`,
  async check(context, body) {
    const point = await referenced(context, body.of, 'summary-point', 'of');
    const newest = await newestVersion(context, pointKey(point.body as unknown as SummaryPointBody));
    if (newest && newest.id !== point.id)
      throw new KindRuleError(
        'state_conflict',
        `of: ${point.id} was revised; sign the newest version ${newest.id}`,
      );
    if (point.party === context.party)
      throw new KindRuleError(
        'already_exists',
        `of: ${context.party} proposed ${point.id}; proposing it was its signature`,
      );
    const signed = await context.listByRef('summary-sign', `${point.party}/${point.seq}`);
    if (signed.some((s) => s.party === context.party))
      throw new KindRuleError('already_exists', `of: ${context.party} has already signed ${point.id}`);
  },
});

/** The kinds of this workflow, in the order they are listed to clients. */
export const readoutsKinds: KindDefinition[] = [readoutKind, summaryPointKind, summarySignKind];
