/**
 * Managing how people are reached: a person's e-mail address and alternates, an office's webhook
 * and its on-watch roster. Administrators manage every office; an office's heads manage their own
 * office and its people. Every change is recorded in the security audit trail (without the
 * webhook URL, which may carry a receiver's secret).
 */
import { randomBytes } from 'node:crypto';
import { ParleyError } from '../../core/errors.js';
import { canManage } from '../../core/policy.js';
import type { Principal } from '../../core/model.js';
import type { AlertOffice, AlertPerson, WatchShift } from '../../storage/storage.js';
import { recordSecurityEvent } from '../audit-trail/record.js';
import type { NodeContext } from '../context.js';
import { writeUnique } from '../unique.js';
import { MAX_ALTERNATES } from './views.js';

/** Refuses anyone but an administrator or a head of `office`. */
export function requireOfficeManager(actor: Principal, office: string): void {
  if (canManage(actor)) return;
  if (!actor.disabled && actor.role === 'head' && actor.office === office) return;
  throw new ParleyError(
    'forbidden',
    `only administrators and heads of office '${office}' manage its roster, alternates and webhook`,
  );
}

async function existingOffice(node: NodeContext, id: string): Promise<void> {
  if (!(await node.storage.getOffice(id)))
    throw new ParleyError('office_not_found', `office '${id}' does not exist`);
}

async function existingPrincipal(node: NodeContext, id: string, field: string): Promise<Principal> {
  const principal = await node.storage.getPrincipal(id);
  if (!principal) throw new ParleyError('principal_not_found', `${field}: user '${id}' does not exist`);
  return principal;
}

/** Sets a person's e-mail address and/or alternates (what is left out stays as it was). */
export async function setPersonAlerting(
  node: NodeContext,
  actor: Principal,
  user: string,
  change: { email?: string | null; alternates?: string[] },
): Promise<AlertPerson> {
  const person = await existingPrincipal(node, user, 'user');
  if (person.office === null) {
    if (!canManage(actor)) throw new ParleyError('forbidden', 'only administrators manage administrators');
  } else {
    requireOfficeManager(actor, person.office);
  }
  const alternates = change.alternates;
  if (alternates) {
    if (alternates.length > MAX_ALTERNATES)
      throw new ParleyError('validation_failed', `alternates: at most ${MAX_ALTERNATES}`);
    if (new Set(alternates).size !== alternates.length)
      throw new ParleyError('validation_failed', 'alternates: each person is listed once');
    if (alternates.includes(user))
      throw new ParleyError('validation_failed', `alternates: ${user} cannot be their own alternate`);
    for (const [i, id] of alternates.entries()) await existingPrincipal(node, id, `alternates.${i}`);
  }
  const current = await node.storage.getAlertPerson(user);
  const next: AlertPerson = {
    principal: user,
    email: change.email === undefined ? (current?.email ?? null) : change.email,
    alternates: alternates ?? current?.alternates ?? [],
    updatedAt: node.now(),
  };
  await node.storage.putAlertPerson(next);
  await recordSecurityEvent(node, {
    action: 'alerting_changed',
    actor: actor.id,
    subject: user,
    details: {
      ...(change.email !== undefined ? { email: change.email === null ? 'removed' : 'set' } : {}),
      ...(alternates ? { alternates: alternates.join(',') } : {}),
    },
  });
  return next;
}

/** Sets or removes an office's webhook. */
export async function setOfficeWebhook(
  node: NodeContext,
  actor: Principal,
  office: string,
  webhookUrl: string | null,
): Promise<AlertOffice> {
  requireOfficeManager(actor, office);
  await existingOffice(node, office);
  const next: AlertOffice = { office, webhookUrl, updatedAt: node.now() };
  await node.storage.putAlertOffice(next);
  await recordSecurityEvent(node, {
    action: 'alerting_changed',
    actor: actor.id,
    subject: office,
    details: { webhook: webhookUrl === null ? 'removed' : 'set' },
  });
  return next;
}

/** Puts a person of the office on watch from `from` until `until`. */
export async function addWatchShift(
  node: NodeContext,
  actor: Principal,
  office: string,
  input: { user: string; from: string; until: string },
): Promise<WatchShift> {
  requireOfficeManager(actor, office);
  await existingOffice(node, office);
  const person = await existingPrincipal(node, input.user, 'user');
  if (person.office !== office)
    throw new ParleyError('validation_failed', `user: ${input.user} is not of office '${office}'`);
  const shift: WatchShift = {
    id: randomBytes(8).toString('hex'),
    office,
    principal: input.user,
    startsAt: Date.parse(input.from),
    endsAt: Date.parse(input.until),
    createdBy: actor.id,
    createdAt: node.now(),
  };
  await writeUnique(() => node.storage.addWatchShift(shift));
  await recordSecurityEvent(node, {
    action: 'roster_changed',
    actor: actor.id,
    subject: office,
    details: { added: shift.id, user: shift.principal, from: input.from, until: input.until },
  });
  return shift;
}

export async function removeWatchShift(
  node: NodeContext,
  actor: Principal,
  office: string,
  id: string,
): Promise<void> {
  requireOfficeManager(actor, office);
  if (!(await node.storage.deleteWatchShift(office, id)))
    throw new ParleyError('not_found', `office '${office}' has no watch shift '${id}'`);
  await recordSecurityEvent(node, {
    action: 'roster_changed',
    actor: actor.id,
    subject: office,
    details: { removed: id },
  });
}
