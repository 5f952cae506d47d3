/**
 * Who counts as a party at a given moment. A party joins when its chain begins: the founder
 * with the charter, the others with their acceptance, a party added later with its acceptance
 * after the amendment. Whatever needs "every party" (an approval, an agreement, a briefing's
 * acceptance) needs the parties of the moment it was completed, so a party that joins later
 * neither undoes what was settled before it nor blocks anything before it has accepted.
 */
import { parseHlc } from './hlc.js';

/** Per party: the clock (HLC) of the first entry of its chain. */
export type Joined = Record<string, string>;

/** The parties that had joined by `hlc`; every party that has joined when `hlc` is omitted. */
export function partiesAt(joined: Joined, hlc?: string): string[] {
  return Object.keys(joined).filter((party) => hlc === undefined || joined[party]! <= hlc);
}

/** When each party joined, in milliseconds since the epoch (for deadlines and periods). */
export function joinedTimes(joined: Joined): Record<string, number> {
  return Object.fromEntries(Object.entries(joined).map(([party, hlc]) => [party, parseHlc(hlc)?.wall ?? 0]));
}
