/** One-line descriptions of entries of every kind, for timeline rows and accessible names. */
import type { Entry } from '../../lib/api';

export interface EntrySummary {
  subject: string | null;
  /** Text as written (shown with the entry's `lang`), or a description of a node entry. */
  text: string;
  /** Whether `text` is the author's own words (then it carries the entry's language). */
  authored: boolean;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function ref(of: { party?: string; seq?: number } | undefined): string {
  return `${of?.party ?? '?'}/${of?.seq ?? '?'}`;
}

export function summarizeEntry(entry: Entry): EntrySummary {
  const body = entry.body;
  const of = body.of as { party?: string; seq?: number } | undefined;
  switch (entry.kind) {
    case 'note':
      return { subject: str(body.subject) || null, text: str(body.text), authored: true };
    case 'receipt':
      return {
        subject: `✓ ${str(body.level)} ${of?.party ?? '?'}/${of?.seq ?? '?'}`,
        text: str(body.readBack),
        authored: true,
      };
    case 'received':
      return {
        subject: null,
        text: `received ${of?.party ?? '?'} up to seq ${of?.seq ?? '?'}`,
        authored: false,
      };
    case 'charter':
      return { subject: 'charter', text: str(body.name), authored: false };
    case 'charter-accept':
      return { subject: 'charter accepted', text: '', authored: false };
    case 'principal-key':
      return {
        subject: 'key published',
        text: `${str(body.principal)} (${str(body.role)}, ${str(body.office)})`,
        authored: false,
      };
    case 'channel-change':
      return { subject: str(body.change), text: str(body.reason), authored: true };
    case 'channel-change-agree':
      return { subject: 'agreed', text: `${of?.party ?? '?'}/${of?.seq ?? '?'}`, authored: false };
    case 'clarification-request': {
      const passage = body.passage as { quote?: string } | undefined;
      return {
        subject: `? ${ref(of)} «${passage?.quote ?? ''}»`,
        text: str(body.question),
        authored: true,
      };
    }
    case 'clarification':
      return { subject: `↩ ${ref(of)}`, text: str(body.text), authored: true };
    case 'response':
      return { subject: `${str(body.response)} ${ref(of)}`, text: str(body.reason), authored: true };
    case 'readback-review':
      return {
        subject: `${body.outcome === 'confirmed' ? '✓' : '✗'} read-back ${str(body.outcome)} ${ref(of)}`,
        text: str(body.correction),
        authored: true,
      };
    case 'translation':
      return { subject: `translation of ${ref(of)}`, text: str(body.text), authored: true };
    case 'statement-draft':
      return { subject: `statement: ${str(body.title)}`, text: str(body.text), authored: true };
    case 'statement-approve':
    case 'statement-release':
      return {
        subject: `${entry.kind === 'statement-approve' ? 'approved' : 'released'} ${ref(of)}`,
        text: `text ${str(body.textHash).slice(0, 12)}…`,
        authored: false,
      };
    case 'glossary-term': {
      const renderings = (body.renderings ?? {}) as Record<string, string>;
      return {
        subject: `glossary: ${str(body.term)}`,
        text: Object.entries(renderings)
          .map(([l, r]) => `${l}: ${r}`)
          .join(' · '),
        authored: false,
      };
    }
    case 'glossary-agree':
      return { subject: 'glossary term agreed', text: ref(of), authored: false };
    case 'template':
      return {
        subject: `template ${str(body.name)}@${String(body.version)}`,
        text: str(body.title),
        authored: false,
      };
    case 'notification': {
      const template = body.template as { name?: string; version?: number } | undefined;
      return {
        subject: `${template?.name ?? '?'}@${template?.version ?? '?'}`,
        text: str(body.text),
        authored: true,
      };
    }
    case 'escalation':
      return {
        subject: `escalation: ${str(body.step)}`,
        text: `${str(body.obligation)} owed by ${str(body.owedBy)}; told ${((body.notify as string[] | undefined) ?? []).join(', ')}`,
        authored: false,
      };
    default: {
      const text = str(body.text) || JSON.stringify(body);
      return { subject: str(body.subject) || null, text, authored: typeof body.text === 'string' };
    }
  }
}
