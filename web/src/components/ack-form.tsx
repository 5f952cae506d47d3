/** Acknowledges another party's entry as read or understood, with an optional read-back. */
import { useState } from 'preact/hooks';
import { api, type Channel, type Entry } from '../api';
import { t } from '../i18n';
import { FormError, SelectField, TextArea } from './field';
import { describeError } from './status';

export function AckForm({
  channel,
  entry,
  onDone,
}: {
  channel: Channel;
  entry: Entry;
  onDone: (receipt: Entry) => void;
}) {
  const [level, setLevel] = useState<'read' | 'understood'>('understood');
  const [readBack, setReadBack] = useState('');
  const [lang, setLang] = useState(
    channel.languages.includes(entry.lang) ? entry.lang : (channel.languages[0] ?? 'en'),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const receipt = await api.acknowledge(channel.id, entry.party, entry.seq, {
        level,
        lang,
        ...(readBack.trim() && level === 'understood' ? { readBack: readBack.trim() } : {}),
      });
      setDone(`${t('ackDone')} ${receipt.id}`);
      setReadBack('');
      onDone(receipt);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="ack-form" onSubmit={submit} aria-labelledby="ack-title" noValidate>
      <h3 id="ack-title">{t('acknowledge')}</h3>
      <fieldset class="radio-row">
        <legend>{t('ackLevel')}</legend>
        <label>
          <input
            type="radio"
            name="ack-level"
            value="read"
            checked={level === 'read'}
            onChange={() => setLevel('read')}
          />{' '}
          {t('ackRead')}
        </label>
        <label>
          <input
            type="radio"
            name="ack-level"
            value="understood"
            checked={level === 'understood'}
            onChange={() => setLevel('understood')}
          />{' '}
          {t('ackUnderstood')}
        </label>
      </fieldset>
      {level === 'understood' && (
        <>
          <TextArea
            id="ack-readback"
            label={t('ackReadBack')}
            value={readBack}
            onInput={setReadBack}
            lang={lang}
            rows={3}
          />
          <SelectField
            id="ack-lang"
            label={t('ackLanguage')}
            value={lang}
            onChange={setLang}
            options={channel.languages.map((l) => ({ value: l, label: l }))}
          />
        </>
      )}
      <FormError message={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('ackSubmit')}
        </button>
        {done && (
          <span class="ok-text" role="status">
            {done}
          </span>
        )}
      </div>
    </form>
  );
}
