/**
 * The language workflow's views, defined once (zod): the routes answer with them, the OpenAPI
 * document is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';
import { entryPositionFields } from '../primitives.js';

export const entryRefSchema = z.object({ party: z.string(), seq: z.number(), hash: z.string() });

export const translationsQuery = z.strictObject({
  of: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{1,15}\/\d{1,15}$/, 'must name the original as <party>/<seq>, e.g. RU/4'),
});

export const glossaryWarningSchema = z
  .object({
    term: z.string(),
    /** The agreed rendering in the translation's language, missing from the translation. */
    expected: z.string(),
    /** The agreed rendering in the original's language, found in the original. */
    original: z.string(),
  })
  .meta({ id: 'GlossaryWarning' });

export const translationSchema = z
  .object({
    id: z.string(),
    hash: z.string(),
    of: entryRefSchema.extend({ id: z.string() }),
    lang: z.string(),
    text: z.string(),
    translator: z.discriminatedUnion('type', [
      z.object({ type: z.literal('person') }),
      z.object({ type: z.literal('machine'), tool: z.string() }),
    ]),
    author: z.string(),
    party: z.string(),
    hlc: z.string(),
    authoritative: z.literal(false),
    warnings: z.array(glossaryWarningSchema),
  })
  .meta({ id: 'Translation' });

export const translationsResponse = z.object({
  original: z.object({
    ...entryPositionFields,
    hlc: z.string(),
    lang: z.string(),
    text: z.string(),
    authoritative: z.literal(true),
  }),
  translations: z.array(translationSchema),
});

export const proposedBy = z.object({ party: z.string(), author: z.string(), at: z.string() });

/** What an agreed and a pending term share. */
const termFields = {
  term: z.string(),
  renderings: z.record(z.string(), z.string()),
  note: z.string().optional(),
  id: z.string(),
  hash: z.string(),
  proposedBy,
  agreedBy: z.array(z.string()),
};

export const glossaryResponse = z.object({
  agreed: z.array(
    z
      .object({ ...termFields, agreedAt: z.string(), supersedes: z.string().nullable() })
      .meta({ id: 'GlossaryTerm' }),
  ),
  pending: z.array(
    z.object({ ...termFields, waitingFor: z.array(z.string()) }).meta({ id: 'GlossaryProposal' }),
  ),
});
