/** Reading the directory: offices and people, never a password hash or a private key. */
import type { Office, Principal, Role } from '../../core/model.js';
import type { NodeContext } from '../context.js';

/** What clients see of a principal. */
export interface PrincipalView {
  id: string;
  office: string | null;
  role: Role;
  title: string;
  publicKey: string;
  disabled: boolean;
}

export function presentPrincipal(p: Principal): PrincipalView {
  return {
    id: p.id,
    office: p.office,
    role: p.role,
    title: p.title,
    publicKey: p.publicKey,
    disabled: p.disabled,
  };
}

export async function listOffices(node: NodeContext): Promise<Office[]> {
  return node.storage.listOffices();
}

export async function listPrincipals(node: NodeContext): Promise<PrincipalView[]> {
  return (await node.storage.listPrincipals()).map(presentPrincipal);
}
