/**
 * Proposing a briefing or call: title, time (UTC), how long, agenda, and optionally a recurrence
 * (README "Briefings and calls"): daily, weekly, fortnightly or monthly for a number of
 * occurrences, or an RFC 5545 rule written out (`FREQ=MONTHLY;BYDAY=2TH;COUNT=6`), which the node
 * checks (workflows/contacts/briefings/recurrence.ts) and refuses on the field when it will not
 * do. Every member office of every side takes part.
 */
import { useState } from 'preact/hooks';
import type { Channel } from '../../lib/api';
import { FormError, SelectField, TextArea, TextField } from '../../lib/components/field';
import { formatAmount } from '../../lib/durations';
import { locale } from '../../lib/i18n';
import { useSubmit } from '../../lib/use-submit';
import { defaultLang, ContactForm, languageOptions } from './contact-parts';
import { contactsApi, utcFromLocalInput } from './contacts-api';
import { t } from './messages';

const DURATIONS = ['15', '30', '45', '60', '90', '120', '180'];

/** How long a briefing may be chosen to last, in minutes; `current` is kept if it is another. */
export function durationOptions(current?: string) {
  const values = current && !DURATIONS.includes(current) ? [current, ...DURATIONS] : DURATIONS;
  return values.map((m) => ({ value: m, label: formatAmount(Number(m), 'minute', locale.get(), 0) }));
}
type Repeat = 'none' | 'daily' | 'weekly' | 'fortnightly' | 'monthly' | 'rule';
const FREQUENCY: Record<Exclude<Repeat, 'none' | 'rule'>, string> = {
  daily: 'FREQ=DAILY',
  weekly: 'FREQ=WEEKLY',
  fortnightly: 'FREQ=WEEKLY;INTERVAL=2',
  monthly: 'FREQ=MONTHLY',
};
/** The node's bound (recurrence.ts MAX_OCCURRENCES). */
const MAX_OCCURRENCES = 366;

export function BriefingProposalForm({
  channel,
  onDone,
}: {
  channel: Channel;
  onDone: (id: string) => void;
}) {
  const [title, setTitle] = useState('');
  const [agenda, setAgenda] = useState('');
  const [at, setAt] = useState('');
  const [duration, setDuration] = useState('30');
  const [repeat, setRepeat] = useState<Repeat>('none');
  const [count, setCount] = useState('6');
  const [rule, setRule] = useState('');
  const [lang, setLang] = useState(defaultLang(channel));
  const [errors, setErrors] = useState<{ title?: string; start?: string; count?: string; rrule?: string }>(
    {},
  );
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const action = useSubmit(['title', 'agenda', 'start', 'durationMinutes', 'rrule']);
  const fieldError = (name: keyof typeof errors) => errors[name] ?? action.fieldError(name);

  const recurrence = (): string | undefined =>
    repeat === 'none'
      ? undefined
      : repeat === 'rule'
        ? rule.trim()
        : `${FREQUENCY[repeat]};COUNT=${Number(count)}`;

  const submit = (e: Event) => {
    e.preventDefault();
    return action.run(async () => {
      const next: typeof errors = {};
      if (!title.trim()) next.title = t('titleRequired');
      if (!at) next.start = t('timeInvalid');
      const n = Number(count);
      if (repeat !== 'none' && repeat !== 'rule' && !(Number.isInteger(n) && n >= 2 && n <= MAX_OCCURRENCES))
        next.count = t('occurrencesInvalid');
      if (repeat === 'rule' && !rule.trim()) next.rrule = t('ruleRequired');
      setErrors(next);
      if (Object.keys(next).length > 0) return;
      const rrule = recurrence();
      const body: Record<string, unknown> = {
        type: 'briefing',
        title: title.trim(),
        agenda: agenda
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
        start: utcFromLocalInput(at),
        durationMinutes: Number(duration),
        participants: Object.values(channel.parties).flat(),
        ...(rrule ? { rrule } : {}),
      };
      const entry = await contactsApi.post(channel.id, { kind: 'briefing-proposal', lang, body });
      setTitle('');
      setAgenda('');
      setAt('');
      setRepeat('none');
      onDone(entry.id);
    });
  };

  const repeatOptions: Array<{ value: Repeat; label: string }> = [
    { value: 'none', label: t('repeatNone') },
    { value: 'daily', label: t('repeatDaily') },
    { value: 'weekly', label: t('repeatWeekly') },
    { value: 'fortnightly', label: t('repeatFortnightly') },
    { value: 'monthly', label: t('repeatMonthly') },
    { value: 'rule', label: t('repeatRule') },
  ];
  return (
    <ContactForm class="card" label={t('proposeBriefing')} onSubmit={submit}>
      <div class="form-grid">
        <TextField
          id="briefing-title"
          label={t('briefingTitle')}
          value={title}
          onInput={setTitle}
          error={fieldError('title')}
        />
        <TextField
          id="briefing-at"
          type="datetime-local"
          label={t('briefingAt')}
          value={at}
          onInput={setAt}
          error={fieldError('start')}
        />
        <SelectField
          id="briefing-duration"
          label={t('briefingDuration')}
          value={duration}
          onChange={setDuration}
          options={DURATIONS.map((m) => ({
            value: m,
            label: formatAmount(Number(m), 'minute', locale.get(), 0),
          }))}
          error={action.fieldError('durationMinutes')}
        />
        <SelectField
          id="briefing-lang"
          label={t('briefingLang')}
          value={lang}
          onChange={setLang}
          options={languageOptions(channel)}
        />
        <SelectField
          id="briefing-repeat"
          label={t('briefingRepeat')}
          value={repeat}
          onChange={setRepeat}
          options={repeatOptions}
          error={repeat === 'rule' ? null : fieldError('rrule')}
        />
        {repeat !== 'none' && repeat !== 'rule' && (
          <TextField
            id="briefing-count"
            label={t('briefingOccurrences')}
            value={count}
            onInput={setCount}
            error={fieldError('count')}
          />
        )}
        {repeat === 'rule' && (
          <TextField
            id="briefing-rule"
            label={t('briefingRule')}
            hint={t('briefingRuleHint')}
            value={rule}
            onInput={setRule}
            error={fieldError('rrule')}
          />
        )}
      </div>
      <TextArea
        id="briefing-agenda"
        label={t('briefingAgenda')}
        hint={t('briefingAgendaHint')}
        value={agenda}
        onInput={setAgenda}
        lang={lang}
        rows={3}
        error={action.fieldError('agenda')}
      />
      <FormError message={action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? t('proposing') : t('propose')}
        </button>
      </div>
    </ContactForm>
  );
}
