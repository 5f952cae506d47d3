/**
 * An invitation's terms over its life: every set proposed (the first, then each counter-proposal),
 * the current one marked and the earlier ones superseded; and the counter-proposal form of a
 * party asked to answer (kind `invitation-counter`, workflows/contacts/invitations/kinds.ts).
 */
import { useState } from 'preact/hooks';
import type { Channel } from '../../lib/api';
import { TextArea, TextField } from '../../lib/components/field';
import { SubmitOutcome } from '../../lib/components/submit-outcome';
import { formatHlc } from '../../lib/i18n';
import { useSubmit } from '../../lib/use-submit';
import { defaultLang, domId } from './contact-parts';
import { contactsApi, type Invitation } from './contacts-api';
import { t } from './messages';

type Terms = Invitation['current'];

/** Every set of terms, newest first; shown once a counter-proposal has replaced the first. */
export function TermsHistory({ invitation }: { invitation: Invitation }) {
  if (invitation.proposals.length < 2) return null;
  const newestFirst = [...invitation.proposals].reverse();
  return (
    <>
      <h4>{t('invTermsTitle')}</h4>
      <ul class="terms-list">
        {newestFirst.map((terms) => {
          const current = terms.id === invitation.current.id;
          return (
            <li
              key={terms.id}
              class={`terms${current ? ' terms-current' : ' terms-superseded'}`}
              data-terms={terms.id}
              data-state={current ? 'current' : 'superseded'}
            >
              <span class={`badge ${current ? 'inv-state-pending' : 'terms-old'}`}>
                {t(current ? 'invTermsCurrent' : 'invTermsSuperseded')}
              </span>{' '}
              <span class="terms-what">
                {terms.where}, {terms.window.from} – {terms.window.to}; {t('answerBy')} {terms.respondBy}
              </span>{' '}
              <span class="muted">
                · {t('invTermsFrom')} {terms.party} · {terms.by} · {formatHlc(terms.at)}
              </span>
              {terms.note && <span class="answer-note"> — {terms.note}</span>}
            </li>
          );
        })}
      </ul>
    </>
  );
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The body of a counter-proposal: only what differs from the terms it answers. */
function counterBody(current: Terms, form: { where: string; from: string; to: string }) {
  const body: Record<string, unknown> = {};
  if (form.where.trim() && form.where.trim() !== current.where) body.where = form.where.trim();
  if (form.from !== current.window.from || form.to !== current.window.to)
    body.window = { from: form.from, to: form.to };
  return body;
}

export function CounterForm(props: {
  channel: Channel;
  invitation: Invitation;
  onDone: () => void;
  onCancel: () => void;
  /** Given a refusal because the card was out of date, to reload it and say it there. */
  onStale: (failure: unknown) => void;
}) {
  const { channel, invitation } = props;
  const current = invitation.current;
  const [where, setWhere] = useState(current.where);
  const [from, setFrom] = useState(current.window.from.slice(0, 10));
  const [to, setTo] = useState(current.window.to.slice(0, 10));
  const [respondBy, setRespondBy] = useState('');
  const [note, setNote] = useState('');
  const [own, setOwn] = useState<{ window?: string; respondBy?: string }>({});
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const submit = useSubmit(['where', 'window', 'respondBy', 'note'], { onStale: props.onStale });
  const id = domId(invitation.id);

  const send = (event: Event) => {
    event.preventDefault();
    return submit.run(async () => {
      const next: typeof own = {};
      if (!DATE.test(from) || !DATE.test(to)) next.window = t('invWindowRequired');
      if (!DATE.test(respondBy)) next.respondBy = t('respondByRequired');
      setOwn(next);
      if (Object.keys(next).length > 0) return;
      const [of, answered] = await Promise.all([contactsApi.ref(invitation.id), contactsApi.ref(current.id)]);
      const body: Record<string, unknown> = {
        of,
        to: answered,
        ...counterBody(current, { where, from, to }),
        respondBy,
      };
      if (note.trim()) body.note = note.trim();
      await contactsApi.post(channel.id, { kind: 'invitation-counter', lang: defaultLang(channel), body });
      props.onDone();
    });
  };

  return (
    <form
      class="counter-form"
      onSubmit={send}
      aria-label={`${t('invCounterTitle')}: ${invitation.what}`}
      noValidate
    >
      <h4>{t('invCounterTitle')}</h4>
      <p class="hint">{t('invCounterHint')}</p>
      <div class="form-grid">
        <TextField
          id={`counter-where-${id}`}
          label={t('invitationWhere')}
          value={where}
          onInput={setWhere}
          error={submit.fieldError('where')}
        />
        <TextField
          id={`counter-from-${id}`}
          type="date"
          label={t('invWindowFrom')}
          value={from}
          onInput={setFrom}
        />
        <TextField
          id={`counter-to-${id}`}
          type="date"
          label={t('invWindowTo')}
          value={to}
          onInput={setTo}
          error={own.window ?? submit.fieldError('window')}
        />
        <TextField
          id={`counter-respond-by-${id}`}
          type="date"
          label={t('respondBy')}
          value={respondBy}
          onInput={setRespondBy}
          error={own.respondBy ?? submit.fieldError('respondBy')}
        />
      </div>
      <TextArea
        id={`counter-note-${id}`}
        label={t('invCounterNote')}
        value={note}
        onInput={setNote}
        rows={2}
        error={submit.fieldError('note')}
      />
      <SubmitOutcome submit={submit} />
      <div class="actions">
        <button type="submit" class="primary" disabled={submit.busy}>
          {submit.busy ? t('answering') : t('invCounterSend')}
        </button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
