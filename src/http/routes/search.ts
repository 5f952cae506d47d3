/**
 * Full-text search over every channel the caller may read (workflows/search): all words of `q`
 * in any inflection, Russian or English, narrowed by channel, party, kind, precedence, marking
 * and date; newest first, paged by `before`.
 */
import { searchEntries } from '../../workflows/search/queries.js';
import { searchQuerySchema, searchResultsSchema } from '../../workflows/search/views.js';
import type { ParleyNode } from '../../node/parley-node.js';
import { errorSchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };

export function registerSearchRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/search',
    {
      schema: {
        summary:
          'Entries of the channels I may read that hold every word of q (stemmed: other inflections match), newest first, with a highlighted snippet',
        tags: ['search'],
        querystring: searchQuerySchema,
        response: { 200: searchResultsSchema, ...errors },
      },
    },
    async (request) => searchEntries(node, authOf(request).principal, request.query),
  );
}
