/**
 * What a party does to a briefing beyond accepting it, each with its reason: the invited party
 * declines it; a participating party reschedules, postpones or cancels it while it is open; and
 * once held, amends its minutes (an explicit, signed amendment). Only what the occurrence's
 * state and my party's role allow is offered (the node's rules, workflows/contacts/briefings/
 * fold.ts); for a recurring briefing each action names its occurrence. A refusal of the node is
 * shown on the field it concerns.
 */
import { useState } from 'preact/hooks';
import type { Channel } from '../../lib/api';
import { SelectField, TextArea, TextField } from '../../lib/components/field';
import { SubmitOutcome } from '../../lib/components/submit-outcome';
import { useSubmit } from '../../lib/use-submit';
import { bt } from './briefing-action-messages';
import { durationOptions } from './briefing-proposal';
import { ContactForm, defaultLang, domId } from './contact-parts';
import { contactsApi, utcFromLocalInput, type Briefing, type Occurrence } from './contacts-api';

export type BriefingAction = 'decline' | 'reschedule' | 'postpone' | 'cancel' | 'amend';

const WORDS = {
  decline: { title: 'declineTitle', submit: 'submitDecline', done: 'declined' },
  reschedule: { title: 'rescheduleTitle', submit: 'submitReschedule', done: 'rescheduled' },
  postpone: { title: 'postponeTitle', submit: 'submitPostpone', done: 'postponed' },
  cancel: { title: 'cancelTitle', submit: 'submitCancel', done: 'cancelled' },
  amend: { title: 'amendTitle', submit: 'submitAmend', done: 'amended' },
} as const;

/** The actions `party` may take on the occurrence as it stands (the node's rules, restated). */
export function allowedActions(briefing: Briefing, o: Occurrence, party: string): BriefingAction[] {
  const participant = briefing.party === party || briefing.participants.some((p) => p.party === party);
  if (!participant) return [];
  if (o.state === 'held') return o.minutes ? ['amend'] : [];
  if (o.state === 'cancelled') return [];
  const declined = o.answers.some((a) => a.party === party && a.answer === 'decline');
  return [
    ...(briefing.party !== party && !declined ? (['decline'] as const) : []),
    'reschedule' as const,
    ...(o.state !== 'postponed' ? (['postpone'] as const) : []),
    'cancel' as const,
  ];
}

/** The entry an action is posted as. */
async function entryOf(
  action: BriefingAction,
  briefing: Briefing,
  o: Occurrence,
  fields: { reason: string; start: string; minutes: string; duration: string },
) {
  if (action === 'amend') {
    const of = await contactsApi.ref(o.minutes!.id);
    return { kind: 'briefing-amendment', body: { of, minutes: fields.minutes, reason: fields.reason } };
  }
  const target = { of: await contactsApi.ref(briefing.id), occurrence: o.occurrence };
  if (action === 'decline')
    return { kind: 'briefing-answer', body: { ...target, answer: 'decline', reason: fields.reason } };
  return {
    kind: 'briefing-change',
    body: {
      ...target,
      change: action,
      reason: fields.reason,
      ...(action === 'reschedule' ? { start: utcFromLocalInput(fields.start) } : {}),
      // A new length only when it changes: the rescheduled occurrence keeps its own otherwise.
      ...(action === 'reschedule' && Number(fields.duration) !== o.durationMinutes
        ? { durationMinutes: Number(fields.duration) }
        : {}),
    },
  };
}

export function BriefingActionForm(props: {
  channel: Channel;
  briefing: Briefing;
  occurrence: Occurrence;
  action: BriefingAction;
  onDone: () => void;
  /** Given a refusal because the briefing changed meanwhile: the card reloads and says why. */
  onStale?: (failure: unknown) => void;
}) {
  const { channel, briefing, occurrence: o, action } = props;
  const [reason, setReason] = useState('');
  const [start, setStart] = useState(o.start.slice(0, 16));
  const [minutes, setMinutes] = useState(o.minutes?.text ?? '');
  const [duration, setDuration] = useState(String(o.durationMinutes));
  const [local, setLocal] = useState<{ start?: string; minutes?: string }>({});
  // The bodies' own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const submit = useSubmit(['reason', 'start', 'minutes', 'durationMinutes'], {
    ...(props.onStale ? { onStale: props.onStale } : {}),
  });
  const id = `${action}-${domId(briefing.id)}-${domId(o.occurrence)}`;
  const words = WORDS[action];
  /** A field's id, value and error: the form's own check first, then the node's refusal. */
  const bind = (name: 'start' | 'minutes' | 'reason', value: string, onInput: (v: string) => void) => ({
    id: `${id}-${name}`,
    value,
    onInput,
    error: (name === 'reason' ? undefined : local[name]) ?? submit.fieldError(name),
  });

  const send = (e: Event) => {
    e.preventDefault();
    return submit.run(async () => {
      const next: typeof local = {};
      if (action === 'reschedule' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(start))
        next.start = bt('newStartRequired');
      if (action === 'amend' && !minutes.trim()) next.minutes = bt('minutesRequired');
      setLocal(next);
      if (next.start || next.minutes) return;
      // The reason is the node's to require: its refusal is said on the reason field.
      const entry = await entryOf(action, briefing, o, {
        reason: reason.trim(),
        start,
        minutes: minutes.trim(),
        duration,
      });
      await contactsApi.post(channel.id, { ...entry, lang: defaultLang(channel) });
      setReason('');
      props.onDone();
      return bt(words.done);
    });
  };

  return (
    <ContactForm class={`briefing-action-form ba-${action}`} label={bt(words.title)} onSubmit={send}>
      {action === 'reschedule' && (
        <>
          <TextField {...bind('start', start, setStart)} type="datetime-local" label={bt('newStart')} />
          <SelectField
            id={`${id}-duration`}
            label={bt('newDuration')}
            value={duration}
            onChange={setDuration}
            options={durationOptions(String(o.durationMinutes))}
            error={submit.fieldError('durationMinutes')}
          />
        </>
      )}
      {action === 'amend' && (
        <TextArea {...bind('minutes', minutes, setMinutes)} label={bt('amendedMinutes')} rows={5} />
      )}
      <TextArea
        {...bind('reason', reason, setReason)}
        label={bt('reason')}
        hint={bt('reasonHint')}
        rows={2}
      />
      <div class="actions">
        <button type="submit" class="primary" disabled={submit.busy}>
          {submit.busy ? bt('sending') : bt(words.submit)}
        </button>
        <SubmitOutcome submit={submit} />
      </div>
    </ContactForm>
  );
}
