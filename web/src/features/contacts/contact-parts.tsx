/**
 * Pieces the keeping-contact views share: their props and frame, their forms, reloading on live
 * updates, the channel's languages for a form, a toggled panel, and the countdown to an answer
 * date (on the one shared clock of lib/clock.ts).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Channel, Me } from '../../lib/api';
import { useNow } from '../../lib/clock';
import { formatSpan } from '../../lib/durations';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { formatTime, locale } from '../../lib/i18n';
import type { AsyncState } from '../../lib/use-async';
import { t } from './messages';
import { ReadOnlyNote, useMayWrite } from '../../lib/write-access';

export interface ViewProps {
  channel: Channel;
  me: Me;
  /** Changes when live updates brought new entries: the view reloads. */
  version: number;
}

/** Reloads `reload` when `version` changes (not on the first render). */
export function useReloadOn(version: number, reload: () => void): void {
  const [seen, setSeen] = useState(version);
  useEffect(() => {
    if (version !== seen) {
      setSeen(version);
      reload();
    }
  }, [version, seen, reload]);
}

/** The channel's languages as choices for a form. */
export function languageOptions(channel: Channel) {
  return channel.languages.map((l) => ({ value: l, label: l }));
}

/** The interface language if the channel uses it, else the channel's first language. */
export function defaultLang(channel: Channel): string {
  const ui = locale.get();
  return channel.languages.includes(ui) ? ui : (channel.languages[0] ?? 'en');
}

/** A toggled panel: a button with aria-expanded and the region it controls. */
function Disclosure(props: {
  id: string;
  label: string;
  open: boolean;
  onToggle: () => void;
  children: ComponentChildren;
  primary?: boolean;
}) {
  return (
    <>
      <button
        type="button"
        class={props.primary ? 'primary' : 'secondary'}
        aria-expanded={props.open}
        aria-controls={props.id}
        onClick={props.onToggle}
      >
        {props.label}
      </button>
      {props.open && (
        <div id={props.id} class="disclosure">
          {props.children}
        </div>
      )}
    </>
  );
}

/** An entry or commitment id (`CHANNEL/PARTY/seq`) made safe for element ids. */
export function domId(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, '-');
}

/** Time left until `due` (ISO), ticking; past it, how long overdue. */
export function DueCountdown({ due }: { due: string }) {
  const now = useNow();
  const left = Date.parse(due) - now;
  return (
    <span
      class={`due-countdown${left < 0 ? ' is-overdue' : ''}`}
      data-overdue={String(left < 0)}
      title={formatTime(due)}
    >
      {left < 0
        ? `${t('overdueBy')} ${formatSpan(left, locale.get())}`
        : `${formatSpan(left, locale.get())} ${t('left')}`}
    </span>
  );
}

/**
 * The frame of a keeping-contact view: its heading with the toggled form that adds one, a notice
 * of what was just added, and the loading, error and empty states of its list (`children`). Who
 * may not write in the channel is offered no form, and told why under the heading.
 */
export function ContactsViewFrame(props: {
  /** `briefings` or `invitations`: names the view's class and its heading's id. */
  name: string;
  title: string;
  addId: string;
  addLabel: string;
  /** Put before the new entry's id in the notice. */
  addedLabel: string;
  data: AsyncState<unknown>;
  /** The data is loaded and has nothing to list. */
  empty: boolean;
  emptyText: string;
  form: (onDone: (id: string) => void) => ComponentChildren;
  /** Whether this person may add one at all (the node's own rule, e.g. heads only); default yes. */
  mayAdd?: boolean;
  children: ComponentChildren;
}) {
  const { data } = props;
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const mayWrite = useMayWrite();
  return (
    <section class={`contacts-view ${props.name}-view`} aria-labelledby={`${props.name}-title`}>
      <div class="section-head">
        <h2 id={`${props.name}-title`}>{props.title}</h2>
        {mayWrite && (props.mayAdd ?? true) && (
          <Disclosure
            id={props.addId}
            label={props.addLabel}
            open={adding}
            primary
            onToggle={() => setAdding((v) => !v)}
          >
            {props.form((id) => {
              setAdding(false);
              setNotice(`${props.addedLabel}: ${id}`);
              data.reload();
            })}
          </Disclosure>
        )}
      </div>
      <ReadOnlyNote />
      {notice && (
        <p class="ok-text contact-notice" role="status">
          {notice}
        </p>
      )}
      {data.error ? <ErrorBox error={data.error} onRetry={data.reload} /> : null}
      {!data.data && data.loading && <Loading />}
      {data.data && props.empty && <EmptyState>{props.emptyText}</EmptyState>}
      {props.children}
    </section>
  );
}

/**
 * A keeping-contact form: named for assistive technology by `label`, and checked by its own
 * submit handler rather than by the browser (`noValidate`), so the errors speak the interface's
 * language and sit on the fields they concern.
 */
export function ContactForm(props: {
  /** Added to `contact-form`: `card`, `minutes-form`, `readout-form`. */
  class: string;
  label: string;
  onSubmit: (event: Event) => Promise<void>;
  children: ComponentChildren;
}) {
  return (
    <form
      class={`contact-form ${props.class}`}
      onSubmit={(e) => void props.onSubmit(e)}
      noValidate
      aria-label={props.label}
    >
      {props.children}
    </form>
  );
}
