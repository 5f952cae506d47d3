/**
 * Labelled form controls with their error underneath, tied together for assistive technology
 * (`aria-invalid`, `aria-describedby`), so every control has an accessible name.
 */
import type { ComponentChildren } from 'preact';

interface Common {
  id: string;
  label: string;
  error?: string | null;
  hint?: string;
}

function described({ id, error }: Common): Record<string, string | boolean | undefined> {
  return {
    id,
    name: id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
  };
}

function Frame({ id, label, error, hint, children }: Common & { children: ComponentChildren }) {
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && <span class="hint">{hint}</span>}
      {error && (
        <span class="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

export function TextField(
  props: Common & {
    value: string;
    onInput: (value: string) => void;
    /** Dates and times are the browser's own pickers (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`). */
    type?: 'text' | 'password' | 'date' | 'datetime-local';
    autoComplete?: string;
  },
) {
  return (
    <Frame {...props}>
      {props.type === 'password' ? (
        <input
          {...described(props)}
          type="password"
          value={props.value}
          autoComplete={props.autoComplete ?? 'off'}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      ) : props.type === 'date' || props.type === 'datetime-local' ? (
        <input
          {...described(props)}
          type={props.type}
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      ) : (
        <input
          {...described(props)}
          type="text"
          value={props.value}
          autoComplete={props.autoComplete ?? 'off'}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      )}
    </Frame>
  );
}

export function TextArea(
  props: Common & { value: string; onInput: (value: string) => void; lang?: string; rows?: number },
) {
  return (
    <Frame {...props}>
      <textarea
        {...described(props)}
        rows={props.rows ?? 3}
        lang={props.lang}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </Frame>
  );
}

export function SelectField<V extends string>(
  props: Common & {
    value: V;
    onChange: (value: V) => void;
    options: ReadonlyArray<{ value: V; label: string }>;
  },
) {
  return (
    <Frame {...props}>
      <select
        {...described(props)}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value as V)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

/** A form-level error (one not tied to a single field). */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p class="form-error" role="alert">
      {message}
    </p>
  );
}
