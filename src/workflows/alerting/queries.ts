/**
 * Reading alerting: a person's and an office's settings, an office's roster with who is on watch
 * now, the outbox of deliveries, and what the scheduler needs to decide whom a step tells.
 */
import { ParleyError } from '../../core/errors.js';
import { canManage } from '../../core/policy.js';
import type { Principal } from '../../core/model.js';
import type { AlertDelivery, WatchShift } from '../../storage/storage.js';
import type { NodeContext } from '../context.js';
import { requireOfficeManager } from './commands.js';
import { onWatch, withAlternates, type Reach } from './recipients.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Everything that decides whom a step tells, read once per scheduler pass. */
export async function loadReach(node: NodeContext): Promise<Reach> {
  const [principals, shifts, people] = await Promise.all([
    node.storage.listPrincipals(),
    node.storage.listWatchShifts(null),
    node.storage.listAlertPeople(),
  ]);
  return { principals, shifts, people: new Map(people.map((p) => [p.principal, p])) };
}

export async function getPersonAlerting(
  node: NodeContext,
  actor: Principal,
  user: string,
): Promise<{ user: string; email: string | null; alternates: string[] }> {
  const person = await node.storage.getPrincipal(user);
  if (!person) throw new ParleyError('principal_not_found', `user '${user}' does not exist`);
  if (actor.id !== user) {
    if (person.office === null) {
      if (!canManage(actor)) throw new ParleyError('forbidden', 'only administrators read this');
    } else requireOfficeManager(actor, person.office);
  }
  const stored = await node.storage.getAlertPerson(user);
  return { user, email: stored?.email ?? null, alternates: stored?.alternates ?? [] };
}

export async function getOfficeAlerting(
  node: NodeContext,
  actor: Principal,
  office: string,
): Promise<{ office: string; webhookUrl: string | null }> {
  requireOfficeManager(actor, office);
  if (!(await node.storage.getOffice(office)))
    throw new ParleyError('office_not_found', `office '${office}' does not exist`);
  return { office, webhookUrl: (await node.storage.getAlertOffice(office))?.webhookUrl ?? null };
}

export function presentShift(shift: WatchShift, now: number) {
  return {
    id: shift.id,
    office: shift.office,
    user: shift.principal,
    from: iso(shift.startsAt),
    until: iso(shift.endsAt),
    onWatch: shift.startsAt <= now && now < shift.endsAt,
    createdBy: shift.createdBy,
  };
}

/** An office's roster (shifts not yet over) and who is told now: on watch, with alternates. */
export async function getRoster(node: NodeContext, actor: Principal, office: string) {
  if (!canManage(actor) && actor.office !== office)
    throw new ParleyError(
      'forbidden',
      `only administrators and people of office '${office}' read its roster`,
    );
  if (!(await node.storage.getOffice(office)))
    throw new ParleyError('office_not_found', `office '${office}' does not exist`);
  const now = node.now();
  const reach = await loadReach(node);
  const shifts = reach.shifts.filter((s) => s.office === office && s.endsAt > now);
  return {
    office,
    onWatch: withAlternates(reach, onWatch(reach, [office], now)),
    shifts: shifts.map((s) => presentShift(s, now)),
  };
}

export function presentDelivery(d: AlertDelivery) {
  return {
    id: d.id,
    entry: `${d.channel}/${d.party}/${d.seq}`,
    transport: d.transport,
    target: d.target,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.state === 'pending' ? iso(d.nextAttemptAt) : null,
    lastError: d.lastError,
    createdAt: iso(d.createdAt),
    sentAt: d.sentAt === null ? null : iso(d.sentAt),
  };
}

/** The outbox, newest first (administrators). */
export async function listDeliveries(node: NodeContext, actor: Principal, limit = 100) {
  if (!canManage(actor)) throw new ParleyError('forbidden', 'only administrators read the alert outbox');
  return (await node.storage.listDeliveries(limit)).map(presentDelivery);
}

/** The outbox by transport and state (for /metrics). */
export async function deliveryCounts(node: NodeContext) {
  return node.storage.countDeliveries();
}
