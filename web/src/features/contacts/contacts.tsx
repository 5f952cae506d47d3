/**
 * Keeping contact in one channel: briefings as a calendar-like list by day (proposed time, or the
 * time held once minutes are recorded), proposing and accepting them, recording minutes (refused
 * by the node until every other party has accepted) and each party's readout, compared side by
 * side; invitations with what, where, a countdown to the answer date, their state and answers.
 * Both views refresh when the channel's live updates bring anything new.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type Channel, type Me } from '../../lib/api';
import {
  contactsApi,
  nowLocalInput,
  respondDeadline,
  utcFromLocalInput,
  type Briefing,
  type Invitation,
  type InvitationAnswer,
  type Readout,
} from './contacts-api';
import { latestByParty, ReadoutCompare } from './readout-compare';
import { FormError, SelectField, TextArea, TextField } from '../../lib/components/field';
import { describeError, EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { formatHlc, formatTime, locale } from '../../lib/i18n';
import { t, type MessageKey } from './messages';
import { useSignal } from '../../lib/signal';
import { useAsync } from '../../lib/use-async';
import './contacts.css';

interface ViewProps {
  channel: Channel;
  me: Me;
  /** Changes when live updates brought new entries: the view reloads. */
  version: number;
}

/** Reloads `reload` when `version` changes (not on the first render). */
function useReloadOn(version: number, reload: () => void): void {
  const [seen, setSeen] = useState(version);
  useEffect(() => {
    if (version !== seen) {
      setSeen(version);
      reload();
    }
  }, [version, seen, reload]);
}

function languageOptions(channel: Channel) {
  return channel.languages.map((l) => ({ value: l, label: l }));
}

function defaultLang(channel: Channel): string {
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

function errorText(error: unknown): string {
  return describeError(error);
}

// ——— Briefings ———

type Day = {
  key: string;
  label: string;
  today: boolean;
  items: Array<{ briefing: Briefing; when: string | null }>;
};

function dayLabel(key: string): string {
  const date = new Date(`${key}T00:00:00Z`);
  return date.toLocaleDateString(locale.get() === 'ru' ? 'ru-RU' : 'en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
}

function timeOfDay(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(11, 16)} UTC`;
}

/** Briefings grouped by UTC day of their held (else proposed) time; undated ones last. */
export function byDay(briefings: Briefing[], now = Date.now()): Day[] {
  const days = new Map<string, Day>();
  const today = new Date(now).toISOString().slice(0, 10);
  for (const briefing of briefings) {
    const when = briefing.minutes?.heldAt ?? briefing.at;
    const key = when ? new Date(when).toISOString().slice(0, 10) : '';
    let day = days.get(key);
    if (!day) {
      day = { key, label: key ? dayLabel(key) : t('undated'), today: key === today, items: [] };
      days.set(key, day);
    }
    day.items.push({ briefing, when });
  }
  const list = [...days.values()].sort((a, b) =>
    a.key === '' ? 1 : b.key === '' ? -1 : a.key < b.key ? -1 : 1,
  );
  for (const day of list)
    day.items.sort(
      (a, b) =>
        Date.parse(a.when ?? '') - Date.parse(b.when ?? '') || (a.briefing.id < b.briefing.id ? -1 : 1),
    );
  return list;
}

export function BriefingsView({ channel, me, version }: ViewProps) {
  useSignal(locale);
  const data = useAsync(() => contactsApi.briefings(channel.id), [channel.id]);
  useReloadOn(version, data.reload);
  const [proposing, setProposing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const days = useMemo(() => byDay(data.data?.briefings ?? []), [data.data, locale.get()]);

  return (
    <section class="contacts-view briefings-view" aria-labelledby="briefings-title">
      <div class="section-head">
        <h2 id="briefings-title">{t('briefingsTitle')}</h2>
        <Disclosure
          id="propose-briefing"
          label={t('proposeBriefing')}
          open={proposing}
          primary
          onToggle={() => setProposing((v) => !v)}
        >
          <ProposeForm
            channel={channel}
            onDone={(id) => {
              setProposing(false);
              setNotice(`${t('proposed')}: ${id}`);
              data.reload();
            }}
          />
        </Disclosure>
      </div>
      {notice && (
        <p class="ok-text contact-notice" role="status">
          {notice}
        </p>
      )}
      {data.error ? <ErrorBox error={data.error} onRetry={data.reload} /> : null}
      {!data.data && data.loading && <Loading />}
      {data.data && data.data.briefings.length === 0 && <EmptyState>{t('briefingsEmpty')}</EmptyState>}
      {days.length > 0 && (
        <ol class="calendar" aria-label={t('briefingsTitle')}>
          {days.map((day) => (
            <li
              key={day.key || 'undated'}
              class={`calendar-day${day.today ? ' is-today' : ''}`}
              data-day={day.key}
            >
              <h3 class="day-head">
                {day.label}
                {day.today && <span class="badge today-badge">{t('today')}</span>}
              </h3>
              <ul class="day-items">
                {day.items.map(({ briefing, when }) => (
                  <BriefingCard
                    key={briefing.id}
                    channel={channel}
                    me={me}
                    briefing={briefing}
                    when={when}
                    onChange={data.reload}
                  />
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
      {data.data && data.data.readouts.length > 0 && (
        <section class="card unlinked-readouts" aria-labelledby="unlinked-title">
          <h3 id="unlinked-title">{t('unlinkedReadouts')}</h3>
          <ReadoutList readouts={data.data.readouts} />
        </section>
      )}
    </section>
  );
}

function ProposeForm({ channel, onDone }: { channel: Channel; onDone: (id: string) => void }) {
  const [title, setTitle] = useState('');
  const [agenda, setAgenda] = useState('');
  const [at, setAt] = useState('');
  const [lang, setLang] = useState(defaultLang(channel));
  const [busy, setBusy] = useState(false);
  const [titleError, setTitleError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!title.trim()) {
      setTitleError(t('titleRequired'));
      return;
    }
    setTitleError(null);
    setBusy(true);
    try {
      const body: Record<string, unknown> = {
        title: title.trim(),
        agenda: agenda
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
      };
      if (at) body.at = utcFromLocalInput(at);
      const entry = await contactsApi.post(channel.id, { kind: 'briefing', lang, body });
      setTitle('');
      setAgenda('');
      setAt('');
      onDone(entry.id);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="contact-form card"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={t('proposeBriefing')}
    >
      <div class="form-grid">
        <TextField
          id="briefing-title"
          label={t('briefingTitle')}
          value={title}
          onInput={setTitle}
          error={titleError}
        />
        <div class="field">
          <label for="briefing-at">{t('briefingAt')}</label>
          <input
            id="briefing-at"
            type="datetime-local"
            value={at}
            onInput={(e) => setAt(e.currentTarget.value)}
          />
        </div>
        <SelectField
          id="briefing-lang"
          label={t('briefingLang')}
          value={lang}
          onChange={setLang}
          options={languageOptions(channel)}
        />
      </div>
      <TextArea
        id="briefing-agenda"
        label={t('briefingAgenda')}
        hint={t('briefingAgendaHint')}
        value={agenda}
        onInput={setAgenda}
        lang={lang}
        rows={3}
      />
      <FormError message={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('proposing') : t('propose')}
        </button>
      </div>
    </form>
  );
}

function briefingState(b: Briefing): 'held' | 'accepted' | 'proposed' {
  return b.minutes ? 'held' : b.waitingFor.length === 0 ? 'accepted' : 'proposed';
}

const STATE_LABEL: Record<ReturnType<typeof briefingState>, MessageKey> = {
  held: 'stateHeld',
  accepted: 'stateAccepted',
  proposed: 'stateProposed',
};

function BriefingCard(props: {
  channel: Channel;
  me: Me;
  briefing: Briefing;
  when: string | null;
  onChange: () => void;
}) {
  const { channel, me, briefing, when } = props;
  const myParty = me.node.party;
  const state = briefingState(briefing);
  const [panel, setPanel] = useState<'minutes' | 'readout' | 'compare' | null>(null);
  const toggle = (p: typeof panel) => setPanel((current) => (current === p ? null : p));
  const [accepting, setAccepting] = useState(false);
  const [acceptError, setAcceptError] = useState<string | null>(null);
  const readoutParties = new Set(briefing.readouts.map((r) => r.party));
  const canAccept = briefing.party !== myParty && briefing.waitingFor.includes(myParty);
  const titleId = `briefing-${briefing.id.replace(/[^A-Za-z0-9]/g, '-')}`;

  const accept = async () => {
    setAccepting(true);
    setAcceptError(null);
    try {
      const of = await contactsApi.ref(briefing.id);
      await contactsApi.post(channel.id, { kind: 'briefing-accept', body: { of } });
      props.onChange();
    } catch (failure) {
      setAcceptError(errorText(failure));
    } finally {
      setAccepting(false);
    }
  };

  return (
    <li
      class={`briefing-card bc-${state}`}
      data-briefing={briefing.id}
      data-state={state}
      aria-labelledby={titleId}
    >
      <div class="briefing-time">
        <span class="time">{when ? timeOfDay(when) : '—'}</span>
        <span class="muted small">{briefing.minutes ? t('atHeld') : t('atProposed')}</span>
      </div>
      <div class="briefing-body">
        <div class="briefing-head">
          <h4 id={titleId}>{briefing.title}</h4>
          <span class={`badge briefing-state bs-${state}`}>{t(STATE_LABEL[state])}</span>
        </div>
        {briefing.agenda.length > 0 && (
          <ol class="agenda" aria-label={t('briefingAgenda')}>
            {briefing.agenda.map((item, i) => (
              <li key={i}>{item}</li>
            ))}
          </ol>
        )}
        <dl class="facts-grid">
          <dt>{t('proposedByLabel')}</dt>
          <dd>
            {briefing.party} · {briefing.proposedBy} <span class="muted mono small">{briefing.id}</span>
          </dd>
          <dt>{t('acceptedByLabel')}</dt>
          <dd>
            {briefing.acceptedBy.length === 0
              ? t('nobody')
              : briefing.acceptedBy.map((a) => `${a.party} · ${a.by} (${formatHlc(a.at)})`).join('; ')}
          </dd>
          {briefing.waitingFor.length > 0 && (
            <>
              <dt>{t('waitingForLabel')}</dt>
              <dd class="waiting">{briefing.waitingFor.join(', ')}</dd>
            </>
          )}
          {briefing.minutes && (
            <>
              <dt>{t('minutesTitle')}</dt>
              <dd class="minutes">
                {t('minutesHeld')} {formatTime(briefing.minutes.heldAt)}, {briefing.minutes.durationMinutes}{' '}
                {t('minutesFor')}
                {briefing.minutes.summary && <p class="minutes-summary">{briefing.minutes.summary}</p>}
              </dd>
            </>
          )}
          <dt>{t('readoutsTitle')}</dt>
          <dd>
            {briefing.readouts.length === 0
              ? t('readoutsNone')
              : `${briefing.readouts.length} (${[...readoutParties].join(', ')})`}
          </dd>
        </dl>
        <div class="actions card-actions">
          {canAccept && (
            <button type="button" class="primary" disabled={accepting} onClick={() => void accept()}>
              {accepting ? t('accepting') : t('accept')}
            </button>
          )}
          {!briefing.minutes && (
            <button
              type="button"
              class="secondary"
              aria-expanded={panel === 'minutes'}
              aria-controls={`${titleId}-panel`}
              onClick={() => toggle('minutes')}
            >
              {t('recordMinutes')}
            </button>
          )}
          <button
            type="button"
            class="secondary"
            aria-expanded={panel === 'readout'}
            aria-controls={`${titleId}-panel`}
            onClick={() => toggle('readout')}
          >
            {t('recordReadout')}
          </button>
          {readoutParties.size >= 2 && (
            <button
              type="button"
              class="secondary"
              aria-expanded={panel === 'compare'}
              aria-controls={`${titleId}-panel`}
              onClick={() => toggle('compare')}
            >
              {panel === 'compare' ? t('hideCompare') : t('compareReadouts')}
            </button>
          )}
        </div>
        <FormError message={acceptError} />
        <div id={`${titleId}-panel`}>
          {panel === 'minutes' && (
            <MinutesForm channel={channel} briefing={briefing} onDone={props.onChange} />
          )}
          {panel === 'readout' && (
            <ReadoutForm channel={channel} briefing={briefing} onDone={props.onChange} />
          )}
          {panel === 'compare' && <ReadoutCompare readouts={briefing.readouts} id={`${titleId}-compare`} />}
          {panel !== 'compare' && readoutParties.size === 1 && <ReadoutList readouts={briefing.readouts} />}
        </div>
      </div>
    </li>
  );
}

function MinutesForm({
  channel,
  briefing,
  onDone,
}: {
  channel: Channel;
  briefing: Briefing;
  onDone: () => void;
}) {
  const base = briefing.at && briefing.at.length > 10 ? briefing.at.slice(0, 16) : nowLocalInput();
  const [heldAt, setHeldAt] = useState(base);
  const [duration, setDuration] = useState('30');
  const [summary, setSummary] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ heldAt?: string; duration?: string }>({});
  const [refusal, setRefusal] = useState<{ lead: string; detail: string | null } | null>(null);
  const [ok, setOk] = useState(false);
  const id = briefing.id.replace(/[^A-Za-z0-9]/g, '-');

  const submit = async (e: Event) => {
    e.preventDefault();
    setOk(false);
    setRefusal(null);
    const minutes = Number(duration);
    const next: typeof errors = {};
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(heldAt)) next.heldAt = t('timeInvalid');
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) next.duration = t('durationInvalid');
    setErrors(next);
    if (next.heldAt || next.duration) return;
    setBusy(true);
    try {
      const of = await contactsApi.ref(briefing.id);
      const body: Record<string, unknown> = {
        of,
        heldAt: utcFromLocalInput(heldAt),
        durationMinutes: minutes,
      };
      if (summary.trim()) body.summary = summary.trim();
      await contactsApi.post(channel.id, { kind: 'briefing-minutes', lang: defaultLang(channel), body });
      setOk(true);
      onDone();
    } catch (failure) {
      setRefusal(
        failure instanceof ApiError && failure.status === 409
          ? { lead: t('minutesRefused'), detail: errorText(failure) }
          : { lead: errorText(failure), detail: null },
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="contact-form minutes-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={t('recordMinutes')}
    >
      <div class="form-grid">
        <div class={`field${errors.heldAt ? ' has-error' : ''}`}>
          <label for={`minutes-at-${id}`}>{t('heldAt')}</label>
          <input
            id={`minutes-at-${id}`}
            type="datetime-local"
            value={heldAt}
            aria-invalid={errors.heldAt ? true : undefined}
            onInput={(e) => setHeldAt(e.currentTarget.value)}
          />
          {errors.heldAt && (
            <span class="field-error" role="alert">
              {errors.heldAt}
            </span>
          )}
        </div>
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
            onInput={(e) => setDuration(e.currentTarget.value)}
          />
          {errors.duration && (
            <span class="field-error" role="alert">
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
    </form>
  );
}

function ReadoutForm({
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
  const [busy, setBusy] = useState(false);
  const [textError, setTextError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState(false);
  const id = briefing.id.replace(/[^A-Za-z0-9]/g, '-');

  const submit = async (e: Event) => {
    e.preventDefault();
    setOk(false);
    setError(null);
    if (!text.trim()) {
      setTextError(t('readoutRequired'));
      return;
    }
    setTextError(null);
    setBusy(true);
    try {
      const of = await contactsApi.ref(briefing.id);
      await contactsApi.post(channel.id, { kind: 'readout', lang, body: { of, text: text.trim() } });
      setOk(true);
      setText('');
      onDone();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="contact-form readout-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={t('recordReadout')}
    >
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
        error={textError}
      />
      <FormError message={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('saving') : t('saveReadout')}
        </button>
        {ok && (
          <span class="ok-text" role="status">
            {t('readoutSaved')}
          </span>
        )}
      </div>
    </form>
  );
}

function ReadoutList({ readouts }: { readouts: Readout[] }) {
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

// ——— Invitations ———

const INVITATION_STATE: Record<string, MessageKey> = {
  pending: 'invPending',
  accepted: 'invAccepted',
  declined: 'invDeclined',
  deferred: 'invDeferred',
  overdue: 'invOverdue',
};

export function InvitationsView({ channel, me, version }: ViewProps) {
  useSignal(locale);
  const data = useAsync(() => contactsApi.invitations(channel.id), [channel.id]);
  useReloadOn(version, data.reload);
  const [inviting, setInviting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const list = [...(data.data?.invitations ?? [])].reverse();

  return (
    <section class="contacts-view invitations-view" aria-labelledby="invitations-title">
      <div class="section-head">
        <h2 id="invitations-title">{t('invitationsTitle')}</h2>
        <Disclosure
          id="new-invitation"
          label={t('newInvitation')}
          open={inviting}
          primary
          onToggle={() => setInviting((v) => !v)}
        >
          <InvitationForm
            channel={channel}
            onDone={(id) => {
              setInviting(false);
              setNotice(`${t('invited')}: ${id}`);
              data.reload();
            }}
          />
        </Disclosure>
      </div>
      {notice && (
        <p class="ok-text contact-notice" role="status">
          {notice}
        </p>
      )}
      {data.error ? <ErrorBox error={data.error} onRetry={data.reload} /> : null}
      {!data.data && data.loading && <Loading />}
      {data.data && list.length === 0 && <EmptyState>{t('invitationsEmpty')}</EmptyState>}
      {list.length > 0 && (
        <ul class="invitation-list" aria-label={t('invitationsTitle')}>
          {list.map((invitation) => (
            <InvitationCard
              key={invitation.id}
              channel={channel}
              me={me}
              invitation={invitation}
              onChange={data.reload}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function InvitationForm({ channel, onDone }: { channel: Channel; onDone: (id: string) => void }) {
  const [what, setWhat] = useState('');
  const [where, setWhere] = useState('');
  const [respondBy, setRespondBy] = useState('');
  const [text, setText] = useState('');
  const [lang, setLang] = useState(defaultLang(channel));
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ what?: string; where?: string; respondBy?: string }>({});
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const next: typeof errors = {};
    if (!what.trim()) next.what = t('whatRequired');
    if (!where.trim()) next.where = t('whereRequired');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(respondBy)) next.respondBy = t('respondByRequired');
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    setBusy(true);
    try {
      const body: Record<string, unknown> = { what: what.trim(), where: where.trim(), respondBy };
      if (text.trim()) body.text = text.trim();
      const entry = await contactsApi.post(channel.id, { kind: 'invitation', lang, body });
      setWhat('');
      setWhere('');
      setText('');
      onDone(entry.id);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="contact-form card"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={t('newInvitation')}
    >
      <div class="form-grid">
        <TextField
          id="invitation-what"
          label={t('invitationWhat')}
          value={what}
          onInput={setWhat}
          error={errors.what}
        />
        <TextField
          id="invitation-where"
          label={t('invitationWhere')}
          value={where}
          onInput={setWhere}
          error={errors.where}
        />
        <div class={`field${errors.respondBy ? ' has-error' : ''}`}>
          <label for="invitation-respond-by">{t('respondBy')}</label>
          <input
            id="invitation-respond-by"
            type="date"
            value={respondBy}
            aria-invalid={errors.respondBy ? true : undefined}
            aria-describedby={errors.respondBy ? 'invitation-respond-by-error' : undefined}
            onInput={(e) => setRespondBy(e.currentTarget.value)}
          />
          {errors.respondBy && (
            <span class="field-error" id="invitation-respond-by-error" role="alert">
              {errors.respondBy}
            </span>
          )}
        </div>
        <SelectField
          id="invitation-lang"
          label={t('briefingLang')}
          value={lang}
          onChange={setLang}
          options={languageOptions(channel)}
        />
      </div>
      <TextArea
        id="invitation-text"
        label={t('invitationText')}
        value={text}
        onInput={setText}
        lang={lang}
        rows={2}
      />
      <FormError message={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('inviting') : t('invite')}
        </button>
      </div>
    </form>
  );
}

/** The current time, re-rendered every `ms`. */
export function useTick(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** `3 d 04:10`, `4:07:09`, `12:09` for a span of milliseconds (sign ignored). */
export function span(ms: number): string {
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d} d ${two(h)}:${two(m)}`;
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** Time left until `due` (ISO), ticking; past it, how long overdue. */
export function DueCountdown({ due }: { due: string }) {
  const now = useTick();
  const left = Date.parse(due) - now;
  return (
    <span
      class={`due-countdown${left < 0 ? ' is-overdue' : ''}`}
      data-overdue={String(left < 0)}
      title={formatTime(due)}
    >
      {left < 0 ? `${t('overdueBy')} ${span(left)}` : `${span(left)} ${t('left')}`}
    </span>
  );
}

function InvitationCard(props: { channel: Channel; me: Me; invitation: Invitation; onChange: () => void }) {
  const { channel, me, invitation } = props;
  const myParty = me.node.party;
  const invited = invitation.party !== myParty;
  const mine = invitation.answers.filter((a) => a.party === myParty);
  const [changing, setChanging] = useState(false);
  const deadline = respondDeadline(invitation.respondBy);
  const answeredState = ['accepted', 'declined', 'deferred'].includes(invitation.state);
  const titleId = `inv-${invitation.id.replace(/[^A-Za-z0-9]/g, '-')}`;

  return (
    <li
      class={`invitation-card inv-${invitation.state}`}
      data-invitation={invitation.id}
      data-state={invitation.state}
      aria-labelledby={titleId}
    >
      <div class="invitation-head">
        <h3 id={titleId}>{invitation.what}</h3>
        <span class={`badge inv-state inv-state-${invitation.state}`}>
          {t(INVITATION_STATE[invitation.state] ?? 'invPending')}
        </span>
      </div>
      <dl class="facts-grid">
        <dt>{t('invitationWhere')}</dt>
        <dd>{invitation.where}</dd>
        <dt>{t('respondBy')}</dt>
        <dd>
          {invitation.respondBy} {!answeredState && <DueCountdown due={deadline} />}
        </dd>
        <dt>{t('invitedBy')}</dt>
        <dd>
          {invitation.party} · {invitation.by} <span class="muted mono small">{invitation.id}</span>
        </dd>
      </dl>
      {invitation.text && <p class="invitation-text">{invitation.text}</p>}
      <h4>{t('answersTitle')}</h4>
      {invitation.answers.length === 0 ? (
        <p class="muted">{t('noAnswers')}</p>
      ) : (
        <ul class="answer-list">
          {invitation.answers.map((a) => (
            <li key={a.id} data-answer={a.answer}>
              <span class={`badge inv-state inv-state-${a.answer}`}>
                {t(INVITATION_STATE[a.answer] ?? 'invPending')}
              </span>{' '}
              {a.party} · {a.by} · {formatHlc(a.at)}
              {a.note && <span class="answer-note"> — {a.note}</span>}
            </li>
          ))}
        </ul>
      )}
      {invited && (mine.length === 0 || changing) && (
        <AnswerForm
          channel={channel}
          invitation={invitation}
          onDone={() => {
            setChanging(false);
            props.onChange();
          }}
        />
      )}
      {invited && mine.length > 0 && !changing && (
        <button type="button" class="secondary" onClick={() => setChanging(true)}>
          {t('changeAnswer')}
        </button>
      )}
    </li>
  );
}

function AnswerForm({
  channel,
  invitation,
  onDone,
}: {
  channel: Channel;
  invitation: Invitation;
  onDone: () => void;
}) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState<InvitationAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = invitation.id.replace(/[^A-Za-z0-9]/g, '-');

  const answer = async (value: InvitationAnswer) => {
    setBusy(value);
    setError(null);
    try {
      const of = await contactsApi.ref(invitation.id);
      const body: Record<string, unknown> = { of, answer: value };
      if (note.trim()) body.note = note.trim();
      await contactsApi.post(channel.id, { kind: 'invitation-answer', lang: defaultLang(channel), body });
      setNote('');
      onDone();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(null);
    }
  };

  const button = (value: InvitationAnswer, label: MessageKey, cls: string) => (
    <button
      type="button"
      class={cls}
      disabled={busy !== null}
      onClick={() => void answer(value)}
      aria-label={`${t(label)}: ${invitation.what}`}
    >
      {busy === value ? t('answering') : t(label)}
    </button>
  );

  return (
    <div class="answer-form" role="group" aria-label={`${t('answersTitle')}: ${invitation.what}`}>
      <TextArea id={`answer-note-${id}`} label={t('answerNote')} value={note} onInput={setNote} rows={2} />
      <FormError message={error} />
      <div class="actions">
        {button('accepted', 'answerAccept', 'primary')}
        {button('declined', 'answerDecline', 'danger')}
        {button('deferred', 'answerDefer', 'secondary')}
      </div>
    </div>
  );
}
