/**
 * Who may do what. Need-to-know: only principals of a channel's member offices read it; of
 * those, observers only read; administrators manage users, offices and channels but read no
 * channel unless they also belong to a member office.
 */
import { ParleyError } from './errors.js';
import type { Channel, Principal } from './model.js';

export function canManage(actor: Principal): boolean {
  return actor.role === 'admin' && !actor.disabled;
}

export function canRead(actor: Principal, channel: Channel): boolean {
  if (actor.disabled || actor.office === null) return false;
  if (channel.offices.includes(actor.office)) return true;
  return Object.values(channel.observers).some((offices) => offices.includes(actor.office!));
}

/** Writing needs a member office (not an observer office) and a role other than observer. */
export function canWrite(actor: Principal, channel: Channel): boolean {
  return (
    !actor.disabled &&
    actor.office !== null &&
    channel.offices.includes(actor.office) &&
    actor.role !== 'observer'
  );
}

/** Refuses anyone but an enabled administrator. */
export function requireAdmin(actor: Principal): void {
  if (!canManage(actor))
    throw new ParleyError('forbidden', 'only administrators manage users, offices and channels');
}
