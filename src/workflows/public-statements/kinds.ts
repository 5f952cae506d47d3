/**
 * Public statements: what someone said in public (a Secretary General's remarks, a ministry's
 * press release), recorded in a channel with attribution — speaker, office, party, where and when
 * it was published, who relayed it, its language — apart from the private record. A
 * `public-statement` expects no receipt and creates no response duty; private entries point at
 * one with `refersTo` ("refers to the Secretary General's remarks of 22 February").
 */
import { z } from 'zod';
import { defineKind, type KindDefinition } from '../../core/kinds.js';
import { LANGUAGE_PATTERN, MAX_TEXT } from '../../core/model.js';
import { dateOrTime, iso, startOf } from '../contacts/briefings/times.js';

const line = (max: number) => z.string().trim().min(1).max(max);

export const publicStatementBody = z.strictObject({
  /** Who spoke: a name or a title. */
  speaker: line(200),
  /** The speaker's office, e.g. "Secretary General". */
  office: line(200),
  /** The speaker's party or organisation, e.g. NATO. */
  party: line(100),
  /** Where it was published: a venue, a press conference, a publication. */
  venue: line(300),
  /** The published address, when there is one. */
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000)
    .optional(),
  /** When it was said or published (not after the entry's own time). */
  publishedAt: dateOrTime,
  /** Who relayed it (a news agency, an embassy), when not heard first-hand. */
  relayedBy: line(200).optional(),
  /** The language the statement was made in. */
  language: z.string().regex(LANGUAGE_PATTERN, 'must be a language tag such as en or ru'),
  text: line(MAX_TEXT),
});

export type PublicStatementBody = z.infer<typeof publicStatementBody>;

export const publicStatementKind = defineKind({
  name: 'public-statement',
  authoredBy: 'principal',
  schema: publicStatementBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) => `public statement of ${body.speaker} (${body.office}, ${body.party}), ${body.venue}`,
  timed: (body, at) =>
    startOf(body.publishedAt) > at
      ? `publishedAt: ${body.publishedAt} is after the entry's own time (${iso(at)}): a public statement is recorded once made`
      : null,
});

/** The kinds of this workflow. */
export const publicStatementsKinds: KindDefinition[] = [publicStatementKind];
