/**
 * The kinds of plain traffic: `note` (signed by a person), `receipt` (read / understood, with an
 * optional read-back, DESIGN.md "Concepts") and `received` (the receiving node's signed proof of
 * delivery, DESIGN.md "Federation").
 */
import { z } from 'zod';
import { defineKind, type KindDefinition } from '../../core/kinds.js';
import { HEX_HASH, MAX_TEXT, PARTY_PATTERN } from '../../core/model.js';
import { referenced } from '../contacts/referenced.js';

const party = z.string().regex(PARTY_PATTERN, 'must be an upper-case party id such as RU');

const position = z.strictObject({
  party,
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  hash: z.string().regex(HEX_HASH, 'must be a SHA-256 hex hash'),
});

/** A node's signed statement that it durably holds another party's chain up to and including `of`. */
export const receivedBody = z.strictObject({
  of: position,
});

export const noteBody = z.strictObject({
  subject: z.string().min(1).max(300).optional(),
  text: z.string().min(1).max(MAX_TEXT),
  /** The public statement this note refers to (public-statements/kinds.ts). */
  refersTo: position.optional(),
});

export const RECEIPT_LEVELS = ['read', 'understood'] as const;

export const receiptBody = z.strictObject({
  of: position,
  level: z.enum(RECEIPT_LEVELS),
  /** The reader's restatement of the key terms, in their own words. */
  readBack: z.string().min(1).max(MAX_TEXT).optional(),
  /** For a notification with structured fields: each field as the reader understood it. */
  readBackFields: z
    .record(z.string().min(1).max(200), z.union([z.string().max(10_000), z.number().int(), z.boolean()]))
    .optional(),
});

export const receivedKind = defineKind({
  name: 'received',
  authoredBy: 'node',
  schema: receivedBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `received ${body.of.party} up to ${body.of.seq}`,
});

export const noteKind = defineKind({
  name: 'note',
  authoredBy: 'principal',
  schema: noteBody,
  expectsReceipt: true,
  ref: () => null,
  summary: (body) => body.subject ?? body.text.slice(0, 80),
  async check(context, body) {
    if (body.refersTo) await referenced(context, body.refersTo, 'public-statement', 'refersTo');
  },
});

export const receiptKind = defineKind({
  name: 'receipt',
  authoredBy: 'principal',
  schema: receiptBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) =>
    `${body.level} ${body.of.party}/${body.of.seq}${body.readBack ? ' (with read-back)' : ''}`,
});
/** The kinds of this workflow. */
export const entriesKinds: KindDefinition[] = [receivedKind, noteKind, receiptKind];
