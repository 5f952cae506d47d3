/**
 * A formatted notification: pick a published template version, fill the form its JSON Schema
 * describes, add the text; the node checks the fields against that exact version before signing
 * and its refusal is shown on the field it names. Who may not write in the channel is told why,
 * and offered no form.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError, api, type Channel, type Template } from '../../lib/api';
import { EnvelopeFields, useEnvelope } from '../../lib/components/envelope-fields';
import { FormError, SelectField, TextArea } from '../../lib/components/field';
import { SchemaForm, collectFields, type JsonSchema, type RawValues } from './schema-form';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { fieldRefusal } from '../../lib/field-errors';
import { locale } from '../../lib/i18n';
import { formErrorOf } from '../../lib/use-submit';
import { t } from './messages';
import { entryRoute, onLinkClick, routePath } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { ReadOnlyNote, useMayWrite } from '../../lib/write-access';

function leafPaths(schema: JsonSchema, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, prop]) => [
    `${prefix}${name}`,
    ...(prop.properties ? leafPaths(prop, `${prefix}${name}.`) : []),
  ]);
}

export function NotifyView({ channel }: { channel: Channel }) {
  const templates = useAsync(() => api.templates(channel.id), [channel.id]);
  const mayWrite = useMayWrite();
  if (!mayWrite) return <ReadOnlyNote />;
  if (templates.error) return <ErrorBox error={templates.error} onRetry={templates.reload} />;
  if (!templates.data) return <Loading />;
  if (templates.data.versions.length === 0) return <EmptyState>{t('templatesNone')}</EmptyState>;
  return <NotifyForm channel={channel} versions={templates.data.versions} />;
}

function NotifyForm({ channel, versions }: { channel: Channel; versions: Template[] }) {
  const sorted = useMemo(
    () => [...versions].sort((a, b) => a.name.localeCompare(b.name) || b.version - a.version),
    [versions],
  );
  const [chosen, setChosen] = useState(sorted[0]!.id);
  const template = sorted.find((v) => v.id === chosen) ?? sorted[0]!;
  const schema = template.schema as JsonSchema;
  const [values, setValues] = useState<RawValues>({});
  const [text, setText] = useState('');
  const envelope = useEnvelope({ precedence: 'PRIORITY', lang: channel.languages[0] ?? 'en', marking: '' });
  const { precedence, lang, marking } = envelope;
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(null);
    setSent(null);
    try {
      const entry = await api.postEntry(channel.id, {
        kind: 'notification',
        precedence,
        lang,
        ...(marking ? { marking } : {}),
        body: {
          template: { name: template.name, version: template.version },
          fields: collectFields(schema, values),
          text,
        },
      });
      setSent(entry.id);
      setValues({});
      setText('');
    } catch (failure) {
      // A template field's refusal (`fields.area.lat: must be <= 90`) is said on that field, the
      // text's on the text, in the interface language (lib/field-errors.ts).
      const refusal = failure instanceof ApiError ? fieldRefusal(failure, locale.get()) : null;
      const [head, ...rest] = refusal?.path ?? [];
      const templateField = head === 'fields' ? rest.join('.') : null;
      if (refusal && templateField && leafPaths(schema).includes(templateField))
        setErrors({ [templateField]: refusal.sentence });
      else if (refusal && head === 'text') setErrors({ text: refusal.sentence });
      else setFormError(formErrorOf(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="notify card" onSubmit={submit} aria-labelledby="notify-title" noValidate>
      <h2 id="notify-title">{t('notifyTitle')}</h2>
      <SelectField
        id="notify-template"
        label={t('template')}
        value={chosen}
        onChange={(id) => {
          setChosen(id);
          setValues({});
          setErrors({});
        }}
        options={sorted.map((v) => ({ value: v.id, label: templateLabel(v, sorted) }))}
      />
      <p class="muted small">
        {t('publishedBy')} {template.author} ({template.party})
      </p>
      <SchemaForm
        schema={schema}
        values={values}
        errors={errors}
        onChange={(path, value) => setValues((v) => ({ ...v, [path]: value }))}
      />
      <div class="compose-grid">
        <EnvelopeFields idPrefix="notify" languages={channel.languages} envelope={envelope} />
      </div>
      <TextArea
        id="notify-text"
        label={t('notifyText')}
        value={text}
        onInput={setText}
        lang={lang}
        rows={3}
        error={errors.text}
      />
      <FormError message={formError} />
      <div class="actions">
        <button
          type="submit"
          class={precedence === 'FLASH' ? 'danger' : 'primary'}
          disabled={busy || channel.state !== 'active'}
        >
          {busy ? t('sending') : `${t('sendNotification')} · ${precedence}`}
        </button>
        {sent && (
          <span class="ok-text" role="status">
            {t('sent')}:{' '}
            <a href={routePath(entryRoute(sent))} onClick={(e) => onLinkClick(e, entryRoute(sent))}>
              {sent}
            </a>
          </span>
        )}
      </div>
    </form>
  );
}

/**
 * A template as people name it: its title, and its version only where several versions share
 * the title (the `name@version` identifier is for the log, not for the reader).
 */
function templateLabel(v: { title: string; version: number }, all: ReadonlyArray<{ title: string }>): string {
  const sameTitle = all.filter((o) => o.title === v.title).length > 1;
  return sameTitle ? `${v.title} (${t('templateVersion')} ${v.version})` : v.title;
}
