/**
 * Merkle proofs of a chain as JSON, the same documents `parley prove` prints (docs/FORMAT.md,
 * "Proofs"): the RFC 9162 inclusion proof of an entry at its chain's latest signed checkpoint,
 * and the consistency proof between two sizes of a chain. Authorised like reading the channel's
 * entries: a channel the caller may not read is reported as missing.
 */
import { z } from 'zod';
import type { ParleyNode } from '../../node/parley-node.js';
import { proveChainConsistency, proveEntryInclusion } from '../../workflows/audit/node-audit.js';
import { channelParams, entryParams, errorSchema, partySchema } from '../schemas.js';
import { authOf, type TypedApp } from '../typed-app.js';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };
const size = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const inclusionSchema = z
  .object({
    entry: z.string(),
    channel: z.string(),
    party: z.string(),
    seq: z.number(),
    hash: z.string(),
    leafHash: z.string(),
    size: z.number(),
    rootHash: z.string(),
    proof: z.array(z.string()),
    checkpoint: z.string(),
  })
  .meta({ id: 'InclusionProof' });

const consistencySchema = z
  .object({
    channel: z.string(),
    party: z.string(),
    oldSize: z.number(),
    newSize: z.number(),
    oldRoot: z.string(),
    newRoot: z.string(),
    proof: z.array(z.string()),
    checkpoint: z.string().nullable(),
  })
  .meta({ id: 'ConsistencyProof' });

export function registerProofRoutes(app: TypedApp, node: ParleyNode): void {
  app.get(
    '/api/v1/channels/:channel/proofs/inclusion/:party/:seq',
    {
      schema: {
        summary: "Inclusion proof of an entry in its chain at the chain's latest signed checkpoint",
        tags: ['entries'],
        params: entryParams,
        response: { 200: inclusionSchema, ...errors },
      },
    },
    async (request) => {
      const { channel, party, seq } = request.params;
      return proveEntryInclusion(node, authOf(request).principal, channel, party, seq);
    },
  );

  app.get(
    '/api/v1/channels/:channel/proofs/consistency/:party',
    {
      schema: {
        summary: 'Consistency proof of a chain from `old` to `new` entries (RFC 9162)',
        tags: ['entries'],
        params: channelParams.extend({ party: partySchema }),
        querystring: z.strictObject({ old: size, new: size }),
        response: { 200: consistencySchema, ...errors },
      },
    },
    async (request) => {
      const { channel, party } = request.params;
      const { old: oldSize, new: newSize } = request.query;
      return proveChainConsistency(node, authOf(request).principal, channel, party, oldSize, newSize);
    },
  );
}
