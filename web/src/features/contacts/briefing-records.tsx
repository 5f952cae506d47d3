/**
 * What is recorded about a briefing: its minutes (refused by the node until every other party has
 * accepted the briefing) and each party's readout, listed latest per party.
 */
import { useState } from 'preact/hooks';
import { ApiError, type Channel } from '../../lib/api';
import { FormError, SelectField, TextArea, TextField } from '../../lib/components/field';
import { DoneNote } from '../../lib/components/submit-outcome';
import { fieldErrorOf, formErrorOf, useSubmit } from '../../lib/use-submit';
import { formatHlc } from '../../lib/i18n';
import { ContactForm, defaultLang, domId, languageOptions } from './contact-parts';
import {
  contactsApi,
  nowLocalInput,
  utcFromLocalInput,
  type Briefing,
  type Occurrence,
  type Readout,
} from './contacts-api';
import { t } from './messages';
import { latestByParty } from './readout-compare';

/** The record's body names → the form's fields (lib/field-errors.ts puts a refusal on them). */
const MINUTES_FIELDS = { heldAt: 'heldAt', durationMinutes: 'duration', minutes: 'summary' } as const;

export function MinutesForm({
  channel,
  briefing,
  occurrence,
  onDone,
}: {
  channel: Channel;
  briefing: Briefing;
  occurrence: Occurrence;
  onDone: () => void;
}) {
  const planned = occurrence.start.slice(0, 16);
  const base = Date.parse(occurrence.start) <= Date.now() ? planned : nowLocalInput();
  const [heldAt, setHeldAt] = useState(base);
  const [duration, setDuration] = useState('30');
  const [summary, setSummary] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ heldAt?: string; duration?: string; summary?: string }>({});
  const [refusal, setRefusal] = useState<{ lead: string; detail: string | null } | null>(null);
  const [ok, setOk] = useState(false);
  const id = domId(briefing.id);

  const submit = async (e: Event) => {
    e.preventDefault();
    setOk(false);
    setRefusal(null);
    const minutes = Number(duration);
    const next: typeof errors = {};
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(heldAt)) next.heldAt = t('timeInvalid');
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) next.duration = t('durationInvalid');
    setErrors(next);
    if (!summary.trim()) next.summary = t('summaryRequired');
    setErrors(next);
    if (next.heldAt || next.duration || next.summary) return;
    setBusy(true);
    try {
      const of = await contactsApi.ref(briefing.id);
      const body = {
        of,
        occurrence: occurrence.occurrence,
        heldAt: utcFromLocalInput(heldAt),
        durationMinutes: minutes,
        minutes: summary.trim(),
        attended: [],
        noShows: [],
      };
      await contactsApi.post(channel.id, { kind: 'briefing-record', lang: defaultLang(channel), body });
      setOk(true);
      onDone();
    } catch (failure) {
      // A rule of one field is said on it; the thread's refusals (409) keep their lead.
      const claimed = fieldErrorOf(failure, Object.keys(MINUTES_FIELDS));
      if (claimed)
        setErrors({ [MINUTES_FIELDS[claimed.field as keyof typeof MINUTES_FIELDS]]: claimed.sentence });
      else
        setRefusal(
          failure instanceof ApiError && failure.status === 409
            ? { lead: t('minutesRefused'), detail: formErrorOf(failure) }
            : { lead: formErrorOf(failure), detail: null },
        );
    } finally {
      setBusy(false);
    }
  };

  return (
    <ContactForm class="minutes-form" label={t('recordMinutes')} onSubmit={submit}>
      <div class="form-grid">
        <TextField
          id={`minutes-at-${id}`}
          type="datetime-local"
          label={t('heldAt')}
          value={heldAt}
          onInput={setHeldAt}
          error={errors.heldAt}
        />
        <div class={`field${errors.duration ? ' has-error' : ''}`}>
          <label for={`minutes-duration-${id}`}>{t('duration')}</label>
          <input
            id={`minutes-duration-${id}`}
            type="number"
            min={1}
            max={1440}
            step={1}
            value={duration}
            aria-invalid={errors.duration ? true : undefined}
            aria-describedby={errors.duration ? `minutes-duration-${id}-error` : undefined}
            onInput={(e) => setDuration(e.currentTarget.value)}
          />
          {errors.duration && (
            <span class="field-error" id={`minutes-duration-${id}-error`} role="alert">
              {errors.duration}
            </span>
          )}
        </div>
      </div>
      <TextArea
        id={`minutes-summary-${id}`}
        label={t('summary')}
        value={summary}
        onInput={setSummary}
        error={errors.summary}
        rows={2}
      />
      {refusal && (
        <p class="form-error refusal" role="alert">
          {refusal.lead}
          {refusal.detail && (
            <span class="refusal-detail">
              {t('nodeSays')}: {refusal.detail}
            </span>
          )}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('saving') : t('saveMinutes')}
        </button>
        {ok && (
          <span class="ok-text" role="status">
            {t('minutesSaved')}
          </span>
        )}
      </div>
    </ContactForm>
  );
}

export function ReadoutForm({
  channel,
  briefing,
  onDone,
}: {
  channel: Channel;
  briefing: Briefing;
  onDone: () => void;
}) {
  const [text, setText] = useState('');
  const [lang, setLang] = useState(defaultLang(channel));
  const [textError, setTextError] = useState<string | null>(null);
  const action = useSubmit(['text']);
  const id = domId(briefing.id);

  const submit = (e: Event) => {
    e.preventDefault();
    return action.run(async () => {
      if (!text.trim()) {
        setTextError(t('readoutRequired'));
        return;
      }
      setTextError(null);
      const of = await contactsApi.ref(briefing.id);
      await contactsApi.post(channel.id, { kind: 'readout', lang, body: { of, text: text.trim() } });
      setText('');
      onDone();
      return t('readoutSaved');
    });
  };

  return (
    <ContactForm class="readout-form" label={t('recordReadout')} onSubmit={submit}>
      <SelectField
        id={`readout-lang-${id}`}
        label={t('briefingLang')}
        value={lang}
        onChange={setLang}
        options={languageOptions(channel)}
      />
      <TextArea
        id={`readout-text-${id}`}
        label={t('readoutText')}
        value={text}
        onInput={setText}
        lang={lang}
        rows={4}
        error={textError ?? action.fieldError('text')}
      />
      <FormError message={action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? t('saving') : t('saveReadout')}
        </button>
        <DoneNote message={action.done} />
      </div>
    </ContactForm>
  );
}

export function ReadoutList({ readouts }: { readouts: Readout[] }) {
  const latest = latestByParty(readouts);
  return (
    <ul class="readout-list">
      {[...latest.values()].map((r) => (
        <li key={r.id} data-readout={r.id}>
          <div class="muted small">
            <strong>{r.party}</strong> · {r.author} · {formatHlc(r.at)} · <span class="mono">{r.lang}</span>
          </div>
          <p class="readout-text" lang={r.lang}>
            {r.text}
          </p>
        </li>
      ))}
    </ul>
  );
}
