/**
 * The templates workflow's views, defined once (zod): the routes answer with them, the OpenAPI
 * document is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';

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
