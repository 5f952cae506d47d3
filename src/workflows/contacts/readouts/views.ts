/**
 * The readouts workflow's views, defined once (zod): the routes answer with them, the OpenAPI
 * document is generated from them, and the CLI and the web app use the types generated from it.
 */
import { z } from 'zod';
import { POINT_LABELS } from './alignment.js';
import { SUMMARY_STATUSES } from './summary-body.js';

const ENTRY_ID = /^[A-Z][A-Z0-9]{1,15}\/\d{1,15}$/;

export const alignmentQuery = z.strictObject({
  a: z.string().regex(ENTRY_ID, 'must name a readout as <party>/<seq>, e.g. RU/4'),
  b: z.string().regex(ENTRY_ID, 'must name a readout as <party>/<seq>, e.g. US/7'),
});

export const readoutListSchema = z
  .object({
    id: z.string(),
    hash: z.string(),
    party: z.string(),
    author: z.string(),
    at: z.string(),
    lang: z.string(),
    text: z.string(),
    /** The briefing it reads out, or null. */
    of: z.string().nullable(),
    /** Languages it has a translation into (not authoritative). */
    translations: z.array(z.string()),
  })
  .meta({ id: 'ReadoutEntry' });

const partSchema = z.object({ text: z.string(), mark: z.enum(['conflict', 'differs']).nullable() });

const sideSchema = z.object({
  readout: z.string(),
  party: z.string(),
  author: z.string(),
  /** The readout's own language. */
  lang: z.string(),
  /** The readout as written (authoritative). */
  text: z.string(),
  /** When the sentences compared are a translation's: which, and that it is not authoritative. */
  translation: z
    .object({
      id: z.string(),
      lang: z.string(),
      translator: z.string(),
      authoritative: z.literal(false),
    })
    .nullable(),
  sentences: z.array(z.object({ text: z.string(), start: z.number() })),
});

export const alignmentSchema = z
  .object({
    comparable: z.boolean(),
    a: sideSchema,
    b: sideSchema,
    points: z.array(
      z.object({
        label: z.enum(POINT_LABELS as [string, ...string[]]),
        a: z.number().nullable(),
        b: z.number().nullable(),
        similarity: z.number(),
        conflicts: z.array(z.object({ type: z.string(), a: z.array(z.string()), b: z.array(z.string()) })),
        aParts: z.array(partSchema).nullable(),
        bParts: z.array(partSchema).nullable(),
      }),
    ),
    counts: z.object({ same: z.number(), similar: z.number(), conflict: z.number(), 'one-side': z.number() }),
  })
  .meta({ id: 'ReadoutAlignment' });

const signatureSchema = z.object({ party: z.string(), by: z.string(), at: z.string(), id: z.string() });

export const summarySchema = z
  .object({
    summary: z.string(),
    /** Every point agreed by every party. */
    agreed: z.boolean(),
    points: z.array(
      z.object({
        point: z.string(),
        /** The newest version. */
        id: z.string(),
        hash: z.string(),
        status: z.enum(SUMMARY_STATUSES),
        party: z.string().nullable(),
        text: z.string(),
        rests: z.array(z.object({ readout: z.string(), party: z.string(), quote: z.string() })),
        proposedBy: z.object({ party: z.string(), by: z.string(), at: z.string() }),
        signatures: z.array(signatureSchema),
        waitingFor: z.array(z.string()),
        state: z.enum(['open', 'agreed']),
        /** Earlier versions, oldest first. */
        versions: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: 'JointSummary' });

export type ReadoutListView = z.infer<typeof readoutListSchema>;
export type AlignmentView = z.infer<typeof alignmentSchema>;
export type SummaryView = z.infer<typeof summarySchema>;
