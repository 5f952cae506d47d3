/**
 * Who may do what. Need-to-know: only principals of a channel's member offices read it; of
 * those, observers only read; administrators manage users, offices and channels but read no
 * channel unless they also belong to a member office.
 *
 * An office belongs to exactly one party: this node's offices are this node's party's, so a
 * local principal counts as a member only through the offices the charter lists for this
 * node's party (an office named `us-cia` created on RU's node is not the US office of that
 * name). Every node applies the same rule to what it receives and verifies: an entry by a
 * person counts only if the office published with the person's key (`principal-key`) is one
 * the charter in force lists for the author's party; a key may only be published for a member
 * or observer office of the publishing party.
 */
import { ParleyError } from './errors.js';
import type { Channel, Principal } from './model.js';

/** The parts of a charter that say which offices of which party belong to a channel. */
export type ChannelOffices = Pick<Channel, 'parties' | 'observers'>;

export function canManage(actor: Principal): boolean {
  return actor.role === 'admin' && !actor.disabled;
}

/** `party` is the actor's party: this node's (every local principal is this party's). */
export function canRead(actor: Principal, channel: ChannelOffices, party: string): boolean {
  if (actor.disabled || actor.office === null) return false;
  return (
    (channel.parties[party] ?? []).includes(actor.office) ||
    (channel.observers[party] ?? []).includes(actor.office)
  );
}

/** Writing needs a member office of the actor's party (not an observer office) and a role other than observer. */
export function canWrite(
  actor: Pick<Principal, 'disabled' | 'office' | 'role'>,
  channel: ChannelOffices,
  party: string,
): boolean {
  return (
    !actor.disabled &&
    actor.office !== null &&
    (channel.parties[party] ?? []).includes(actor.office) &&
    actor.role !== 'observer'
  );
}

/**
 * Why `party` may not publish a key for a person of `office` in a channel with these offices,
 * or null: the office must be a member or observer office of that same party.
 */
export function publicationOfficeProblem(
  channel: ChannelOffices,
  party: string,
  office: string | null,
): string | null {
  if (office === null) return `${party} publishes a key with no office`;
  if ((channel.parties[party] ?? []).includes(office)) return null;
  if ((channel.observers[party] ?? []).includes(office)) return null;
  return `office '${office}' is not an office of ${party} in the charter`;
}

/**
 * Why a person of `office` (as `party` published their key) may not write in a channel with
 * these offices, or null: the office must be a member office of that party (observers only read).
 */
export function authorOfficeProblem(
  channel: ChannelOffices,
  party: string,
  office: string | null,
): string | null {
  if (office !== null && (channel.parties[party] ?? []).includes(office)) return null;
  return `office '${office ?? '(none)'}' is not a member office of ${party} in the charter`;
}

/** Refuses anyone but an enabled administrator. */
export function requireAdmin(actor: Principal): void {
  if (!canManage(actor))
    throw new ParleyError('forbidden', 'only administrators manage users, offices and channels');
}
