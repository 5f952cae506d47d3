/**
 * The kinds that found and change a channel (DESIGN.md "Concepts": Channel, Channel state):
 * `charter` and `charter-accept` (signed by the nodes), `channel-change` and
 * `channel-change-agree` (signed by heads of member offices).
 */
import { z } from 'zod';
import { defineKind, type KindDefinition } from '../../core/kinds.js';
import { BASE64_KEY, HEX_HASH, ID_PATTERN, LANGUAGE_PATTERN, PARTY_PATTERN } from '../../core/model.js';
import { objectivesSchema } from '../../core/objectives.js';

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

export const charterKind = defineKind({
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

export const channelChangeKind = defineKind({
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

export const channelChangeAgreeKind = defineKind({
  name: 'channel-change-agree',
  authoredBy: 'principal',
  schema: channelChangeAgreeBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `agrees to the change ${body.of.party}/${body.of.seq}`,
});

export const charterAcceptKind = defineKind({
  name: 'charter-accept',
  authoredBy: 'node',
  schema: charterAcceptBody,
  expectsReceipt: false,
  ref: (body) => `${body.charter.party}/0`,
  summary: (body) => `accepts the charter of ${body.charter.party}`,
});

/** The kinds of this workflow. */
export const channelsKinds: KindDefinition[] = [
  charterKind,
  channelChangeKind,
  channelChangeAgreeKind,
  charterAcceptKind,
];
