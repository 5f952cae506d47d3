/**
 * What a node answers about language: the translations of one entry next to its authoritative
 * original (each checked against the agreed glossary), and the glossary itself (terms in force
 * and proposals waiting for parties). Reads only; writing goes through NodeContext.postEntry so
 * the kind rules in workflows/language/kinds.ts apply.
 */
import {
  checkGlossary,
  resolveGlossary,
  type GlossaryAgreement,
  type GlossaryProposal,
  type GlossaryState,
  type GlossaryWarning,
} from './glossary.js';
import { positionOf, type EntryPosition, type LoggedEntry } from '../../core/kinds.js';
import type { Channel, Principal } from '../../storage/storage.js';
import { ParleyError } from '../../core/errors.js';
import type { EntryRef } from '../obligations/kinds.js';
import { joinedAt, readableChannel } from '../channels/queries.js';
import { type NodeContext } from '../context.js';
import { kindContext } from '../entries/kind-context.js';

/** The original of a translated entry: the text that counts. */
export interface OriginalView extends EntryPosition {
  hlc: string;
  lang: string;
  text: string;
  authoritative: true;
}

export type Translator = { type: 'person' } | { type: 'machine'; tool: string };

/** One translation: never authoritative, always naming its original. */
export interface TranslationView {
  id: string;
  hash: string;
  of: EntryRef & { id: string };
  lang: string;
  text: string;
  translator: Translator;
  /** The person who signed it (for a machine translation, the person who submitted it). */
  author: string;
  party: string;
  hlc: string;
  authoritative: false;
  /** Agreed glossary terms the original uses that this translation does not render as agreed. */
  warnings: GlossaryWarning[];
}

export interface TranslationsView {
  original: OriginalView;
  translations: TranslationView[];
}

/** Which entry, signed by whom and when: what a glossary proposal or agreement records of it. */
function signedBy(
  entry: LoggedEntry,
): Pick<GlossaryAgreement, 'id' | 'party' | 'seq' | 'hash' | 'author' | 'hlc'> {
  const { id, party, seq, hash, author, hlc } = entry;
  return { id, party, seq, hash, author, hlc };
}

function proposalOf(entry: LoggedEntry): GlossaryProposal {
  const body = entry.body as { term: string; renderings: Record<string, string>; note?: string };
  return {
    ...signedBy(entry),
    term: body.term,
    renderings: body.renderings,
    ...(body.note !== undefined ? { note: body.note } : {}),
  };
}

function agreementOf(entry: LoggedEntry): GlossaryAgreement {
  return {
    ...signedBy(entry),
    of: entry.body.of as unknown as EntryRef,
  };
}

async function glossaryOf(node: NodeContext, actor: Principal, channel: Channel): Promise<GlossaryState> {
  const log = kindContext(node, actor, channel);
  const [proposals, agreements] = await Promise.all([
    log.listByKind('glossary-term'),
    log.listByKind('glossary-agree'),
  ]);
  return resolveGlossary(
    proposals.map(proposalOf),
    agreements.map(agreementOf),
    await joinedAt(node, channel),
  );
}

/** The channel's glossary: terms every party has agreed (the latest of each) and pending proposals. */
export async function channelGlossary(
  node: NodeContext,
  actor: Principal,
  channelId: string,
): Promise<GlossaryState> {
  const channel = await readableChannel(node, actor, channelId);
  return glossaryOf(node, actor, channel);
}

/**
 * The translations of one entry, in storage order, each with the warnings of the glossary in
 * force now, and the original they translate.
 */
export async function entryTranslations(
  node: NodeContext,
  actor: Principal,
  channelId: string,
  party: string,
  seq: number,
): Promise<TranslationsView> {
  const channel = await readableChannel(node, actor, channelId);
  const log = kindContext(node, actor, channel);
  const entry = await log.getEntry(party, seq);
  if (!entry) throw new ParleyError('entry_not_found', `entry ${channel.id}/${party}/${seq} does not exist`);
  if (entry.kind === 'translation' || typeof entry.body.text !== 'string') {
    throw new ParleyError(
      'ref_invalid',
      `${entry.id} (${entry.kind}) is not an original with text; ask for the translations of the entry it refers to`,
    );
  }
  const original: OriginalView = {
    ...positionOf(entry),
    hlc: entry.hlc,
    lang: entry.lang,
    text: entry.body.text,
    authoritative: true,
  };
  const { agreed } = await glossaryOf(node, actor, channel);
  const translations = (await log.listByRef('translation', `${party}/${seq}`))
    // Only translations of this exact original: a translation pinned to another hash is not one.
    .filter((t) => (t.body.of as unknown as EntryRef).hash === entry.hash)
    .map((t): TranslationView => {
      const text = t.body.text as string;
      return {
        id: t.id,
        hash: t.hash,
        of: { id: entry.id, party: entry.party, seq: entry.seq, hash: entry.hash },
        lang: t.lang,
        text,
        translator: t.body.translator as unknown as Translator,
        author: t.author,
        party: t.party,
        hlc: t.hlc,
        authoritative: false,
        warnings: checkGlossary(original, { lang: t.lang, text }, agreed),
      };
    });
  return { original, translations };
}
