/**
 * What a node answers about readouts: the channel's readouts, two of them aligned point by
 * point (alignment.ts, through a translation when their languages differ), and the joint
 * summaries with each point's signatures. Reads only; writing goes through the entries route so
 * the rules in kinds.ts apply. The fold of a summary is deterministic: every node reading the same
 * log finds the same points agreed.
 */
import { ParleyError } from '../../../core/errors.js';
import type { LoggedEntry } from '../../../core/kinds.js';
import { partiesAt } from '../../../core/membership.js';
import type { Principal } from '../../../storage/storage.js';
import { joinedAt, readableChannel } from '../../channels/queries.js';
import { type NodeContext } from '../../context.js';
import { kindContext } from '../../entries/kind-context.js';
import type { EntryRef } from '../../obligations/kinds.js';
import { alignReadouts } from './alignment.js';
import { byClock, foldSummaries } from './summary-fold.js';
import type { AlignmentView, ReadoutListView, SummaryView } from './views.js';

const refId = (channel: string, of: EntryRef) => `${channel}/${of.party}/${of.seq}`;

async function translationsOf(log: ReturnType<typeof kindContext>, readout: LoggedEntry) {
  return (await log.listByRef('translation', `${readout.party}/${readout.seq}`))
    .filter((t) => (t.body.of as unknown as EntryRef).hash === readout.hash)
    .sort(byClock);
}

/** The channel's readouts, oldest first, with the languages each is translated into. */
export async function listReadouts(
  node: NodeContext,
  actor: Principal,
  channelId: string,
): Promise<ReadoutListView[]> {
  const channel = await readableChannel(node, actor, channelId);
  const log = kindContext(node, actor, channel);
  const readouts = (await log.listByKind('readout')).sort(byClock);
  return Promise.all(
    readouts.map(async (r) => ({
      id: r.id,
      hash: r.hash,
      party: r.party,
      author: r.author,
      at: r.hlc,
      lang: r.lang,
      text: r.body.text as string,
      of: r.body.of ? refId(channel.id, r.body.of as unknown as EntryRef) : null,
      translations: [...new Set((await translationsOf(log, r)).map((t) => t.lang))],
    })),
  );
}

/**
 * Readouts `a` and `b` (`<party>/<seq>`) aligned. When their languages differ, the newest
 * translation of `b` into `a`'s language is compared (else of `a` into `b`'s); the side read
 * through it says so, and that it is not authoritative.
 */
export async function alignReadoutEntries(
  node: NodeContext,
  actor: Principal,
  channelId: string,
  a: string,
  b: string,
): Promise<AlignmentView> {
  const channel = await readableChannel(node, actor, channelId);
  const log = kindContext(node, actor, channel);
  if (a === b) throw new ParleyError('bad_request', `b: must be another readout than a (${a})`);
  const load = async (field: 'a' | 'b', id: string) => {
    const [party, seq] = id.split('/');
    const entry = await log.getEntry(party!, Number(seq));
    if (!entry)
      throw new ParleyError('entry_not_found', `${field}: entry ${channel.id}/${id} does not exist`);
    if (entry.kind !== 'readout')
      throw new ParleyError('ref_invalid', `${field}: ${entry.id} is a ${entry.kind}, not a readout`);
    return entry;
  };
  const [x, y] = [await load('a', a), await load('b', b)];
  let bridge: { of: 'a' | 'b'; entry: LoggedEntry } | null = null;
  if (x.lang !== y.lang) {
    const ofB = (await translationsOf(log, y)).filter((t) => t.lang === x.lang).at(-1);
    const ofA = ofB ? undefined : (await translationsOf(log, x)).filter((t) => t.lang === y.lang).at(-1);
    if (ofB) bridge = { of: 'b', entry: ofB };
    else if (ofA) bridge = { of: 'a', entry: ofA };
  }
  const result = alignReadouts(
    { text: x.body.text as string, lang: x.lang },
    { text: y.body.text as string, lang: y.lang },
    bridge
      ? { translation: { of: bridge.of, text: bridge.entry.body.text as string, lang: bridge.entry.lang } }
      : {},
  );
  const side = (which: 'a' | 'b', entry: LoggedEntry) => {
    const aligned = result[which];
    const translation = bridge?.of === which ? bridge.entry : null;
    const translator = translation?.body.translator as { type: string; tool?: string } | undefined;
    return {
      readout: entry.id,
      party: entry.party,
      author: entry.author,
      lang: entry.lang,
      text: entry.body.text as string,
      translation: translation
        ? {
            id: translation.id,
            lang: translation.lang,
            translator:
              translator?.type === 'machine'
                ? `machine: ${translator.tool}`
                : `person: ${translation.author}`,
            authoritative: false as const,
          }
        : null,
      sentences: aligned.sentences.map((s) => ({ text: s.text, start: s.start })),
    };
  };
  return {
    comparable: result.comparable,
    a: side('a', x),
    b: side('b', y),
    points: result.points,
    counts: result.counts,
  };
}

/**
 * The channel's joint summaries, point by point. A point's newest version is the one no other
 * version revises (two concurrent revisions: the later by clock, then by id); it is agreed when
 * every party of the channel signed that exact version, its proposer by proposing it.
 */
export async function listSummaries(
  node: NodeContext,
  actor: Principal,
  channelId: string,
): Promise<SummaryView[]> {
  const channel = await readableChannel(node, actor, channelId);
  const log = kindContext(node, actor, channel);
  const [versions, signs, joined] = await Promise.all([
    log.listByKind('summary-point'),
    log.listByKind('summary-sign'),
    joinedAt(node, channel),
  ]);
  return foldSummaries(channel.id, versions, signs, partiesAt(joined)).summaries;
}
