/**
 * The node-to-node wire format, defined once: zod schemas for every federation request and
 * answer (push, pull, heartbeat, identity) and the types inferred from them. The HTTP routes
 * validate with these schemas and publish them in the OpenAPI document; the replicator, the
 * receiver and the link monitor use the types. Limits here are the edge's first defence: a
 * batch that breaks one is refused before the receiver reads it.
 */
import { z } from 'zod';
import { ID_PATTERN, PARTY_PATTERN } from '../core/model.js';

/** Entries a push may carry, and entries a pull may ask for at once. */
export const MAX_BATCH_ENTRIES = 2000;
/** Entries of a channel that a proof of membership may need at most (charter, amendments, agreements, keys). */
export const MAX_INTRODUCTION_ENTRIES = 2000;

// The same patterns and messages as the API's own id and party schemas (http/schemas.ts).
const channelId = z.string().regex(ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-" (max 64)');
const party = z.string().regex(PARTY_PATTERN, 'must be an upper-case party id such as RU');

/** One signed entry as it travels: its place and its exact canonical bytes with the signature. */
export const wireEntrySchema = z.strictObject({
  channel: channelId,
  party,
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  canonical: z.string().min(2).max(300_000),
  sig: z.string().max(200),
});
export type WireEntry = z.infer<typeof wireEntrySchema>;

/** A node-signed checkpoint (C2SP signed note) of one chain, possibly with cosignatures. */
export const wireCheckpointSchema = z.strictObject({
  channel: channelId,
  party,
  note: z.string().max(20_000),
});
export type WireCheckpoint = z.infer<typeof wireCheckpointSchema>;

/** For a channel the receiver joined later: the signed entries that prove it was added. */
export const introductionSchema = z.strictObject({
  channel: channelId,
  entries: z.array(wireEntrySchema).max(MAX_INTRODUCTION_ENTRIES),
});
export type Introduction = z.infer<typeof introductionSchema>;

/** POST /federation/v1/entries: entries of the sender's own chains. */
export const pushRequestSchema = z.strictObject({
  entries: z.array(wireEntrySchema).max(MAX_BATCH_ENTRIES),
  checkpoints: z.array(wireCheckpointSchema).max(1000),
  /** For a channel the receiver joined later: the signed entries that prove it was added. */
  introductions: z.array(introductionSchema).max(100).optional(),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const pushResultSchema = z.object({
  /** Per channel: how many entries of the sender's chain this node now holds. */
  held: z.record(z.string(), z.number()),
  /** The sender's checkpoints this node verified against its copy and cosigned as a witness. */
  cosigned: z.array(z.object({ channel: z.string(), party: z.string(), note: z.string() })),
});
export type PushResult = z.infer<typeof pushResultSchema>;

/** GET /federation/v1/channels/:channel/chains/:party (backfill). */
export const chainPageParamsSchema = z.strictObject({ channel: channelId, party });
export const chainPageQuerySchema = z.strictObject({
  from: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_BATCH_ENTRIES).default(500),
});
export interface ChainPage {
  entries: WireEntry[];
  /** The serving node's latest checkpoint of its chain ('' or null when it has none). */
  checkpoint: string | null;
}

/** POST /federation/v1/heartbeat: a signed link test. */
export const heartbeatRequestSchema = z.strictObject({
  at: z.number().int().min(0),
  text: z.string().max(200),
});
export type HeartbeatRequest = z.infer<typeof heartbeatRequestSchema>;
export const heartbeatResponseSchema = z.object({ party: z.string(), at: z.number() });
export type HeartbeatResponse = z.infer<typeof heartbeatResponseSchema>;

/** GET /federation/v1/identity: what a peer compares with the fingerprint given out of band. */
export const identityResponseSchema = z.object({
  party: z.string(),
  partyName: z.string(),
  nodePublicKey: z.string(),
  fingerprint: z.string(),
});
export type Identity = z.infer<typeof identityResponseSchema>;

export const FEDERATION_PATHS = {
  identity: '/federation/v1/identity',
  entries: '/federation/v1/entries',
  heartbeat: '/federation/v1/heartbeat',
  nodeKeyRotation: '/federation/v1/node-key-rotation',
  chain: (channel: string, party: string, from: number, limit: number): string =>
    `/federation/v1/channels/${encodeURIComponent(channel)}/chains/${encodeURIComponent(party)}?from=${from}&limit=${limit}`,
} as const;

/**
 * POST /federation/v1/node-key-rotation: the sender's node key rotations, oldest first, from the
 * key its peers pinned to its current one (node/node-key-rotation.ts). Needs no request
 * signature: each statement is signed by the key it replaces.
 */
export const nodeKeyRotationRequestSchema = z.strictObject({
  party: z.string().regex(PARTY_PATTERN),
  rotations: z
    .array(
      z.strictObject({
        party: z.string().max(16),
        previousKey: z.string().length(44),
        newKey: z.string().length(44),
        at: z.number().int().min(0),
        previousSignature: z.string().length(88),
        newSignature: z.string().length(88),
      }),
    )
    .min(1)
    .max(16),
});
export type NodeKeyRotationRequest = z.infer<typeof nodeKeyRotationRequestSchema>;
