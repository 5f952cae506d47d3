/**
 * Offices and people of this node (DESIGN.md "Concepts": Office, Principal). Only administrators
 * change the directory. A person's signing key is made here and published, signed by the node,
 * in every channel of the person's office so that peers can verify what the person signs.
 */
import { ParleyError } from '../../core/errors.js';
import { generateKeyPair } from '../../core/keys.js';
import { ID_PATTERN, ROLES, type Office, type Principal, type Role } from '../../core/model.js';
import { requireAdmin } from '../../core/policy.js';
import type { NodeContext } from '../context.js';
import { writeUnique } from '../unique.js';
import { keyPublication } from './key-publication.js';
import { hashPassword, passwordProblem } from './password.js';

export interface NewPrincipal {
  id: string;
  office: string | null;
  role: Role;
  title: string;
  password: string;
}

export async function addOffice(node: NodeContext, actor: Principal, office: Office): Promise<Office> {
  requireAdmin(actor);
  if (!ID_PATTERN.test(office.id))
    throw new ParleyError('validation_failed', `office id '${office.id}' is not valid`);
  if (office.name.trim() === '') throw new ParleyError('validation_failed', 'office name must not be empty');
  await writeUnique(() => node.storage.addOffice(office));
  return office;
}

export async function addPrincipal(
  node: NodeContext,
  actor: Principal,
  input: NewPrincipal,
): Promise<Principal> {
  requireAdmin(actor);
  return addPrincipalUnchecked(node, input);
}

/** Adds a person without an acting administrator: only for the first administrator of a node. */
export async function addPrincipalUnchecked(node: NodeContext, input: NewPrincipal): Promise<Principal> {
  if (!ID_PATTERN.test(input.id))
    throw new ParleyError('validation_failed', `user id '${input.id}' is not valid`);
  if (!ROLES.includes(input.role))
    throw new ParleyError('validation_failed', `role '${input.role}' is not one of ${ROLES.join(', ')}`);
  if (input.role !== 'admin' && input.office === null) {
    throw new ParleyError('validation_failed', `a ${input.role} must belong to an office`);
  }
  if (input.office !== null && !(await node.storage.getOffice(input.office))) {
    throw new ParleyError('office_not_found', `office '${input.office}' does not exist`);
  }
  const weak = passwordProblem(input.password);
  if (weak) throw new ParleyError('password_too_weak', weak);
  if (await node.storage.getPrincipal(input.id)) {
    throw new ParleyError('already_exists', `user '${input.id}' already exists`);
  }
  const keys = generateKeyPair();
  const principal: Principal = {
    id: input.id,
    office: input.office,
    role: input.role,
    title: input.title,
    passwordHash: await hashPassword(input.password),
    publicKey: keys.publicKey,
    privateKey: keys.privateKey,
    createdAt: node.now(),
    disabled: false,
  };
  await writeUnique(() => node.storage.addPrincipal(principal));
  // Publish the new key in every channel of the principal's office, so peers can verify it.
  if (principal.office !== null) {
    const channels = (await node.storage.listChannels()).filter((c) => c.offices.includes(principal.office!));
    if (channels.length > 0) {
      await node.appender.append(channels.map((c) => keyPublication(node, c, principal)));
    }
  }
  return principal;
}
