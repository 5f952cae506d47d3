/**
 * The invitations workflow's views, defined once (zod): the routes answer with them, the OpenAPI
 * document is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';

const windowSchema = z.object({ from: z.string(), to: z.string() });

const termsSchema = z.object({
  id: z.string(),
  party: z.string(),
  by: z.string(),
  at: z.string(),
  where: z.string(),
  window: windowSchema,
  respondBy: z.string(),
  note: z.string().nullable(),
});

export const invitationSchema = z
  .object({
    id: z.string(),
    party: z.string(),
    by: z.string(),
    at: z.string(),
    type: z.enum(['visit', 'meeting']),
    what: z.string(),
    text: z.string().nullable(),
    current: termsSchema,
    proposals: z.array(termsSchema),
    answers: z.array(
      z.object({
        id: z.string(),
        party: z.string(),
        by: z.string(),
        at: z.string(),
        to: z.string(),
        answer: z.enum(['accept', 'decline']),
        note: z.string().nullable(),
      }),
    ),
    state: z.enum(['open', 'accepted', 'declined', 'withdrawn']),
    awaiting: z.array(z.string()),
    withdrawn: z
      .object({ id: z.string(), by: z.string(), at: z.string(), reason: z.string().nullable() })
      .nullable(),
    refused: z.array(z.object({ id: z.string(), kind: z.string(), party: z.string(), reason: z.string() })),
    /** When the current terms' answer is due (a bare date runs to the end of its day). */
    deadline: z.string(),
    overdue: z.boolean(),
  })
  .meta({ id: 'Invitation' });
