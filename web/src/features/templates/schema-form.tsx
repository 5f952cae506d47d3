/**
 * A form rendered from a template's JSON Schema: an object's properties as labelled controls
 * (text; date, time and date-time pickers, read as UTC; integers and numbers; yes/no; a choice
 * for an enum), required ones marked, objects nested one level as a group. Values are kept as
 * typed (`area.lat` → "95") and turned into the `fields` object by `collectFields`; the node's
 * refusal (`fields.area.lat: must be <= 90`) is shown on the control it names.
 */
import { t } from './messages';

export interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
}

export type RawValues = Record<string, string>;

interface Leaf {
  path: string;
  schema: JsonSchema;
  required: boolean;
}

function typeOf(schema: JsonSchema): string {
  return Array.isArray(schema.type)
    ? (schema.type.find((x) => x !== 'null') ?? 'string')
    : (schema.type ?? 'string');
}

export function controlId(path: string): string {
  return `nf-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** Turns one typed value into what the schema expects (left as typed when it does not parse). */
function convert(schema: JsonSchema, raw: string): unknown {
  if (schema.enum) {
    const index = Number(raw);
    return Number.isInteger(index) && schema.enum[index] !== undefined ? schema.enum[index] : raw;
  }
  const type = typeOf(schema);
  if (type === 'integer' || type === 'number') {
    const n = Number(raw.trim());
    return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
  }
  if (type === 'boolean') return raw === 'true';
  if (type === 'object' || type === 'array') {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  if (schema.format === 'time') return `${raw.length === 5 ? `${raw}:00` : raw}Z`;
  if (schema.format === 'date-time') return `${raw.length === 16 ? `${raw}:00` : raw}Z`;
  return raw;
}

/** The `fields` object from the typed values; empty controls are left out. */
export function collectFields(schema: JsonSchema, values: RawValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (typeOf(prop) === 'object' && prop.properties) {
      const nested = collectFields(prop, prefixed(values, name));
      if (Object.keys(nested).length > 0) out[name] = nested;
      continue;
    }
    const raw = values[name];
    if (raw !== undefined && raw !== '') out[name] = convert(prop, raw);
  }
  return out;
}

function prefixed(values: RawValues, name: string): RawValues {
  const out: RawValues = {};
  for (const [key, value] of Object.entries(values))
    if (key.startsWith(`${name}.`)) out[key.slice(name.length + 1)] = value;
  return out;
}

export function SchemaForm(props: {
  schema: JsonSchema;
  values: RawValues;
  errors: Record<string, string>;
  onChange: (path: string, value: string) => void;
}) {
  const properties = Object.entries(props.schema.properties ?? {});
  if (properties.length === 0) return <p class="muted">{t('templateNoFields')}</p>;
  const required = new Set(props.schema.required ?? []);
  return (
    <div class="schema-form">
      {properties.map(([name, schema]) =>
        typeOf(schema) === 'object' && schema.properties ? (
          <fieldset
            key={name}
            class={`schema-group${props.errors[name] ? ' has-error' : ''}`}
            data-field={name}
          >
            <legend>
              {schema.title ?? name}
              {required.has(name) && <RequiredMark />}
            </legend>
            {props.errors[name] && (
              <span class="field-error" role="alert" id={`${controlId(name)}-error`}>
                {props.errors[name]}
              </span>
            )}
            <div class="schema-grid">
              {Object.entries(schema.properties).map(([child, childSchema]) => (
                <Control
                  key={child}
                  leaf={{
                    path: `${name}.${child}`,
                    schema: childSchema,
                    required: (schema.required ?? []).includes(child),
                  }}
                  label={childSchema.title ?? child}
                  {...props}
                />
              ))}
            </div>
          </fieldset>
        ) : (
          <Control
            key={name}
            leaf={{ path: name, schema, required: required.has(name) }}
            label={schema.title ?? name}
            {...props}
          />
        ),
      )}
    </div>
  );
}

function RequiredMark() {
  return (
    <span class="required" aria-hidden="true">
      {' '}
      *
    </span>
  );
}

function Control(props: {
  leaf: Leaf;
  label: string;
  values: RawValues;
  errors: Record<string, string>;
  onChange: (path: string, value: string) => void;
}) {
  const { path, schema, required } = props.leaf;
  const id = controlId(path);
  const error = props.errors[path];
  const value = props.values[path] ?? '';
  const type = typeOf(schema);
  const common = {
    id,
    name: id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
    'aria-required': required ? true : undefined,
  } as const;
  const set = (v: string): void => props.onChange(path, v);
  let hint = '';
  let control;
  if (schema.enum) {
    control = (
      <select {...common} value={value} onChange={(e) => set(e.currentTarget.value)}>
        <option value="">—</option>
        {schema.enum.map((option, i) => (
          <option key={i} value={String(i)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  } else if (type === 'boolean') {
    control = (
      <select {...common} value={value} onChange={(e) => set(e.currentTarget.value)}>
        <option value="">—</option>
        <option value="true">{t('yes')}</option>
        <option value="false">{t('no')}</option>
      </select>
    );
  } else if (type === 'integer' || type === 'number') {
    hint = [
      type === 'integer' ? t('wholeNumber') : '',
      schema.minimum !== undefined ? `≥ ${schema.minimum}` : '',
      schema.maximum !== undefined ? `≤ ${schema.maximum}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    control = (
      <input
        {...common}
        type="text"
        inputMode="numeric"
        value={value}
        onInput={(e) => set(e.currentTarget.value)}
      />
    );
  } else if (type === 'object' || type === 'array') {
    hint = t('jsonValue');
    control = <textarea {...common} rows={2} value={value} onInput={(e) => set(e.currentTarget.value)} />;
  } else {
    if (schema.format === 'time' || schema.format === 'date-time') hint = 'UTC';
    const onInput = (e: { currentTarget: HTMLInputElement }): void => set(e.currentTarget.value);
    control =
      schema.format === 'date' ? (
        <input {...common} type="date" value={value} onInput={onInput} />
      ) : schema.format === 'time' ? (
        <input {...common} type="time" step={1} value={value} onInput={onInput} />
      ) : schema.format === 'date-time' ? (
        <input {...common} type="datetime-local" value={value} onInput={onInput} />
      ) : (
        <input {...common} type="text" value={value} onInput={onInput} />
      );
  }
  return (
    <div class={`field${error ? ' has-error' : ''}`} data-field={path}>
      <label for={id}>
        {props.label}
        {props.label !== path.split('.').at(-1) && <span class="muted mono small"> {path}</span>}
        {required && <RequiredMark />}
      </label>
      {control}
      {(hint || schema.description) && (
        <span class="hint">{[schema.description, hint].filter(Boolean).join(' — ')}</span>
      )}
      {error && (
        <span class="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
