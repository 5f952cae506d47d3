/**
 * The kinds of the foundation: `charter` and `principal-key` (signed by the node), `note` and
 * `receipt` (signed by people). Importing this module registers them.
 */
import { z } from 'zod';
import { registerKind } from '../../core/kinds.js';
import { objectivesSchema } from '../../core/objectives.js';

export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const PARTY_PATTERN = /^[A-Z][A-Z0-9]{1,15}$/;
/** A pragmatic BCP 47 check: primary language subtag plus optional subtags. */
export const LANGUAGE_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;
const HEX_HASH = /^[0-9a-f]{64}$/;
export const MAX_TEXT = 100_000;

const id = z.string().regex(ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-"');
const party = z.string().regex(PARTY_PATTERN, 'must be an upper-case party id such as RU');
const language = z.string().regex(LANGUAGE_PATTERN, 'must be a BCP 47 language tag such as en or ru');

/** The first entry of the proposing party's chain: what every party is asked to accept. */
export const charterBody = z.strictObject({
  name: z.string().min(1).max(200),
  /** Member offices per party; every listed party must accept before the channel is active. */
  parties: z.record(party, z.array(id).min(1).max(64)),
  /** Offices admitted read-only, per party (e.g. an international organisation). */
  observers: z.record(party, z.array(id).min(1).max(64)),
  languages: z.array(language).min(1).max(16),
  nodeKey: z.string().regex(BASE64_KEY),
  /** Deadlines per precedence; DEFAULT_OBJECTIVES fill the gaps. */
  objectives: objectivesSchema.optional(),
});

/** The first entry of every other party's chain: its node's signed acceptance of one charter. */
export const charterAcceptBody = z.strictObject({
  charter: z.strictObject({ party, hash: z.string().regex(HEX_HASH, 'must be a SHA-256 hex hash') }),
  nodeKey: z.string().regex(BASE64_KEY),
});

/** A node's signed statement that it durably holds another party's chain up to and including `of`. */
export const receivedBody = z.strictObject({
  of: z.strictObject({
    party,
    seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    hash: z.string().regex(HEX_HASH, 'must be a SHA-256 hex hash'),
  }),
});

export const principalKeyBody = z.strictObject({
  principal: id,
  office: id.nullable(),
  role: z.enum(['admin', 'head', 'member', 'duty-officer', 'translator', 'observer']),
  title: z.string().max(200),
  publicKey: z.string().regex(BASE64_KEY),
});

export const noteBody = z.strictObject({
  subject: z.string().min(1).max(300).optional(),
  text: z.string().min(1).max(MAX_TEXT),
});

export const RECEIPT_LEVELS = ['read', 'understood'] as const;

export const receiptBody = z.strictObject({
  of: z.strictObject({
    party,
    seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    hash: z.string().regex(HEX_HASH, 'must be a SHA-256 hex hash'),
  }),
  level: z.enum(RECEIPT_LEVELS),
  /** The reader's restatement of the key terms, in their own words. */
  readBack: z.string().min(1).max(MAX_TEXT).optional(),
  /** For a notification with structured fields: each field as the reader understood it. */
  readBackFields: z
    .record(z.string().min(1).max(200), z.union([z.string().max(10_000), z.number().int(), z.boolean()]))
    .optional(),
});

registerKind({
  name: 'charter',
  authoredBy: 'node',
  schema: charterBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) => `charter: ${body.name}`,
});

/**
 * A proposed change of the channel: suspend or resume it, or amend its charter (languages,
 * deadlines). It takes effect once every other party agrees.
 */
export const channelChangeBody = z.discriminatedUnion('change', [
  z.strictObject({ change: z.literal('suspend'), reason: z.string().min(1).max(2000) }),
  z.strictObject({ change: z.literal('resume'), reason: z.string().min(1).max(2000) }),
  z.strictObject({
    change: z.literal('amend'),
    reason: z.string().min(1).max(2000),
    charter: z
      .strictObject({
        languages: z.array(language).min(1).max(16).optional(),
        objectives: objectivesSchema.optional(),
        /** The observer offices per party from now on (replaces the list). */
        observers: z.record(party, z.array(id).min(1).max(64)).optional(),
        /** Parties that join the channel as writers, with their member offices (added to the list). */
        parties: z.record(party, z.array(id).min(1).max(64)).optional(),
      })
      .refine(
        (c) =>
          c.languages !== undefined ||
          c.objectives !== undefined ||
          c.observers !== undefined ||
          c.parties !== undefined,
        'name what the amendment changes',
      ),
  }),
]);

/** One party's signed agreement to a proposed channel change. */
export const channelChangeAgreeBody = z.strictObject({
  of: z.strictObject({
    party,
    seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    hash: z.string().regex(HEX_HASH, 'must be a SHA-256 hex hash'),
  }),
});

registerKind({
  name: 'channel-change',
  authoredBy: 'principal',
  schema: channelChangeBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) =>
    body.change === 'amend'
      ? `proposes to amend the charter (${Object.keys(body.charter).join(', ')}): ${body.reason}`
      : `proposes to ${body.change} the channel: ${body.reason}`,
});

registerKind({
  name: 'channel-change-agree',
  authoredBy: 'principal',
  schema: channelChangeAgreeBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `agrees to the change ${body.of.party}/${body.of.seq}`,
});

registerKind({
  name: 'charter-accept',
  authoredBy: 'node',
  schema: charterAcceptBody,
  expectsReceipt: false,
  ref: (body) => `${body.charter.party}/0`,
  summary: (body) => `accepts the charter of ${body.charter.party}`,
});

registerKind({
  name: 'received',
  authoredBy: 'node',
  schema: receivedBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `received ${body.of.party} up to ${body.of.seq}`,
});

registerKind({
  name: 'principal-key',
  authoredBy: 'node',
  schema: principalKeyBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) => `key of ${body.principal} (${body.role})`,
});

registerKind({
  name: 'note',
  authoredBy: 'principal',
  schema: noteBody,
  expectsReceipt: true,
  ref: () => null,
  summary: (body) => body.subject ?? body.text.slice(0, 80),
});

registerKind({
  name: 'receipt',
  authoredBy: 'principal',
  schema: receiptBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) =>
    `${body.level} ${body.of.party}/${body.of.seq}${body.readBack ? ' (with read-back)' : ''}`,
});
