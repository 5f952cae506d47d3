/** Reading the directory: offices and people, never a password hash or a private key. */
import type { z } from 'zod';
import type { Office, Principal } from '../../core/model.js';
import type { NodeContext } from '../context.js';
import { REVOKED_KEY } from './key-custody.js';
import type { principalSchema } from './views.js';

/** What clients see of a principal (views.ts). */
export type PrincipalView = z.infer<typeof principalSchema>;

export function presentPrincipal(p: Principal): PrincipalView {
  return {
    id: p.id,
    office: p.office,
    role: p.role,
    title: p.title,
    publicKey: p.publicKey,
    keyRevoked: p.privateKey === REVOKED_KEY,
    disabled: p.disabled,
  };
}

export async function listOffices(node: NodeContext): Promise<Office[]> {
  return node.storage.listOffices();
}

export async function listPrincipals(node: NodeContext): Promise<PrincipalView[]> {
  return (await node.storage.listPrincipals()).map(presentPrincipal);
}
