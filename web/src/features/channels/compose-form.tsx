/**
 * Writes a note: subject, text, precedence, language (one of the channel's), a TEST or EXERCISE
 * marking, and the public statement it refers to, if any (README "Public statements"). Refusals
 * from the node are shown on the field they concern.
 */
import { useState } from 'preact/hooks';
import { ApiError, api, type Channel, type Entry, type Peer } from '../../lib/api';
import { formatTime, locale } from '../../lib/i18n';
import { t } from './messages';
import { EnvelopeFields, useEnvelope } from '../../lib/components/envelope-fields';
import { FormError, SelectField, TextArea, TextField } from '../../lib/components/field';
import { fieldRefusal, splitRefusal } from '../../lib/field-errors';
import { formErrorOf } from '../../lib/use-submit';
import { useAsync } from '../../lib/use-async';

const FIELDS = ['subject', 'text', 'precedence', 'lang', 'marking', 'refersTo'] as const;
type FieldName = (typeof FIELDS)[number];

/** Which field a refusal concerns: by its code where the node names none, else by its path. */
export function fieldOfError(error: ApiError): FieldName | null {
  if (error.code === 'language_invalid') return 'lang';
  if (error.code === 'precedence_invalid') return 'precedence';
  // `marking must be one of …` names its field without a colon (entries/commands.ts).
  if (/^marking\b/.test(error.message)) return 'marking';
  const [field] = splitRefusal(error.message).path;
  return FIELDS.find((name) => name === field) ?? null;
}

/** The other parties of the channel whose node this node cannot reach now. */
async function unreachableParties(channel: Channel, ownParty: string): Promise<Peer[]> {
  const others = Object.keys(channel.parties).filter((p) => p !== ownParty);
  if (others.length === 0) return [];
  const peers = await api.peers().catch(() => []);
  return peers.filter((p) => others.includes(p.party) && p.status !== 'up');
}

export function ComposeForm({ channel, onSent }: { channel: Channel; onSent?: (entry: Entry) => void }) {
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const envelope = useEnvelope({
    precedence: 'ROUTINE',
    // The writer's own language (the interface's) when the channel has it, else its first language.
    lang: channel.languages.includes(locale.get()) ? locale.get() : (channel.languages[0] ?? 'en'),
    marking: '',
  });
  const { precedence, lang, marking } = envelope;
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [queued, setQueued] = useState<Peer[]>([]);
  const [refersTo, setRefersTo] = useState('');
  // The channel's public record, newest first, for "refers to" (offered only when it has any).
  const publicRecord = useAsync(
    () => api.publicStatements(channel.id).then((r) => [...r.publicStatements].reverse()),
    [channel.id],
  );

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(null);
    setSent(null);
    setQueued([]);
    try {
      const body: Record<string, unknown> = { text };
      if (subject.trim()) body.subject = subject.trim();
      const referred = publicRecord.data?.find((p) => p.id === refersTo);
      if (referred) {
        const [, party, seq] = referred.id.split('/');
        body.refersTo = { party, seq: Number(seq), hash: referred.hash };
      }
      const entry = await api.postEntry(channel.id, {
        kind: 'note',
        precedence,
        lang,
        ...(marking ? { marking } : {}),
        body,
      });
      setText('');
      setSubject('');
      setRefersTo('');
      setSent(`${t('sent')}: ${entry.id}`);
      onSent?.(entry);
      // Signed and stored here is not delivered there: say at once which party's node is down.
      setQueued(await unreachableParties(channel, entry.party));
    } catch (failure) {
      const field = failure instanceof ApiError ? fieldOfError(failure) : null;
      if (failure instanceof ApiError && field) {
        // The rule in the interface language (or the node's sentence); an empty text is said the
        // way the form says it.
        const { sentence } = fieldRefusal(failure, locale.get());
        setErrors({ [field]: field === 'text' && text.trim() === '' ? t('composeTextRequired') : sentence });
      } else setFormError(formErrorOf(failure));
    } finally {
      setBusy(false);
    }
  };

  const writable = channel.state === 'active';
  return (
    <form class="compose card" onSubmit={submit} aria-labelledby="compose-title" noValidate>
      <h2 id="compose-title">{t('compose')}</h2>
      {!writable && <p class="notice">{t('notActive')}</p>}
      <div class="compose-grid">
        <EnvelopeFields
          idPrefix="compose"
          languages={channel.languages}
          envelope={envelope}
          errors={errors}
        />
        <TextField
          id="compose-subject"
          label={t('subject')}
          value={subject}
          onInput={setSubject}
          error={errors.subject}
        />
      </div>
      <TextArea
        id="compose-text"
        label={t('text')}
        value={text}
        onInput={setText}
        lang={lang}
        rows={3}
        error={errors.text}
      />
      {publicRecord.data && publicRecord.data.length > 0 && (
        <SelectField
          id="compose-refers-to"
          label={t('refersTo')}
          value={refersTo}
          onChange={setRefersTo}
          error={errors.refersTo}
          options={[
            { value: '', label: t('refersToNone') },
            ...publicRecord.data.map((p) => ({
              value: p.id,
              label: `${p.speaker} (${p.office}, ${p.party}), ${formatTime(p.publishedAt)}: ${p.text.slice(0, 60)}`,
            })),
          ]}
        />
      )}
      <FormError message={formError} />
      <div class="actions">
        <button
          type="submit"
          class={precedence === 'FLASH' ? 'danger' : 'primary'}
          disabled={busy || !writable}
        >
          {busy ? t('sending') : `${t('send')} · ${precedence}${marking ? ` · ${marking}` : ''}`}
        </button>
        {sent && queued.length > 0 && (
          <p class="queued-warning" role="alert">
            {queued.map((peer) => (
              <span key={peer.party}>
                {precedence} {t('queuedFor')} {peer.party}: {t('unreachableSince')} {formatTime(peer.since)}.{' '}
                {t('useFallback')}
              </span>
            ))}
          </p>
        )}
        {sent && queued.length === 0 && (
          <span class="ok-text" role="status">
            {sent}
          </span>
        )}
      </div>
    </form>
  );
}
