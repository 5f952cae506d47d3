/**
 * Language and formatted messages: the translations of an entry beside its authoritative
 * original, the channel's glossary of agreed terms, and its notification templates. These are
 * read views; translations, glossary proposals and agreements, templates and notifications are
 * appended as entries (POST /api/v1/channels/{channel}/entries) under the kind rules.
 */
import { entryTranslations, channelGlossary } from '../../workflows/language/queries.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { channelTemplates } from '../../workflows/templates/queries.js';
import { channelParams, errorSchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';
import { translationsQuery, translationsResponse, glossaryResponse } from '../../workflows/language/views.js';
import { templatesResponse } from '../../workflows/templates/views.js';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };

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
