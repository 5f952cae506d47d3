/** One-line descriptions of entries of every kind, for timeline rows and accessible names. */
import type { Entry } from '../api';

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
    default: {
      const text = str(body.text) || JSON.stringify(body);
      return { subject: str(body.subject) || null, text, authored: typeof body.text === 'string' };
    }
  }
}
