/** Zod schemas of the ids every workflow's views and inputs use (patterns in core/model.ts). */
import { z } from 'zod';
import { ID_PATTERN, LANGUAGE_PATTERN, PARTY_PATTERN } from '../core/model.js';

export const idSchema = z
  .string()
  .regex(ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-" (max 64)');
export const partySchema = z.string().regex(PARTY_PATTERN, 'must be an upper-case party id such as RU');
export const languageSchema = z
  .string()
  .regex(LANGUAGE_PATTERN, 'must be a BCP 47 language tag such as en or ru');

/** Where an entry sits and who wrote it (core/kinds.ts `EntryPosition`), as view fields. */
export const entryPositionFields = {
  id: z.string(),
  party: z.string(),
  seq: z.number(),
  hash: z.string(),
  kind: z.string(),
  author: z.string(),
};
