/**
 * Briefings in one channel as a calendar-like list by day (proposed time, or the time held once
 * minutes are recorded): proposing and accepting them, and for each its minutes and readouts
 * (briefing-records.tsx); who may not write in the channel only reads them. Refreshes when the
 * channel's live updates bring anything new.
 */
import { useMemo, useState } from 'preact/hooks';
import type { Channel, Me } from '../../lib/api';
import { FormError } from '../../lib/components/field';
import { formatHlc, formatTime, locale } from '../../lib/i18n';
import { useSignal } from '../../lib/signal';
import { useAsync } from '../../lib/use-async';
import { formErrorOf, useSubmit } from '../../lib/use-submit';
import { allowedActions, BriefingActionForm, type BriefingAction } from './briefing-actions';
import { bt } from './briefing-action-messages';
import { BriefingProposalForm } from './briefing-proposal';
import { CalendarPanel } from './calendar-feeds';
import { MinutesForm, ReadoutForm, ReadoutList } from './briefing-records';
import { ContactsViewFrame, domId, useReloadOn, type ViewProps } from './contact-parts';
import { contactsApi, type Briefing, type Occurrence } from './contacts-api';
import { t, type MessageKey } from './messages';
import { ReadoutCompare } from './readout-compare';
import { useMayWrite } from '../../lib/write-access';

type Day = {
  key: string;
  label: string;
  today: boolean;
  items: Array<{ briefing: Briefing; occurrence: Occurrence; when: string }>;
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

/** Occurrences of briefings grouped by UTC day of their held (else planned) time. */
export function byDay(briefings: Briefing[], now = Date.now()): Day[] {
  const days = new Map<string, Day>();
  const today = new Date(now).toISOString().slice(0, 10);
  for (const briefing of briefings) {
    for (const occurrence of briefing.occurrences) {
      const when = occurrence.minutes?.heldAt ?? occurrence.start;
      const key = new Date(when).toISOString().slice(0, 10);
      let day = days.get(key);
      if (!day) {
        day = { key, label: dayLabel(key), today: key === today, items: [] };
        days.set(key, day);
      }
      day.items.push({ briefing, occurrence, when });
    }
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
  const days = useMemo(() => byDay(data.data?.briefings ?? []), [data.data, locale.get()]);

  return (
    <ContactsViewFrame
      name="briefings"
      title={t('briefingsTitle')}
      addId="propose-briefing"
      addLabel={t('proposeBriefing')}
      addedLabel={t('proposed')}
      data={data}
      empty={data.data?.briefings.length === 0}
      emptyText={t('briefingsEmpty')}
      form={(onDone) => <BriefingProposalForm channel={channel} onDone={onDone} />}
    >
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
                {day.items.map(({ briefing, occurrence, when }) => (
                  <BriefingCard
                    key={`${briefing.id}/${occurrence.occurrence}`}
                    channel={channel}
                    me={me}
                    briefing={briefing}
                    occurrence={occurrence}
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
      <CalendarPanel channel={channel} />
    </ContactsViewFrame>
  );
}

const STATE_LABEL: Record<Occurrence['state'], MessageKey> = {
  held: 'stateHeld',
  accepted: 'stateAccepted',
  proposed: 'stateProposed',
  declined: 'stateDeclined',
  postponed: 'statePostponed',
  cancelled: 'stateCancelled',
};

function BriefingCard(props: {
  channel: Channel;
  me: Me;
  briefing: Briefing;
  occurrence: Occurrence;
  when: string;
  onChange: () => void;
}) {
  const { channel, me, briefing, occurrence: o, when } = props;
  const myParty = me.node.party;
  const state = o.state;
  const accepted = o.answers.filter((a) => a.answer === 'accept');
  const declines = o.answers.filter((a) => a.answer === 'decline');
  const [panel, setPanel] = useState<'minutes' | 'readout' | 'compare' | BriefingAction | null>(null);
  const toggle = (p: typeof panel) => setPanel((current) => (current === p ? null : p));
  // A refusal because this card was out of date (cancelled or changed meanwhile): the card
  // reloads, and says it here, where it outlives the controls the reload takes away.
  const [staleRefusal, setStaleRefusal] = useState<unknown>(null);
  const onStale = (failure: unknown) => {
    setStaleRefusal(failure);
    if (failure !== null) props.onChange();
  };
  const accepting = useSubmit([], { onStale });
  const mayWrite = useMayWrite();
  const readoutParties = new Set(briefing.readouts.map((r) => r.party));
  const open = state !== 'held' && state !== 'cancelled';
  const canAccept = mayWrite && open && briefing.party !== myParty && o.waitingFor.includes(myParty);
  const actions = mayWrite ? allowedActions(briefing, o, myParty) : [];
  const titleId = `briefing-${domId(briefing.id)}-${domId(o.occurrence)}`;
  /** Opens or closes one of the card's panels below its actions. */
  const panelButton = (p: NonNullable<typeof panel>, label: string) => (
    <button
      key={p}
      type="button"
      class="secondary"
      aria-expanded={panel === p}
      aria-controls={`${titleId}-panel`}
      onClick={() => toggle(p)}
    >
      {label}
    </button>
  );

  const accept = () =>
    accepting.run(async () => {
      const of = await contactsApi.ref(briefing.id);
      await contactsApi.post(channel.id, {
        kind: 'briefing-answer',
        body: { of, occurrence: o.occurrence, answer: 'accept' },
      });
      props.onChange();
    });

  return (
    <li
      class={`briefing-card bc-${state}`}
      data-briefing={briefing.id}
      data-occurrence={o.occurrence}
      data-state={state}
      aria-labelledby={titleId}
    >
      <div class="briefing-time">
        <span class="time">{timeOfDay(when)}</span>
        <span class="muted small">{o.minutes ? t('atHeld') : t('atProposed')}</span>
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
            {accepted.length === 0
              ? t('nobody')
              : accepted.map((a) => `${a.party} · ${a.by} (${formatHlc(a.at)})`).join('; ')}
          </dd>
          {declines.length > 0 && (
            <>
              <dt>{bt('declinedBy')}</dt>
              <dd class="declines">
                {declines.map((a) => `${a.party} · ${a.by}: ${a.reason ?? ''}`).join('; ')}
              </dd>
            </>
          )}
          {open && o.waitingFor.length > 0 && (
            <>
              <dt>{t('waitingForLabel')}</dt>
              <dd class="waiting">{o.waitingFor.join(', ')}</dd>
            </>
          )}
          {o.changes.length > 0 && (
            <>
              <dt>{t(STATE_LABEL[state])}</dt>
              <dd class="changes">
                {o.changes.map((c) => `${c.change} · ${c.party}: ${c.reason}`).join('; ')}
              </dd>
            </>
          )}
          {o.minutes && (
            <>
              <dt>{t('minutesTitle')}</dt>
              <dd class="minutes">
                {t('minutesHeld')} {formatTime(o.minutes.heldAt)}, {o.minutes.durationMinutes}{' '}
                {t('minutesFor')}
                {o.minutes.amendments.length > 0 && ` (${t('amendedLabel')})`}
                <p class="minutes-summary">{o.minutes.text}</p>
                {o.minutes.noShows.length > 0 && (
                  <p class="no-shows">
                    {t('noShowsLabel')}:{' '}
                    {o.minutes.noShows.map((n) => `${n.office} (${n.reason})`).join('; ')}
                  </p>
                )}
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
            <button type="button" class="primary" disabled={accepting.busy} onClick={() => void accept()}>
              {accepting.busy ? t('accepting') : t('accept')}
            </button>
          )}
          {mayWrite && state === 'accepted' && panelButton('minutes', t('recordMinutes'))}
          {actions.map((a) => panelButton(a, bt(a)))}
          {mayWrite && panelButton('readout', t('recordReadout'))}
          {readoutParties.size >= 2 &&
            panelButton('compare', panel === 'compare' ? t('hideCompare') : t('compareReadouts'))}
        </div>
        <FormError message={accepting.error} />
        <FormError message={staleRefusal === null ? null : formErrorOf(staleRefusal)} />
        <div id={`${titleId}-panel`}>
          {mayWrite && panel === 'minutes' && (
            <MinutesForm channel={channel} briefing={briefing} occurrence={o} onDone={props.onChange} />
          )}
          {mayWrite && panel === 'readout' && (
            <ReadoutForm channel={channel} briefing={briefing} onDone={props.onChange} />
          )}
          {actions.find((a) => a === panel) && (
            <BriefingActionForm
              key={panel}
              channel={channel}
              briefing={briefing}
              occurrence={o}
              action={panel as BriefingAction}
              onDone={props.onChange}
              onStale={onStale}
            />
          )}
          {panel === 'compare' && <ReadoutCompare readouts={briefing.readouts} id={`${titleId}-compare`} />}
          {panel !== 'compare' && readoutParties.size === 1 && <ReadoutList readouts={briefing.readouts} />}
        </div>
      </div>
    </li>
  );
}
