/**
 * One-line descriptions of entries of every kind, for timeline rows and accessible names, in the
 * interface's language (issue 15, "plain words everywhere"): what happened in words, never the
 * raw body. A kind this build does not know is named as such with its text, if any.
 */
import type { Entry } from '../../lib/api';
import { formatTime } from '../../lib/i18n';
import { kindLabel } from '../../lib/kind-label';
import { t, type MessageKey } from './messages';

export { kindLabel };

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

function ref(of: unknown): string {
  const r = of as { party?: string; seq?: number } | undefined;
  return `${r?.party ?? '?'}/${r?.seq ?? '?'}`;
}

/** An ISO time as people read it, or '' when absent. */
function when(value: unknown): string {
  return typeof value === 'string' && value ? formatTime(value) : '';
}

const own = (subject: string | null, text: unknown): EntrySummary => ({
  subject,
  text: str(text),
  authored: true,
});
const told = (subject: string | null, text: string): EntrySummary => ({ subject, text, authored: false });

export function summarizeEntry(entry: Entry): EntrySummary {
  const body = entry.body;
  const of = body.of;
  const label = kindLabel(entry.kind);
  switch (entry.kind) {
    case 'note':
      return own(str(body.subject) || null, body.text);
    case 'receipt':
      return own(`✓ ${t(`level:${str(body.level)}` as MessageKey)} ${ref(of)}`, body.readBack);
    case 'received':
      return told(null, `${label} ${ref(of)}`);
    case 'charter':
      return told(label, str(body.name));
    case 'charter-accept':
    case 'channel-change-agree':
    case 'glossary-agree':
    case 'summary-sign':
      return told(label, ref(of));
    case 'principal-key':
      return told(label, `${str(body.principal)} (${str(body.role)}, ${str(body.office)})`);
    case 'principal-key-revoke':
      return told(label, `${str(body.principal)}: ${str(body.reason)}`);
    case 'channel-change':
      return own(`${label}: ${str(body.change)}`, body.reason);
    case 'clarification-request': {
      const passage = body.passage as { quote?: string } | undefined;
      return own(`? ${ref(of)} «${passage?.quote ?? ''}»`, body.question);
    }
    case 'clarification':
      return own(`↩ ${ref(of)}`, body.text);
    case 'response':
      return own(`${label} ${ref(of)}: ${str(body.response)}`, body.reason);
    case 'readback-review':
      return own(
        `${body.outcome === 'confirmed' ? '✓' : '✗'} ${label} ${ref(of)}${body.despiteDifferences ? ` (${t('despiteDifferences')})` : ''}`,
        body.correction ?? body.reason,
      );
    case 'translation':
      return own(`${label} ${ref(of)}`, body.text);
    case 'statement-draft':
      return own(`${label}: ${str(body.title)}`, body.text);
    case 'statement-approve':
    case 'statement-release':
      return told(
        `${label} ${ref(of)}`,
        `${t('textHash')} ${str(body.textHash).slice(0, 12)}…${body.embargoUntil ? ` · ${t('embargoedUntil')} ${when(body.embargoUntil)}` : ''}`,
      );
    case 'statement-resolution':
      return own(`${label} ${String(body.bracket)} · ${ref(of)}`, body.text);
    case 'statement-resolution-agree':
    case 'statement-reopen':
      return own(`${label} ${ref(body.resolution)}`, body.reason);
    case 'public-statement':
      return own(`${label}: ${str(body.speaker)} (${str(body.office)}, ${str(body.party)})`, body.text);
    case 'glossary-term': {
      const renderings = (body.renderings ?? {}) as Record<string, string>;
      return told(
        `${label}: ${str(body.term)}`,
        Object.entries(renderings)
          .map(([l, r]) => `${l}: ${r}`)
          .join(' · '),
      );
    }
    case 'template':
      return told(
        `${label}: ${str(body.title)}`,
        `${str(body.name)}, ${t('version')} ${String(body.version)}`,
      );
    case 'notification': {
      const template = body.template as { name?: string; title?: string } | undefined;
      return own(template?.title ?? template?.name ?? label, body.text);
    }
    case 'escalation': {
      const toldWhom = ((body.notify as string[] | undefined) ?? []).join(', ');
      return told(label, `${str(body.owedBy)} → ${toldWhom}`);
    }
    case 'briefing-proposal':
    case 'briefing':
      return own(
        `${label}: ${str(body.title)}`,
        [when(body.start), ...((body.agenda as string[] | undefined) ?? [])].filter(Boolean).join(' · '),
      );
    case 'briefing-answer':
    case 'invitation-response':
      return own(
        `${label} ${ref(of)}: ${t(body.answer === 'decline' ? 'answerDecline' : 'answerAccept')}`,
        body.reason ?? body.note,
      );
    case 'briefing-accept':
      return told(label, ref(of));
    case 'briefing-change':
      return own(
        `${label} ${ref(of)}: ${t(`change:${str(body.change)}` as MessageKey)}${body.start ? ` → ${when(body.start)}` : ''}`,
        body.reason,
      );
    case 'briefing-record':
    case 'briefing-minutes':
      return own(`${label} ${ref(of)}${body.heldAt ? ` · ${when(body.heldAt)}` : ''}`, body.minutes);
    case 'briefing-amendment':
      return own(`${label} ${ref(of)}`, body.minutes);
    case 'invitation-proposal':
    case 'invitation':
      return own(`${label}: ${str(body.what)} · ${str(body.where)}`, body.text);
    case 'invitation-counter':
      return own(`${label} ${ref(of)}${body.where ? `: ${str(body.where)}` : ''}`, body.note);
    case 'invitation-withdraw':
      return own(`${label} ${ref(of)}`, body.reason);
    case 'readout':
      return own(`${label} ${ref(body.briefing ?? of)}`, body.text);
    case 'summary-point':
      return own(`${label}: ${t(`point:${str(body.status)}` as MessageKey)}`, body.text);
    case 'commitment':
      return told(
        `${label}: ${str(body.commitment)}`,
        `${str(body.every)} · ${((body.owners as string[]) ?? []).join(', ')}`,
      );
    default: {
      const text = str(body.text) || str(body.reason) || str(body.title);
      return { subject: str(body.subject) || label, text, authored: typeof body.text === 'string' };
    }
  }
}
