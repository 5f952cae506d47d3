/**
 * Commitments to a cadence of contact, folded from the log, pure: who they bind and since when.
 *
 * A commitment names its owners, people of one or more parties. It binds a party only once that
 * party has accepted it: the proposer's party by the proposal itself (its head signed it), every
 * other owner's party by a `commitment-accept` signed by its head or one of its owners; until
 * then it is shown as proposed. Owners must be people of a member party, as the key publications
 * (`principal-key`) that every node holds say; a commitment naming anyone else binds nobody.
 * Like the other folds, an entry the rules do not allow (signed concurrently on another node) is
 * listed in `refused`, not hidden, and `acceptRefusal` is also the kind check before signing.
 */
import type { KindRuleError, LoggedEntry } from '../../core/kinds.js';
import { timeOf } from '../obligations/fold.js';

/** A person as the channel's key publications describe them. */
export interface Person {
  principal: string;
  party: string;
  office: string | null;
  role: string;
}

export interface CommitmentTerms {
  id: string;
  party: string;
  by: string;
  at: string;
  commitment: string;
  what: 'briefing' | 'contact';
  every: string;
  from: string;
  source: string | null;
  /** The contact order it arises from (`<channel>/<party>/<seq>`), if any. */
  order: string | null;
  owners: Array<{ principal: string; party: string | null }>;
  /** The parties of its owners: the parties it asks to bind. */
  parties: string[];
  /** Per party, when it became bound (ms); absent until it accepts. */
  bound: Record<string, number>;
  accepted: Array<{ party: string; id: string; by: string; at: string }>;
  awaiting: string[];
  state: 'proposed' | 'binding' | 'refused';
  /** Why the commitment itself binds nobody (state `refused`). */
  problem: string | null;
  /** Acceptances the rules did not allow, with why. */
  refused: Array<{ id: string; kind: string; party: string; reason: string }>;
}

export interface Refusal {
  code: KindRuleError['code'];
  message: string;
}

/** The people of the channel's member parties, by principal, from its key publications. */
export function peopleOf(
  publications: readonly LoggedEntry[],
  parties: Record<string, readonly string[]>,
): Map<string, Person[]> {
  const latest = new Map<string, Person>();
  for (const entry of publications) {
    const body = entry.body as { principal: string; office: string | null; role: string };
    const offices = parties[entry.party];
    if (!offices || body.office === null || !offices.includes(body.office)) continue;
    latest.set(`${entry.party}\u0000${body.principal}`, {
      principal: body.principal,
      party: entry.party,
      office: body.office,
      role: body.role,
    });
  }
  const people = new Map<string, Person[]>();
  for (const person of latest.values())
    people.set(person.principal, [...(people.get(person.principal) ?? []), person]);
  return people;
}

/** Why owners cannot own a commitment, or null: each must be one person of a member party. */
export function ownersProblem(owners: readonly string[], people: Map<string, Person[]>): string | null {
  for (const owner of owners) {
    const found = people.get(owner) ?? [];
    if (found.length === 0)
      return `owners: '${owner}' is not a person of any party in this channel (no key of theirs is published here with a member office)`;
    if (found.length > 1)
      return `owners: '${owner}' names people of ${found.map((p) => p.party).join(' and ')}; owners must be unambiguous`;
    if (found[0]!.role === 'observer')
      return `owners: '${owner}' is an observer of ${found[0]!.party}, who cannot be answerable for keeping contact`;
  }
  return null;
}

/** Why the commitment `entry` may not be made, given the commitments before it, or null. */
export function proposalRefusal(
  entry: { party: string; author: string; body: { commitment: string; owners: string[] } },
  earlier: readonly CommitmentTerms[],
  people: Map<string, Person[]>,
): Refusal | null {
  const author = (people.get(entry.author) ?? []).find((p) => p.party === entry.party);
  if (!author || author.role !== 'head')
    return { code: 'forbidden', message: 'only the head of a member office proposes a commitment' };
  const same = earlier.find((c) => c.commitment === entry.body.commitment && c.state !== 'refused');
  if (same)
    return {
      code: 'already_exists',
      message: `commitment: '${entry.body.commitment}' already exists in this channel (${same.id}); its terms are not changed by another proposal`,
    };
  const problem = ownersProblem(entry.body.owners, people);
  return problem ? { code: 'body_invalid', message: problem } : null;
}

/** Why `party`'s person `author` may not accept `terms`, or null. */
export function acceptRefusal(
  terms: CommitmentTerms,
  party: string,
  author: string,
  people: Map<string, Person[]>,
): Refusal | null {
  if (terms.state === 'refused')
    return { code: 'state_conflict', message: `the commitment ${terms.id} binds nobody: ${terms.problem!}` };
  if (!terms.parties.includes(party))
    return {
      code: 'forbidden',
      message: `of: ${terms.id} names no owner of ${party} (owners: ${terms.owners.map((o) => o.principal).join(', ')}): there is nothing for ${party} to accept`,
    };
  if (terms.bound[party] !== undefined)
    return { code: 'already_exists', message: `${party} has already accepted ${terms.id}` };
  const person = (people.get(author) ?? []).find((p) => p.party === party);
  const owner = terms.owners.some((o) => o.principal === author && o.party === party);
  if (!person || (person.role !== 'head' && !owner))
    return {
      code: 'forbidden',
      message: `only the head of a member office of ${party}, or an owner of ${party}, accepts ${terms.id}`,
    };
  return null;
}

const byClock = (a: LoggedEntry, b: LoggedEntry) =>
  a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** The terms of one commitment as proposed, before any acceptance. */
function proposed(
  entry: LoggedEntry,
  people: Map<string, Person[]>,
  problem: string | null,
): CommitmentTerms {
  const body = entry.body as {
    commitment: string;
    what: 'briefing' | 'contact';
    every: string;
    owners: string[];
    source?: string;
    from: string;
    order?: { party: string; seq: number };
  };
  const owners = body.owners.map((principal) => {
    const found = people.get(principal) ?? [];
    return { principal, party: found.length === 1 ? found[0]!.party : null };
  });
  const parties = [...new Set(owners.flatMap((o) => (o.party ? [o.party] : [])))].sort();
  const terms: CommitmentTerms = {
    id: entry.id,
    party: entry.party,
    by: entry.author,
    at: entry.hlc,
    commitment: body.commitment,
    what: body.what,
    every: body.every,
    from: body.from,
    source: body.source ?? null,
    order: body.order
      ? `${entry.id.split('/').slice(0, -2).join('/')}/${body.order.party}/${body.order.seq}`
      : null,
    owners,
    parties,
    bound: {},
    accepted: [],
    awaiting: problem ? [] : [...parties],
    state: problem ? 'refused' : 'proposed',
    problem,
    refused: [],
  };
  if (!problem && parties.includes(entry.party)) bind(terms, entry.party, entry);
  return terms;
}

function bind(terms: CommitmentTerms, party: string, entry: LoggedEntry): void {
  terms.bound[party] = timeOf(entry);
  terms.accepted.push({ party, id: entry.id, by: entry.author, at: entry.hlc });
  terms.awaiting = terms.awaiting.filter((p) => p !== party);
  terms.state = terms.awaiting.length === 0 ? 'binding' : 'proposed';
}

/**
 * Folds a channel's commitments and acceptances, in timestamp order. `publications` are its
 * `principal-key` entries, `parties` its member parties with their offices.
 */
export function foldCommitments(
  commitments: readonly LoggedEntry[],
  accepts: readonly LoggedEntry[],
  publications: readonly LoggedEntry[],
  parties: Record<string, readonly string[]>,
): CommitmentTerms[] {
  const people = peopleOf(publications, parties);
  const out: CommitmentTerms[] = [];
  for (const entry of [...commitments].sort(byClock)) {
    const refused = proposalRefusal(
      entry as LoggedEntry & { body: { commitment: string; owners: string[] } },
      out,
      people,
    );
    out.push(proposed(entry, people, refused?.message ?? null));
  }
  const byId = new Map(out.map((t) => [t.id, t]));
  for (const entry of [...accepts].sort(byClock)) {
    const of = entry.body.of as { party: string; seq: number; hash: string };
    const channel = entry.id.split('/').slice(0, -2).join('/');
    const terms = byId.get(`${channel}/${of.party}/${of.seq}`);
    if (!terms) continue;
    const original = commitments.find((c) => c.id === terms.id)!;
    const refused =
      original.hash !== of.hash
        ? { code: 'ref_invalid', message: `of: names another hash than ${terms.id}'s` }
        : acceptRefusal(terms, entry.party, entry.author, people);
    if (refused) {
      terms.refused.push({ id: entry.id, kind: entry.kind, party: entry.party, reason: refused.message });
      continue;
    }
    bind(terms, entry.party, entry);
  }
  return out;
}

/**
 * Every commitment entry of a channel without effect, with the fold's reason, for the offline
 * audit (audit/workflow-rules.ts): commitments that bind nobody and acceptances not allowed.
 */
export function refusedCommitmentEntries(
  entries: readonly LoggedEntry[],
  parties: Record<string, readonly string[]>,
): CommitmentTerms['refused'] {
  const of = (kind: string) => entries.filter((e) => e.kind === kind);
  const folded = foldCommitments(of('commitment'), of('commitment-accept'), of('principal-key'), parties);
  return folded.flatMap((terms) => [
    ...(terms.state === 'refused'
      ? [
          {
            id: terms.id,
            kind: 'commitment',
            party: terms.party,
            reason: `it binds nobody: ${terms.problem!}`,
          },
        ]
      : []),
    ...terms.refused,
  ]);
}
