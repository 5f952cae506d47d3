/**
 * The receiving side's answer to another party's item: `read`, `understood` with a read-back (for
 * a notification also field by field, against its template's fields), `deferred` with a reason
 * and the new time, or `declined` with a reason.
 */
import { useState } from 'preact/hooks';
import { api, refOfEntry, type Channel, type Entry } from '../../lib/api';
import { t } from './messages';
import { useAsync } from '../../lib/use-async';
import { FormError, SelectField, TextArea, TextField } from '../../lib/components/field';
import { DoneNote } from '../../lib/components/submit-outcome';
import { useSubmit } from '../../lib/use-submit';

type Level = 'read' | 'understood' | 'deferred' | 'declined';

interface FieldSpec {
  name: string;
  type: string;
  title: string | null;
}

/** The top-level fields of the template a notification used (empty for a note). */
async function templateFields(channel: string, entry: Entry): Promise<FieldSpec[]> {
  if (entry.kind !== 'notification') return [];
  const ref = entry.body.template as { name?: string; version?: number } | undefined;
  const { versions } = await api.templates(channel);
  const template = versions.find((v) => v.name === ref?.name && v.version === ref?.version);
  const properties = (template?.schema.properties ?? {}) as Record<
    string,
    { type?: unknown; title?: unknown }
  >;
  const fields = Object.keys(properties).map((name) => ({
    name,
    type: typeof properties[name]?.type === 'string' ? (properties[name].type as string) : 'string',
    title: typeof properties[name]?.title === 'string' ? (properties[name].title as string) : null,
  }));
  // Fields the notification carries that the schema does not name (it may allow more).
  for (const name of Object.keys((entry.body.fields as Record<string, unknown> | undefined) ?? {}))
    if (!fields.some((f) => f.name === name)) fields.push({ name, type: 'string', title: null });
  return fields;
}

function fieldValue(spec: FieldSpec, raw: string): string | number | boolean {
  if ((spec.type === 'integer' || spec.type === 'number') && /^-?\d+$/.test(raw.trim())) return Number(raw);
  if (spec.type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

/** `2026-02-20T09:00` (a datetime-local value read as UTC) → `2026-02-20T09:00Z`. */
function utcFromInput(value: string): string {
  return value ? `${value.length === 16 ? value : value.slice(0, 16)}Z` : '';
}

function defaultUntil(): string {
  return new Date(Date.now() + 60 * 60_000).toISOString().slice(0, 16);
}

export function AckForm({
  channel,
  entry,
  onDone,
}: {
  channel: Channel;
  entry: Entry;
  onDone: (answer: Entry) => void;
}) {
  const [level, setLevel] = useState<Level>('understood');
  const [readBack, setReadBack] = useState('');
  const [fieldValues, setFieldValues] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState(defaultUntil);
  const [lang, setLang] = useState(
    channel.languages.includes(entry.lang) ? entry.lang : (channel.languages[0] ?? 'en'),
  );
  const fields = useAsync(() => templateFields(channel.id, entry), [channel.id, entry.id]);
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const submission = useSubmit([
    'readBack',
    'reason',
    'until',
    ...(fields.data ?? []).map((spec) => `readBackFields.${spec.name}`),
  ]);
  const isItem = entry.kind === 'note' || entry.kind === 'notification';

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    await submission.run(async () => {
      let answer: Entry;
      let done: string;
      if (level === 'read' || level === 'understood') {
        const readBackFields: Record<string, string | number | boolean> = {};
        for (const spec of fields.data ?? []) {
          const raw = fieldValues[spec.name] ?? '';
          if (raw.trim() !== '') readBackFields[spec.name] = fieldValue(spec, raw.trim());
        }
        answer = await api.acknowledge(channel.id, entry.party, entry.seq, {
          level,
          lang,
          ...(readBack.trim() && level === 'understood' ? { readBack: readBack.trim() } : {}),
          ...(level === 'understood' && Object.keys(readBackFields).length > 0 ? { readBackFields } : {}),
        });
        done = `${t('ackDone')} ${answer.id}`;
      } else {
        answer = await api.postEntry(channel.id, {
          kind: 'response',
          precedence: entry.precedence,
          lang,
          ...(entry.marking ? { marking: entry.marking } : {}),
          body:
            level === 'deferred'
              ? {
                  of: refOfEntry(entry),
                  response: 'deferred',
                  reason: reason.trim(),
                  until: utcFromInput(until),
                }
              : { of: refOfEntry(entry), response: 'declined', reason: reason.trim() },
        });
        done = `${level === 'deferred' ? t('deferDone') : t('declineDone')} ${answer.id}`;
      }
      setReadBack('');
      setReason('');
      setFieldValues({});
      onDone(answer);
      return done;
    });
  };

  const levels: Array<[Level, string]> = [
    ['read', t('ackRead')],
    ['understood', t('ackUnderstood')],
    ...(isItem
      ? ([
          ['deferred', t('ackDefer')],
          ['declined', t('ackDecline')],
        ] as Array<[Level, string]>)
      : []),
  ];
  return (
    <form class="ack-form" onSubmit={submit} aria-labelledby="ack-title" noValidate>
      <h3 id="ack-title">{t('acknowledge')}</h3>
      <fieldset class="radio-row">
        <legend>{t('ackLevel')}</legend>
        {levels.map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name="ack-level"
              value={value}
              checked={level === value}
              onChange={() => setLevel(value)}
            />{' '}
            {label}
          </label>
        ))}
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
            error={submission.fieldError('readBack')}
          />
          {fields.data && fields.data.length > 0 && (
            <fieldset class="readback-fields">
              <legend>{t('readBackFields')}</legend>
              <p class="hint">{t('readBackFieldsHint')}</p>
              {fields.data.map((spec) =>
                spec.type === 'boolean' ? (
                  <SelectField
                    key={spec.name}
                    id={`rb-${spec.name}`}
                    label={spec.title ? `${spec.title} (${spec.name})` : spec.name}
                    value={fieldValues[spec.name] ?? ''}
                    onChange={(v) => setFieldValues((s) => ({ ...s, [spec.name]: v }))}
                    error={submission.fieldError(`readBackFields.${spec.name}`)}
                    options={[
                      { value: '', label: '—' },
                      { value: 'true', label: t('yes') },
                      { value: 'false', label: t('no') },
                    ]}
                  />
                ) : (
                  <TextField
                    key={spec.name}
                    id={`rb-${spec.name}`}
                    label={spec.title ? `${spec.title} (${spec.name})` : spec.name}
                    value={fieldValues[spec.name] ?? ''}
                    onInput={(v) => setFieldValues((s) => ({ ...s, [spec.name]: v }))}
                    error={submission.fieldError(`readBackFields.${spec.name}`)}
                  />
                ),
              )}
            </fieldset>
          )}
        </>
      )}
      {(level === 'deferred' || level === 'declined') && (
        <TextArea
          id="ack-reason"
          label={t('answerReason')}
          value={reason}
          onInput={setReason}
          rows={2}
          error={submission.fieldError('reason')}
        />
      )}
      {level === 'deferred' && (
        <TextField
          id="ack-until"
          type="datetime-local"
          label={t('deferUntil')}
          value={until}
          onInput={setUntil}
          error={submission.fieldError('until')}
        />
      )}
      {level !== 'read' && (
        <SelectField
          id="ack-lang"
          label={t('ackLanguage')}
          value={lang}
          onChange={setLang}
          options={channel.languages.map((l) => ({ value: l, label: l }))}
        />
      )}
      <FormError message={submission.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={submission.busy}>
          {level === 'deferred'
            ? t('ackSendDefer')
            : level === 'declined'
              ? t('ackSendDecline')
              : t('ackSubmit')}
        </button>
        <DoneNote message={submission.done} />
      </div>
    </form>
  );
}
