/**
 * Who an escalation step tells (issue 15, "Escalation that reaches people"), from the directory,
 * the on-watch roster and each person's alternates, at a given time (a parameter, so tests run in
 * virtual time). Pure: no storage, no clock.
 *
 * - `overdue` (an item of ours the other party has not answered): the person who sent it;
 * - `duty-officers` (we owe an answer): whoever is on watch for the channel's offices now, by the
 *   roster; with nobody on watch, the offices' duty officers; with none, their heads;
 * - `head`: the offices' heads.
 * Each person named brings their alternates, in order, right after them. A disabled person is
 * not told, but their alternates are: that is what alternates are for. Nobody is named twice.
 */
import type { Principal } from '../../core/model.js';
import type { AlertPerson, WatchShift } from '../../storage/storage.js';

export interface Reach {
  principals: readonly Principal[];
  shifts: readonly WatchShift[];
  people: ReadonlyMap<string, AlertPerson>;
}

export type Step = 'overdue' | 'duty-officers' | 'head';

/** Who is on watch for any of `offices` at `now`, by start of their shift. */
export function onWatch(reach: Reach, offices: readonly string[], now: number): string[] {
  return [
    ...new Set(
      reach.shifts
        .filter((s) => offices.includes(s.office) && s.startsAt <= now && now < s.endsAt)
        .sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id))
        .map((s) => s.principal),
    ),
  ];
}

/** `ids` with each one's alternates after them; disabled and unknown people left out. */
export function withAlternates(reach: Reach, ids: readonly string[]): string[] {
  const byId = new Map(reach.principals.map((p) => [p.id, p]));
  const told: string[] = [];
  const add = (id: string) => {
    const person = byId.get(id);
    if (person && !person.disabled && !told.includes(id)) told.push(id);
  };
  for (const id of ids) {
    add(id);
    for (const alternate of reach.people.get(id)?.alternates ?? []) add(alternate);
  }
  return told;
}

/** Who one step tells; `author` is the sender of the item the step is about. */
export function stepTargets(
  reach: Reach,
  step: Step,
  context: { author: string; offices: readonly string[]; now: number },
): string[] {
  const inOffices = (role: string) =>
    reach.principals
      .filter(
        (p) => p.office !== null && context.offices.includes(p.office) && p.role === role && !p.disabled,
      )
      .map((p) => p.id);
  const first = (...lists: string[][]) => lists.find((list) => list.length > 0) ?? [];
  const watch = () => first(onWatch(reach, context.offices, context.now), inOffices('duty-officer'));
  switch (step) {
    case 'overdue':
      return withAlternates(
        reach,
        reach.principals.some((p) => p.id === context.author) ? [context.author] : watch(),
      );
    case 'duty-officers':
      return withAlternates(reach, first(watch(), inOffices('head')));
    case 'head':
      return withAlternates(reach, inOffices('head'));
  }
}
