/**
 * Language and formatted messages: the translations of an entry beside its authoritative
 * original, the channel's glossary of agreed terms, and its notification templates. These are
 * read views; translations, glossary proposals and agreements, templates and notifications are
 * appended as entries (POST /api/v1/channels/{channel}/entries) under the kind rules.
 */
import { z } from 'zod';
import { entryTranslations, channelGlossary } from '../../workflows/language/queries.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { channelTemplates } from '../../workflows/templates/queries.js';
import { channelParams, errorSchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };

const entryRefSchema = z.object({ party: z.string(), seq: z.number(), hash: z.string() });

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
    id: z.string(),
    party: z.string(),
    seq: z.number(),
    hash: z.string(),
    kind: z.string(),
    author: z.string(),
    hlc: z.string(),
    lang: z.string(),
    text: z.string(),
    authoritative: z.literal(true),
  }),
  translations: z.array(translationSchema),
});

const proposedBy = z.object({ party: z.string(), author: z.string(), at: z.string() });

export const glossaryResponse = z.object({
  agreed: z.array(
    z
      .object({
        term: z.string(),
        renderings: z.record(z.string(), z.string()),
        note: z.string().optional(),
        id: z.string(),
        hash: z.string(),
        proposedBy,
        agreedBy: z.array(z.string()),
        agreedAt: z.string(),
        supersedes: z.string().nullable(),
      })
      .meta({ id: 'GlossaryTerm' }),
  ),
  pending: z.array(
    z
      .object({
        term: z.string(),
        renderings: z.record(z.string(), z.string()),
        note: z.string().optional(),
        id: z.string(),
        hash: z.string(),
        proposedBy,
        agreedBy: z.array(z.string()),
        waitingFor: z.array(z.string()),
      })
      .meta({ id: 'GlossaryProposal' }),
  ),
});

export const templateSchema = z
  .object({
    id: z.string(),
    hash: z.string(),
    name: z.string(),
    version: z.number(),
    title: z.string(),
    schema: z.record(z.string(), z.unknown()),
    party: z.string(),
    author: z.string(),
    hlc: z.string(),
  })
  .meta({ id: 'Template' });

export const templatesResponse = z.object({
  templates: z.array(templateSchema),
  versions: z.array(templateSchema),
});

export function registerLanguageRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/channels/:channel/translations',
    {
      schema: {
        summary:
          'The translations of one entry (never authoritative, with glossary warnings) beside its authoritative original',
        tags: ['language'],
        params: channelParams,
        querystring: translationsQuery,
        response: { 200: translationsResponse, ...errors },
      },
    },
    async (request) => {
      const [party, seq] = request.query.of.split('/') as [string, string];
      return entryTranslations(node, authOf(request).principal, request.params.channel, party, Number(seq));
    },
  );

  app.get(
    '/api/v1/channels/:channel/glossary',
    {
      schema: {
        summary: 'Glossary terms every party has agreed, and proposals waiting for parties',
        tags: ['language'],
        params: channelParams,
        response: { 200: glossaryResponse, ...errors },
      },
    },
    async (request) => channelGlossary(node, authOf(request).principal, request.params.channel),
  );

  app.get(
    '/api/v1/channels/:channel/templates',
    {
      schema: {
        summary: 'Notification templates: the newest version of each, and every published version',
        tags: ['templates'],
        params: channelParams,
        response: { 200: templatesResponse, ...errors },
      },
    },
    async (request) => channelTemplates(node, authOf(request).principal, request.params.channel),
  );
}
