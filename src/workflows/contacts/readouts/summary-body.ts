/**
 * The bodies of the joint summary's kinds (kinds.ts), apart so that the pure fold
 * (summary-fold.ts) and the views read them without the kinds' rules.
 */
import { z } from 'zod';
import { ID_PATTERN, PARTY_PATTERN } from '../../../core/model.js';
import { entryRef } from '../../obligations/kinds.js';

const id = z.string().regex(ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-"');

export const SUMMARY_STATUSES = ['agreed', 'disputed', 'unilateral'] as const;

export const summaryPointBody = z.strictObject({
  /** The summary this point belongs to, e.g. `call-2026-02-12`. */
  summary: id,
  /** The point's id within the summary; versions of one point share it. */
  point: id,
  /** Agreed by the parties, disputed between them, or one party's own position. */
  status: z.enum(SUMMARY_STATUSES),
  /** For a unilateral point: whose position it records. */
  party: z.string().regex(PARTY_PATTERN, 'must be an upper-case party id such as RU').optional(),
  text: z.string().trim().min(1).max(4000),
  /** The readout passages it rests on, each quoted exactly as the readout has it. */
  rests: z
    .array(z.strictObject({ readout: entryRef, quote: z.string().trim().min(1).max(4000) }))
    .min(1)
    .max(20),
  /** The version this one replaces (the newest of the point). */
  revises: entryRef.optional(),
});

export const summarySignBody = z.strictObject({ of: entryRef });

export type SummaryPointBody = z.infer<typeof summaryPointBody>;
