/**
 * Logged entries for the unit tests of pure folds: what the log hands a fold, without keys, a
 * chain or storage. A test states the order of events by the minute it gives each entry, as a fold
 * orders by timestamp, not by how it was handed the entries. Not part of the build
 * (tsconfig.build.json leaves out test-support folders).
 */
import type { KindCheckContext, LoggedEntry } from '../kinds.js';

/** Makes the next entry of a test: who wrote it, its kind and body, and its minute after the start. */
export type MakeEntry = (
  party: string,
  kind: string,
  body: Record<string, unknown>,
  minute: number,
) => LoggedEntry;

/**
 * An entry maker for one test file. Entries are numbered from 1 in the order they are made (one
 * sequence for all parties, so every id differs), all carry the same placeholder hash, and each is
 * written by `<party in lower case>-<role>` at `start` plus its minute.
 */
export function loggedEntryMaker(options: { start: string; role: string }): MakeEntry {
  const start = Date.parse(options.start);
  let seq = 0;
  return (party, kind, body, minute) => {
    seq += 1;
    return {
      id: `c/${party}/${seq}`,
      party,
      seq,
      hash: 'h'.repeat(64),
      kind,
      author: `${party.toLowerCase()}-${options.role}`,
      precedence: 'ROUTINE',
      lang: 'en',
      hlc: `${new Date(start + minute * 60_000).toISOString()}/000000`,
      body: body as LoggedEntry['body'],
    };
  };
}

/** The reference a body gives to another entry (`of`, `to`, `revises`). */
export function refTo(entry: LoggedEntry): { party: string; seq: number; hash: string } {
  return { party: entry.party, seq: entry.seq, hash: entry.hash };
}

/**
 * What a kind rule reads, over a list of entries (the channel's log in storage order): for
 * testing a kind's `check` as the node would run it before signing, as `party`'s `actor`.
 */
export function checkContextOver(
  entries: readonly LoggedEntry[],
  channel: KindCheckContext['channel'],
  party: string,
): KindCheckContext {
  const refOf = (e: LoggedEntry) => {
    const of = (e.body.of ?? e.body.revises) as { party?: string; seq?: number } | undefined;
    return of ? `${of.party}/${of.seq}` : null;
  };
  return {
    channel,
    party,
    parties: async () => Object.keys(channel.parties),
    actor: { id: `${party.toLowerCase()}-head`, office: channel.parties[party]?.[0] ?? null, role: 'head' },
    getEntry: async (p, seq) => entries.find((e) => e.party === p && e.seq === seq) ?? null,
    listByRef: async (kind, ref) => entries.filter((e) => e.kind === kind && refOf(e) === ref),
    listByKind: async (kind) => entries.filter((e) => e.kind === kind),
  };
}
