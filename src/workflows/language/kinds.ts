/**
 * Kinds for language: `translation` (a non-authoritative rendering of one entry's text, signed by
 * the person who submits it, with its provenance: a person or a named machine tool) and the
 * glossary of agreed terms, `glossary-term` (one party's proposal) and `glossary-agree` (each
 * other party's signed agreement to that exact proposal). Importing this module registers them.
 */
import { z } from 'zod';
import { ID_PATTERN, LANGUAGE_PATTERN, MAX_TEXT } from '../../core/model.js';
import { KindRuleError, defineKind } from '../../core/kinds.js';
import type { KindCheckContext, KindDefinition, LoggedEntry } from '../../core/kinds.js';
import { entryRef } from '../obligations/kinds.js';

/** Who produced the text: a person, or a machine tool named with its version. */
export const translatorSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('person') }),
  z.strictObject({
    type: z.literal('machine'),
    /** Name and version of the tool, e.g. `opus-mt-ru-en 2024-03`. */
    tool: z.string().trim().min(1).max(200),
  }),
]);

export const translationBody = z.strictObject({
  of: entryRef,
  text: z.string().min(1).max(MAX_TEXT),
  translator: translatorSchema,
  /**
   * Always false, and signed: every copy and view of a translation (raw entries, exports, the
   * other parties' replicas) says it is not authoritative. Clients may leave it out.
   */
  authoritative: z.literal(false).default(false),
});

export const glossaryTermBody = z.strictObject({
  /** Stable id of the term; a later agreed proposal with the same id supersedes the earlier. */
  term: z.string().regex(ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-"'),
  /** The agreed rendering per language; must cover every language of the channel. */
  renderings: z.record(
    z.string().regex(LANGUAGE_PATTERN, 'must be a BCP 47 language tag such as en or ru'),
    z.string().trim().min(1).max(200),
  ),
  note: z.string().min(1).max(2000).optional(),
});

export const glossaryAgreeBody = z.strictObject({ of: entryRef });

export type TranslationBody = z.infer<typeof translationBody>;
export type GlossaryTermBody = z.infer<typeof glossaryTermBody>;

const TRANSLATING_ROLES = ['translator', 'member', 'duty-officer', 'head'];
const GLOSSARY_ROLES = ['head', 'translator'];

async function referencedEntry(
  context: KindCheckContext,
  of: { party: string; seq: number; hash: string },
): Promise<LoggedEntry> {
  const target = await context.getEntry(of.party, of.seq);
  const id = `${context.channel.id}/${of.party}/${of.seq}`;
  if (!target) throw new KindRuleError('entry_not_found', `entry ${id} does not exist in this channel`);
  if (target.hash !== of.hash) {
    throw new KindRuleError(
      'ref_invalid',
      `entry ${id} has a different hash: the reference names an entry of another channel or a copy that was changed`,
    );
  }
  return target;
}

export const translationKind = defineKind({
  name: 'translation',
  authoredBy: 'principal',
  schema: translationBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) =>
    `translation of ${body.of.party}/${body.of.seq} (${body.translator.type === 'machine' ? `machine: ${body.translator.tool}` : 'person'}, not authoritative)`,
  async check(context, body) {
    if (!TRANSLATING_ROLES.includes(context.actor.role)) {
      throw new KindRuleError(
        'forbidden',
        `a ${context.actor.role} does not sign translations; translators, members, duty officers and heads do`,
      );
    }
    const original = await referencedEntry(context, body.of);
    if (original.kind === 'translation') {
      const source = original.body.of as { party: string; seq: number };
      throw new KindRuleError(
        'ref_invalid',
        `${original.id} is itself a translation: translate the original ${context.channel.id}/${source.party}/${source.seq}`,
      );
    }
    if (typeof original.body.text !== 'string') {
      throw new KindRuleError('ref_invalid', `${original.id} (${original.kind}) has no text to translate`);
    }
    const lang = context.entry?.lang;
    if (lang === undefined) return;
    if (!context.channel.languages.includes(lang)) {
      throw new KindRuleError(
        'body_invalid',
        `language '${lang}' is not one of the channel's languages (${context.channel.languages.join(', ')})`,
      );
    }
    if (lang === original.lang) {
      throw new KindRuleError(
        'body_invalid',
        `${original.id} is already in '${lang}': a translation needs another of the channel's languages (${context.channel.languages
          .filter((l) => l !== lang)
          .join(', ')})`,
      );
    }
  },
});

function requireGlossaryRole(context: KindCheckContext, what: string): void {
  if (!GLOSSARY_ROLES.includes(context.actor.role)) {
    throw new KindRuleError('forbidden', `only heads and translators ${what} glossary terms`);
  }
}

export const glossaryTermKind = defineKind({
  name: 'glossary-term',
  authoredBy: 'principal',
  schema: glossaryTermBody,
  expectsReceipt: false,
  ref: () => null,
  summary: (body) => `proposes the glossary term ${body.term}`,
  async check(context, body) {
    requireGlossaryRole(context, 'propose');
    const languages = context.channel.languages;
    const missing = languages.filter((l) => body.renderings[l] === undefined);
    if (missing.length > 0) {
      throw new KindRuleError(
        'body_invalid',
        `renderings: missing ${missing.join(', ')} (a term needs a rendering in every channel language: ${languages.join(', ')})`,
      );
    }
    const extra = Object.keys(body.renderings).filter((l) => !languages.includes(l));
    if (extra.length > 0) {
      throw new KindRuleError(
        'body_invalid',
        `renderings.${extra[0]}: '${extra[0]}' is not a language of the channel (${languages.join(', ')})`,
      );
    }
  },
});

export const glossaryAgreeKind = defineKind({
  name: 'glossary-agree',
  authoredBy: 'principal',
  schema: glossaryAgreeBody,
  expectsReceipt: false,
  ref: (body) => `${body.of.party}/${body.of.seq}`,
  summary: (body) => `agrees to the glossary term ${body.of.party}/${body.of.seq}`,
  async check(context, body) {
    requireGlossaryRole(context, 'agree to');
    const target = await referencedEntry(context, body.of);
    if (target.kind !== 'glossary-term') {
      throw new KindRuleError(
        'ref_invalid',
        `${target.id} is a ${target.kind}, not a proposed glossary term`,
      );
    }
    if (target.party === context.party) {
      throw new KindRuleError(
        'ref_invalid',
        `${target.id} is ${context.party}'s own proposal: a party does not agree to its own proposal`,
      );
    }
    const agreements = await context.listByRef('glossary-agree', `${target.party}/${target.seq}`);
    if (agreements.some((a) => a.party === context.party)) {
      throw new KindRuleError('already_exists', `${context.party} has already agreed to ${target.id}`);
    }
  },
});

/** The kinds of this workflow, in the order they are listed to clients. */
export const languageKinds: KindDefinition[] = [translationKind, glossaryTermKind, glossaryAgreeKind];
