/**
 * The public record of a channel, apart from the private one: what was said in public, with
 * attribution (speaker, office, party, where and when published, who relayed it, language), the
 * private notes that refer to each, and a form to record one (for who may write in the channel).
 * A public statement asks for no receipt and creates no duty.
 */
import { useState } from 'preact/hooks';
import { api, type Channel, type PublicStatement } from '../../lib/api';
import { FormError, TextArea, TextField } from '../../lib/components/field';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { formatHlc } from '../../lib/i18n';
import { useAsync } from '../../lib/use-async';
import { useSubmit } from '../../lib/use-submit';
import { t } from './messages';
import { ToggleButton } from '../../lib/components/toggle-button';
import { useMayWrite } from '../../lib/write-access';

export function PublicRecord({ channel, version }: { channel: Channel; version: number }) {
  const list = useAsync(() => api.publicStatements(channel.id), [channel.id, version]);
  const [adding, setAdding] = useState(false);
  const mayWrite = useMayWrite();
  return (
    <section class="public-record" aria-labelledby="public-record-title">
      <div class="section-head">
        <h2 id="public-record-title">{t('publicTitle')}</h2>
        {mayWrite && (
          <ToggleButton label={t('publicAdd')} open={adding} onToggle={() => setAdding(!adding)} />
        )}
      </div>
      <p class="hint">{t('publicHint')}</p>
      {mayWrite && adding && (
        <PublicForm channel={channel} onDone={() => (setAdding(false), list.reload())} />
      )}
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.publicStatements.length === 0 && <EmptyState>{t('publicNone')}</EmptyState>}
      {list.data?.publicStatements.map((s) => (
        <PublicCard key={s.id} statement={s} />
      ))}
    </section>
  );
}

function PublicCard({ statement: s }: { statement: PublicStatement }) {
  return (
    <article class="card public-statement" data-id={s.id} aria-label={`${s.speaker}, ${s.publishedAt}`}>
      <header class="statement-head">
        <h3>
          {s.speaker}{' '}
          <span class="muted small">
            ({s.office}, {s.party})
          </span>
        </h3>
        <span class="badge public-badge">{t('publicBadge')}</span>
      </header>
      <p class="muted small">
        {s.publishedAt} ·{' '}
        {s.url ? (
          <a href={s.url} rel="noreferrer noopener" target="_blank">
            {s.venue}
          </a>
        ) : (
          s.venue
        )}{' '}
        · <span lang={s.language}>{s.language}</span>
        {s.relayedBy && (
          <span>
            {' '}
            · {t('publicRelayedBy')} {s.relayedBy}
          </span>
        )}
      </p>
      <blockquote class="statement-text" lang={s.language}>
        {s.text}
      </blockquote>
      <p class="muted small">
        {t('publicRecordedBy')} {s.recordedBy.by} ({s.recordedBy.party}), {formatHlc(s.recordedBy.at)} ·{' '}
        <span class="mono">{s.id}</span>
      </p>
      {s.referredBy.length > 0 && (
        <p class="small referred-by">
          {t('publicReferredBy')}{' '}
          {s.referredBy.map((r, i) => (
            <span key={r.id}>
              {i > 0 && ', '}
              <span class="mono">{r.id}</span> «{r.summary}»
            </span>
          ))}
        </p>
      )}
    </article>
  );
}

const FIELDS = [
  'speaker',
  'office',
  'party',
  'venue',
  'url',
  'publishedAt',
  'relayedBy',
  'language',
] as const;

function PublicForm({ channel, onDone }: { channel: Channel; onDone: () => void }) {
  const [values, setValues] = useState<Record<(typeof FIELDS)[number] | 'text', string>>({
    speaker: '',
    office: '',
    party: '',
    venue: '',
    url: '',
    publishedAt: '',
    relayedBy: '',
    language: 'en',
    text: '',
  });
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const action = useSubmit([...FIELDS, 'text']);
  const set = (name: keyof typeof values) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    await action.run(async () => {
      const body = Object.fromEntries(
        Object.entries(values)
          .map(([k, v]) => [k, v.trim()])
          .filter(([, v]) => v !== ''),
      );
      await api.postEntry(channel.id, { kind: 'public-statement', body });
      onDone();
    });
  };
  return (
    <form class="card public-form" onSubmit={submit} aria-labelledby="public-form-title" noValidate>
      <h3 id="public-form-title">{t('publicAdd')}</h3>
      <div class="compose-grid">
        {FIELDS.map((name) => (
          <TextField
            key={name}
            id={`public-${name}`}
            label={t(`public_${name}`)}
            value={values[name]}
            onInput={set(name)}
            error={action.fieldError(name)}
          />
        ))}
      </div>
      <TextArea
        id="public-text"
        label={t('public_text')}
        value={values.text}
        onInput={set('text')}
        rows={3}
        error={action.fieldError('text')}
      />
      <FormError message={action.error} />
      <button type="submit" class="primary" disabled={action.busy}>
        {t('publicSend')}
      </button>
    </form>
  );
}
