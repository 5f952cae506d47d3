/**
 * `principal-key`: the node's signed publication of a person's public key to a channel, so that
 * every party can verify what that person signs (DESIGN.md "Concepts": Principal).
 * `principal-key-revoke`: the node's signed revocation of one: entries signed with the key before
 * it in the chain stay valid, every node refuses later ones (core/verify-chain.ts, `key_revoked`).
 */
import { z } from 'zod';
import { defineKind, type KindDefinition } from '../../core/kinds.js';
import { BASE64_KEY, ID_PATTERN } from '../../core/model.js';

const id = z.string().regex(ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-"');

export const principalKeyBody = z.strictObject({
  principal: id,
  office: id.nullable(),
  role: z.enum(['admin', 'head', 'member', 'duty-officer', 'translator', 'observer']),
  title: z.string().max(200),
  publicKey: z.string().regex(BASE64_KEY),
});

export const principalKeyKind = defineKind({
  name: 'principal-key',
  authoredBy: 'node',
  schema: principalKeyBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) => `key of ${body.principal} (${body.role})`,
});

export const principalKeyRevokeBody = z.strictObject({
  principal: id,
  publicKey: z.string().regex(BASE64_KEY),
  /** Why, in words every party reads: "rotated", "reset by admin", "device lost"… */
  reason: z.string().min(1).max(200),
  /** The key published in its place in the same append, or null when there is none yet. */
  replacedBy: z.string().regex(BASE64_KEY).nullable(),
});

export const principalKeyRevokeKind = defineKind({
  name: 'principal-key-revoke',
  authoredBy: 'node',
  schema: principalKeyRevokeBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) => `key of ${body.principal} revoked (${body.reason})`,
});

/** The kinds of this workflow. */
export const directoryKinds: KindDefinition[] = [principalKeyKind, principalKeyRevokeKind];
