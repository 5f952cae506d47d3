/**
 * `principal-key`: the node's signed publication of a person's public key to a channel, so that
 * every party can verify what that person signs (DESIGN.md "Concepts": Principal).
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

/** The kinds of this workflow. */
export const directoryKinds: KindDefinition[] = [principalKeyKind];
