/**
 * The joint summary folded from the log (pure): each point's newest version (the one no other
 * version revises; of two concurrent revisions the later by clock, then by id), its signatures,
 * and whether every party signed that exact version. The same rule is the kind check before a
 * version or a signature is signed (kinds.ts), so what a node signs is what every view applies;
 * what arrived regardless (written concurrently on two nodes) is listed in `refused` with the
 * reason, for the view and for the offline audit (audit/workflow-rules.ts).
 */
import type { LoggedEntry } from '../../../core/kinds.js';
import type { EntryRef } from '../../obligations/kinds.js';
import type { SummaryPointBody } from './summary-body.js';
import type { SummaryView } from './views.js';

export interface RefusedSummaryEntry {
  id: string;
  kind: string;
  party: string;
  reason: string;
}

export interface SummaryFold {
  summaries: SummaryView[];
  refused: RefusedSummaryEntry[];
}

export const byClock = (a: LoggedEntry, b: LoggedEntry) =>
  a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

const refId = (channel: string, of: EntryRef) => `${channel}/${of.party}/${of.seq}`;
const bodyOf = (v: LoggedEntry) => v.body as unknown as SummaryPointBody;

/** `<summary>/<point>`: what versions of one point share. */
export const pointKey = (body: { summary: string; point: string }) => `${body.summary}/${body.point}`;

/** The ids of the versions that a later version of the point revises. */
function revisedIds(channel: string, versions: readonly LoggedEntry[]): Set<string> {
  return new Set(
    versions.flatMap((v) => {
      const revises = bodyOf(v).revises;
      return revises ? [refId(channel, revises)] : [];
    }),
  );
}

/** The newest of one point's versions: the last by clock of those no other version revises. */
export function newestOf(channel: string, versions: readonly LoggedEntry[]): LoggedEntry | null {
  const revised = revisedIds(channel, versions);
  const sorted = [...versions].sort(byClock);
  return sorted.filter((v) => !revised.has(v.id)).at(-1) ?? sorted.at(-1) ?? null;
}

/**
 * Folds a channel's `summary-point` versions and `summary-sign` entries; `parties` are the
 * channel's parties whose chains have begun (each must sign).
 */
export function foldSummaries(
  channel: string,
  versions: readonly LoggedEntry[],
  signs: readonly LoggedEntry[],
  parties: readonly string[],
): SummaryFold {
  const refused: RefusedSummaryEntry[] = [];
  const refuse = (e: LoggedEntry, reason: string) =>
    refused.push({ id: e.id, kind: e.kind, party: e.party, reason });
  const groups = new Map<string, Map<string, LoggedEntry[]>>();
  for (const v of [...versions].sort(byClock)) {
    const body = bodyOf(v);
    const points = groups.get(body.summary) ?? new Map<string, LoggedEntry[]>();
    groups.set(body.summary, points);
    points.set(body.point, [...(points.get(body.point) ?? []), v]);
  }
  const versionById = new Map(versions.map((v) => [v.id, v]));
  const newestOfPoint = new Map<string, LoggedEntry>();
  for (const points of groups.values())
    for (const all of points.values()) {
      const newest = newestOf(channel, all)!;
      newestOfPoint.set(pointKey(bodyOf(newest)), newest);
      const revised = revisedIds(channel, all);
      for (const v of all)
        if (v !== newest && !revised.has(v.id))
          refuse(v, `a concurrent version of point ${pointKey(bodyOf(v))}; ${newest.id} stands`);
    }
  // The signatures that count: of the newest version, by its exact hash, one per party.
  const signed = new Map<string, LoggedEntry[]>();
  for (const s of [...signs].sort(byClock)) {
    const of = s.body.of as unknown as EntryRef;
    const target = refId(channel, of);
    const version = versionById.get(target);
    if (!version) {
      refuse(s, `of: ${target} is not a summary-point of this channel`);
      continue;
    }
    const newest = newestOfPoint.get(pointKey(bodyOf(version)))!;
    const list = signed.get(target) ?? [];
    if (version !== newest) refuse(s, `of: ${target} was revised; ${newest.id} is the newest version`);
    else if (of.hash !== version.hash) refuse(s, `of: signs another text than ${target} (its hash differs)`);
    else if (s.party === version.party)
      refuse(s, `of: ${s.party} proposed ${target}; proposing it was its signature`);
    else if (list.some((o) => o.party === s.party)) refuse(s, `of: ${s.party} has already signed ${target}`);
    else signed.set(target, [...list, s]);
  }
  const summaries = [...groups.entries()].map(([summary, points]) => {
    const list = [...points.entries()].map(([point, all]) => {
      const newest = newestOfPoint.get(`${summary}/${point}`)!;
      const body = bodyOf(newest);
      const signatures = [
        { party: newest.party, by: newest.author, at: newest.hlc, id: newest.id },
        ...(signed.get(newest.id) ?? []).map((s) => ({ party: s.party, by: s.author, at: s.hlc, id: s.id })),
      ];
      const waitingFor = parties.filter((p) => !signatures.some((s) => s.party === p));
      return {
        point,
        id: newest.id,
        hash: newest.hash,
        status: body.status,
        party: body.party ?? null,
        text: body.text,
        rests: body.rests.map((r) => ({
          readout: refId(channel, r.readout),
          party: r.readout.party,
          quote: r.quote,
        })),
        proposedBy: { party: newest.party, by: newest.author, at: newest.hlc },
        signatures,
        waitingFor,
        state: waitingFor.length === 0 ? ('agreed' as const) : ('open' as const),
        versions: all.filter((v) => v !== newest).map((v) => v.id),
      };
    });
    return { summary, agreed: list.every((p) => p.state === 'agreed'), points: list };
  });
  return { summaries, refused };
}
