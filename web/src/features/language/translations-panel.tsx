/**
 * The original (authoritative) beside each translation (not authoritative; by whom, person or
 * machine tool), with the glossary's warnings highlighted, and a form to add a translation.
 */
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { api, refOfEntry, type Channel, type Entry, type Translation } from '../../lib/api';
import { t } from './messages';
import { formatHlc } from '../../lib/i18n';
import { useAsync } from '../../lib/use-async';
import { FormError, SelectField, TextArea, TextField } from '../../lib/components/field';
import { ErrorBox } from '../../lib/components/status';
import { useSubmit } from '../../lib/use-submit';

/** The text with every case-insensitive occurrence of the given terms marked. */
function highlight(text: string, terms: string[], className: string): ComponentChildren {
  const wanted = terms.filter(Boolean).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (wanted.length === 0) return text;
  const parts = text.split(new RegExp(`(${wanted.join('|')})`, 'giu'));
  return parts.map((part, i) =>
    i % 2 === 1 ? (
      <mark key={i} class={className}>
        {part}
      </mark>
    ) : (
      part
    ),
  );
}

export function TranslationsPanel(props: { channel: Channel; entry: Entry; version: number }) {
  const { channel, entry } = props;
  const data = useAsync(
    () => api.translations(channel.id, entry.party, entry.seq),
    [channel.id, entry.id, props.version],
  );
  const [adding, setAdding] = useState(false);
  const translations = data.data?.translations ?? [];
  const warned = translations.flatMap((tr) => tr.warnings.map((w) => w.original));
  return (
    <section class="translations" aria-labelledby="translations-title">
      <h3 id="translations-title">
        {t('translations')} ({translations.length})
      </h3>
      {data.error ? <ErrorBox error={data.error} onRetry={data.reload} /> : null}
      {data.data && (
        <div class="side-by-side">
          <article class="version original" lang={data.data.original.lang} aria-label={t('originalText')}>
            <header>
              <span class="badge authoritative">{t('authoritative')}</span>{' '}
              <span class="mono">{data.data.original.lang}</span>
            </header>
            <p class="version-text">{highlight(data.data.original.text, warned, 'glossary-term')}</p>
          </article>
          {translations.map((tr) => (
            <TranslationColumn key={tr.id} translation={tr} />
          ))}
        </div>
      )}
      {data.data && translations.length === 0 && <p class="muted">{t('translationsNone')}</p>}
      {!adding ? (
        <button type="button" class="secondary" onClick={() => setAdding(true)}>
          {t('addTranslation')}
        </button>
      ) : (
        <TranslationForm
          channel={channel}
          entry={entry}
          onClose={() => setAdding(false)}
          onSent={() => {
            setAdding(false);
            data.reload();
          }}
        />
      )}
    </section>
  );
}

function TranslationColumn({ translation: tr }: { translation: Translation }) {
  return (
    <article
      class="version translation"
      data-translation={tr.id}
      aria-label={`${t('translation')} ${tr.lang}`}
    >
      <header>
        <span class="badge not-authoritative">{t('notAuthoritative')}</span>{' '}
        <span class="mono">{tr.lang}</span>
        <span class="muted small">
          {' '}
          · {tr.translator.type === 'machine' ? `${t('machine')}: ${tr.translator.tool}` : t('person')} ·{' '}
          {tr.author} · {formatHlc(tr.hlc)}
        </span>
      </header>
      <p class="version-text" lang={tr.lang}>
        {tr.text}
      </p>
      {tr.warnings.length > 0 && (
        <ul class="glossary-warnings" aria-label={t('glossaryWarnings')}>
          {tr.warnings.map((w) => (
            <li key={w.term} class="warn" data-term={w.term}>
              ⚠ {t('glossaryExpected')} «{w.expected}» {t('glossaryFor')} «
              <mark class="glossary-term">{w.original}</mark>» ({w.term})
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

function TranslationForm(props: { channel: Channel; entry: Entry; onClose: () => void; onSent: () => void }) {
  const languages = props.channel.languages.filter((l) => l !== props.entry.lang);
  const [lang, setLang] = useState(languages[0] ?? '');
  const [text, setText] = useState('');
  const [kind, setKind] = useState<'person' | 'machine'>('person');
  const [tool, setTool] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const action = useSubmit(['text', 'translator.tool']);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    await action.run(async () => {
      await api.postEntry(props.channel.id, {
        kind: 'translation',
        lang,
        ...(props.entry.marking ? { marking: props.entry.marking } : {}),
        body: {
          of: refOfEntry(props.entry),
          text: text.trim(),
          translator: kind === 'machine' ? { type: 'machine', tool: tool.trim() } : { type: 'person' },
        },
      });
      props.onSent();
    });
  };
  return (
    <form class="translation-form" onSubmit={submit} aria-labelledby="translate-title" noValidate>
      <h4 id="translate-title">{t('addTranslation')}</h4>
      <SelectField
        id="translate-lang"
        label={t('translationLanguage')}
        value={lang}
        onChange={setLang}
        options={languages.map((l) => ({ value: l, label: l }))}
      />
      <TextArea
        id="translate-text"
        label={t('translationText')}
        value={text}
        onInput={setText}
        lang={lang}
        rows={3}
        error={action.fieldError('text')}
      />
      <SelectField<'person' | 'machine'>
        id="translate-by"
        label={t('translatedBy')}
        value={kind}
        onChange={setKind}
        options={[
          { value: 'person', label: t('person') },
          { value: 'machine', label: t('machine') },
        ]}
      />
      {kind === 'machine' && (
        <TextField
          id="translate-tool"
          label={t('machineTool')}
          value={tool}
          onInput={setTool}
          error={action.fieldError('translator.tool')}
        />
      )}
      <FormError message={action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy || !lang}>
          {t('sendTranslation')}
        </button>
        <button type="button" class="secondary" onClick={props.onClose}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
