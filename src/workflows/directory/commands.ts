/**
 * Offices and people of this node (DESIGN.md "Concepts": Office, Principal). Only administrators
 * change the directory. An office is this node's party's office. A person's signing key is made
 * here and published, signed by the node, in every channel where the charter lists the person's
 * office as a member office of this party and this party's chain has begun (a proposed channel
 * gets the keys with this party's acceptance), so that peers can verify what the person signs.
 *
 * A person exists with their key publications or not at all: the publications are built (and
 * their bodies checked) first, appended next, and the person is stored last. If the append fails,
 * nothing is stored; if storing fails after it, what is left is a published key whose private
 * half was never kept, which nobody can sign with. (Storing first would leave a person who could
 * log in and write entries every peer refuses, `author_key_unknown`.)
 *
 * The private half is stored sealed under the person's password (key-custody.ts).
 */
import { canonicalize } from '../../core/canonical-json.js';
import { ParleyError } from '../../core/errors.js';
import { generateKeyPair } from '../../core/keys.js';
import { ID_PATTERN, ROLES, type Channel, type Office, type Principal, type Role } from '../../core/model.js';
import { requireAdmin } from '../../core/policy.js';
import type { EntryDraft } from '../../node/appender.js';
import { chainBegun } from '../channels/commands.js';
import type { NodeContext } from '../context.js';
import { recordSecurityEvent } from '../audit-trail/record.js';
import { writeUnique } from '../unique.js';
import { keyPublication, publicationBody } from './key-publication.js';
import { hashPassword, passwordProblem } from './password.js';
import { sealPersonKey } from './key-custody.js';

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
  await recordSecurityEvent(node, { action: 'office_added', actor: actor.id, subject: office.id });
  return office;
}

export async function addPrincipal(
  node: NodeContext,
  actor: Principal,
  input: NewPrincipal,
): Promise<Principal> {
  requireAdmin(actor);
  const added = await addPrincipalUnchecked(node, input);
  await recordSecurityEvent(node, {
    action: 'user_added',
    actor: actor.id,
    subject: added.id,
    details: { role: added.role, office: added.office },
  });
  return added;
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
  // The key publication's body rules (e.g. the length of a title) hold for every person, with or
  // without channels today: a person whose key cannot be published blocks every later channel.
  const publication = publicationBody({ ...input, publicKey: keys.publicKey });
  const checked = node.kinds.checkBody('principal-key', publication);
  if (!checked.ok) throw new ParleyError('validation_failed', `user '${input.id}': ${checked.message}`);
  try {
    canonicalize(checked.body); // what a signed entry must be (e.g. no lone surrogate in a title)
  } catch (error) {
    throw new ParleyError('validation_failed', `user '${input.id}': ${(error as Error).message}`);
  }
  // The key is sealed under the person's password (key-custody.ts): the node cannot sign as
  // them alone. Both derivations run side by side in the hashing slots.
  const [passwordHash, sealedKey] = await Promise.all([
    hashPassword(input.password),
    sealPersonKey(keys.privateKey, input.password, input.id, keys.publicKey),
  ]);
  const principal: Principal = {
    id: input.id,
    office: input.office,
    role: input.role,
    title: input.title,
    passwordHash,
    publicKey: keys.publicKey,
    privateKey: sealedKey,
    createdAt: node.now(),
    disabled: false,
  };
  const drafts: EntryDraft[] = [];
  for (const channel of await publicationChannels(node, principal.office)) {
    drafts.push(keyPublication(node, channel, principal));
  }
  if (drafts.length > 0) await node.appender.append(drafts);
  await writeUnique(() => node.storage.addPrincipal(principal));
  return principal;
}

/**
 * The channels a person of `office` gets their key published in now: those whose charter lists
 * the office for this party (not an office of the same name of another party), where this
 * party's chain has begun.
 */
export async function publicationChannels(node: NodeContext, office: string | null): Promise<Channel[]> {
  if (office === null) return [];
  const result: Channel[] = [];
  for (const channel of await node.storage.listChannels()) {
    // As at creation and acceptance (localMembers): member offices; observers only read.
    if (
      (channel.parties[node.party] ?? []).includes(office) &&
      (await chainBegun(node, channel.id, node.party))
    )
      result.push(channel);
  }
  return result;
}
