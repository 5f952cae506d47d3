/**
 * Invitations in one channel: what, where, a countdown to the answer date, their state and every
 * party's answers; inviting, and answering (or changing one's answer) as an invited party, for
 * who may write in the channel.
 * Refreshes when the channel's live updates bring anything new.
 */
import { useState } from 'preact/hooks';
import type { Channel, Me } from '../../lib/api';
import { FormError, SelectField, TextArea, TextField } from '../../lib/components/field';
import { formatHlc, locale } from '../../lib/i18n';
import { useSignal } from '../../lib/signal';
import { useAsync } from '../../lib/use-async';
import {
  defaultLang,
  ContactForm,
  ContactsViewFrame,
  domId,
  DueCountdown,
  languageOptions,
  useReloadOn,
  type ViewProps,
} from './contact-parts';
import { contactsApi, type Invitation, type InvitationAnswer } from './contacts-api';
import { CounterForm, TermsHistory } from './invitation-terms';
import { formErrorOf, useSubmit } from '../../lib/use-submit';
import { t, type MessageKey } from './messages';
import { useMayWrite } from '../../lib/write-access';

const INVITATION_STATE: Record<string, MessageKey> = {
  open: 'invPending',
  accept: 'invAccepted',
  decline: 'invDeclined',
  withdrawn: 'invWithdrawn',
  pending: 'invPending',
  accepted: 'invAccepted',
  declined: 'invDeclined',
  deferred: 'invDeferred',
  overdue: 'invOverdue',
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function InvitationsView({ channel, me, version }: ViewProps) {
  useSignal(locale);
  const data = useAsync(() => contactsApi.invitations(channel.id), [channel.id]);
  useReloadOn(version, data.reload);
  const list = [...(data.data?.invitations ?? [])].reverse();

  return (
    <ContactsViewFrame
      name="invitations"
      title={t('invitationsTitle')}
      addId="new-invitation"
      addLabel={t('newInvitation')}
      addedLabel={t('invited')}
      data={data}
      empty={list.length === 0}
      emptyText={t('invitationsEmpty')}
      form={(onDone) => <InvitationForm channel={channel} onDone={onDone} />}
    >
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
    </ContactsViewFrame>
  );
}

function InvitationForm({ channel, onDone }: { channel: Channel; onDone: (id: string) => void }) {
  const [what, setWhat] = useState('');
  const [where, setWhere] = useState('');
  const [respondBy, setRespondBy] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [lang, setLang] = useState(defaultLang(channel));
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const action = useSubmit(['what', 'where', 'window', 'respondBy', 'text']);
  const [errors, setErrors] = useState<{
    what?: string;
    where?: string;
    respondBy?: string;
    window?: string;
  }>({});
  const fieldError = (name: keyof typeof errors) => errors[name] ?? action.fieldError(name);

  const submit = (e: Event) => {
    e.preventDefault();
    return action.run(async () => {
      const next: typeof errors = {};
      if (!what.trim()) next.what = t('whatRequired');
      if (!where.trim()) next.where = t('whereRequired');
      if (!DATE.test(respondBy)) next.respondBy = t('respondByRequired');
      if (!DATE.test(from) || !DATE.test(to) || to < from) next.window = t('invWindowRequired');
      setErrors(next);
      if (Object.keys(next).length > 0) return;
      const body: Record<string, unknown> = {
        type: 'visit',
        what: what.trim(),
        where: where.trim(),
        window: { from, to },
        respondBy,
      };
      if (text.trim()) body.text = text.trim();
      const entry = await contactsApi.post(channel.id, { kind: 'invitation-proposal', lang, body });
      setWhat('');
      setWhere('');
      setText('');
      onDone(entry.id);
    });
  };

  return (
    <ContactForm class="card" label={t('newInvitation')} onSubmit={submit}>
      <div class="form-grid">
        <TextField
          id="invitation-what"
          label={t('invitationWhat')}
          value={what}
          onInput={setWhat}
          error={fieldError('what')}
        />
        <TextField
          id="invitation-where"
          label={t('invitationWhere')}
          value={where}
          onInput={setWhere}
          error={fieldError('where')}
        />
        <TextField
          id="invitation-from"
          type="date"
          label={t('invWindowFrom')}
          value={from}
          onInput={setFrom}
        />
        <TextField
          id="invitation-to"
          type="date"
          label={t('invWindowTo')}
          value={to}
          onInput={setTo}
          error={fieldError('window')}
        />
        <TextField
          id="invitation-respond-by"
          type="date"
          label={t('respondBy')}
          value={respondBy}
          onInput={setRespondBy}
          error={fieldError('respondBy')}
        />
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
        error={action.fieldError('text')}
      />
      <FormError message={action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? t('inviting') : t('invite')}
        </button>
      </div>
    </ContactForm>
  );
}

function InvitationCard(props: { channel: Channel; me: Me; invitation: Invitation; onChange: () => void }) {
  const { channel, me, invitation } = props;
  const myParty = me.node.party;
  const invited = invitation.party !== myParty;
  const c = invitation.current;
  const mayWrite = useMayWrite();
  const canAnswer = mayWrite && invitation.state === 'open' && invitation.awaiting.includes(myParty);
  const deadline = invitation.deadline;
  const answeredState = invitation.state !== 'open';
  const state = invitation.overdue ? 'overdue' : invitation.state;
  const titleId = `inv-${domId(invitation.id)}`;
  // A refusal because this card was out of date: said here, where it outlives the controls that
  // the reload takes away (lib/use-submit.ts's `stale`).
  const [staleRefusal, setStaleRefusal] = useState<unknown>(null);
  const onStale = (failure: unknown) => {
    setStaleRefusal(failure);
    if (failure !== null) props.onChange();
  };

  return (
    <li
      class={`invitation-card inv-${state}`}
      data-invitation={invitation.id}
      data-state={state}
      aria-labelledby={titleId}
    >
      <div class="invitation-head">
        <h3 id={titleId}>{invitation.what}</h3>
        <span class={`badge inv-state inv-state-${state}`}>{t(INVITATION_STATE[state] ?? 'invPending')}</span>
      </div>
      <dl class="facts-grid">
        <dt>{t('invitationWhere')}</dt>
        <dd>
          {c.where}, {c.window.from} – {c.window.to}
          {invitation.proposals.length > 1 && (
            <span class="muted">
              {' '}
              ({t('invCounterTerms')} {c.party} · {c.by})
            </span>
          )}
        </dd>
        <dt>{t('respondBy')}</dt>
        <dd>
          {c.respondBy} {!answeredState && <DueCountdown due={deadline} />}
        </dd>
        <dt>{t('invitedBy')}</dt>
        <dd>
          {invitation.party} · {invitation.by} <span class="muted mono small">{invitation.id}</span>
        </dd>
      </dl>
      {invitation.text && <p class="invitation-text">{invitation.text}</p>}
      <TermsHistory invitation={invitation} />
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
      {invitation.withdrawn && <WithdrawnNote invitation={invitation} withdrawn={invitation.withdrawn} />}
      <FormError message={staleRefusal === null ? null : formErrorOf(staleRefusal)} />
      {canAnswer && (
        <AnswerForm channel={channel} invitation={invitation} onDone={props.onChange} onStale={onStale} />
      )}
      {mayWrite && !invited && invitation.state !== 'withdrawn' && (
        // Keyed by the state, so a confirmation begun under one state is not sent under another.
        <WithdrawControl
          key={invitation.state}
          channel={channel}
          invitation={invitation}
          onDone={props.onChange}
          onStale={onStale}
        />
      )}
    </li>
  );
}

/** What withdrawing does in the invitation's state, as offered, asked and confirmed. */
function withdrawWords(invitation: Invitation): { offer: MessageKey; ask: MessageKey; yes: MessageKey } {
  const meeting = invitation.type === 'meeting';
  if (invitation.state === 'accepted')
    return {
      offer: meeting ? 'invCancelMeeting' : 'invCancelVisit',
      ask: 'invCancelConfirm',
      yes: meeting ? 'invCancelMeetingYes' : 'invCancelVisitYes',
    };
  if (invitation.state === 'declined')
    return { offer: 'invWithdrawDeclined', ask: 'invWithdrawDeclinedConfirm', yes: 'invWithdrawYes' };
  return { offer: 'invWithdraw', ask: 'invWithdrawConfirm', yes: 'invWithdrawYes' };
}

/**
 * The inviter's withdrawal. The node takes it in any state but withdrawn
 * (workflows/contacts/invitations/fold.ts), so it is offered for what it then does: on an
 * accepted invitation it cancels the visit or meeting agreed, on a declined one it only closes
 * it; each says so and asks once more before anything is signed.
 */
function WithdrawControl(props: {
  channel: Channel;
  invitation: Invitation;
  onDone: () => void;
  onStale: (failure: unknown) => void;
}) {
  const { channel, invitation } = props;
  const [asking, setAsking] = useState(false);
  const withdraw = useSubmit([], { onStale: props.onStale });
  const words = withdrawWords(invitation);
  const askId = `withdraw-ask-${domId(invitation.id)}`;
  return (
    <div class="withdraw-control">
      {asking ? (
        <div class="withdraw-confirm" role="group" aria-labelledby={askId}>
          <p id={askId} class="why">
            {t(words.ask)}
          </p>
          <div class="actions">
            <button
              type="button"
              class="danger"
              disabled={withdraw.busy}
              onClick={() =>
                void withdraw.run(async () => {
                  const of = await contactsApi.ref(invitation.id);
                  await contactsApi.post(channel.id, { kind: 'invitation-withdraw', body: { of } });
                  props.onDone();
                })
              }
            >
              {t(words.yes)}
            </button>
            <button type="button" class="secondary" disabled={withdraw.busy} onClick={() => setAsking(false)}>
              {t('invKeep')}
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          class="secondary"
          aria-label={`${t(words.yes)}: ${invitation.what}`}
          onClick={() => setAsking(true)}
        >
          {t(words.offer)}
        </button>
      )}
      <FormError message={withdraw.error} />
    </div>
  );
}

/**
 * Why a withdrawn invitation offers no answer and no counter-proposal (the node would refuse
 * both, workflows/contacts/invitations/fold.ts): who withdrew it, when, and their reason.
 */
function WithdrawnNote({
  invitation,
  withdrawn,
}: {
  invitation: Invitation;
  withdrawn: NonNullable<Invitation['withdrawn']>;
}) {
  return (
    <p class="why withdrawn-note">
      {t('invWithdrawnBy')} {invitation.party} · {withdrawn.by}, {formatHlc(withdrawn.at)}:{' '}
      {t('invWithdrawnWhy')}
      {withdrawn.reason && (
        <>
          {' '}
          {t('invWithdrawnReason')} <span class="answer-note">{withdrawn.reason}</span>
        </>
      )}
    </p>
  );
}

function AnswerForm({
  channel,
  invitation,
  onDone,
  onStale,
}: {
  channel: Channel;
  invitation: Invitation;
  onDone: () => void;
  onStale: (failure: unknown) => void;
}) {
  const [note, setNote] = useState('');
  const [choice, setChoice] = useState<InvitationAnswer | null>(null);
  const [countering, setCountering] = useState(false);
  const submit = useSubmit(['note'], { onStale });
  const id = domId(invitation.id);

  const answer = (value: InvitationAnswer) => {
    setChoice(value);
    return submit.run(async () => {
      const of = await contactsApi.ref(invitation.id);
      const to = await contactsApi.ref(invitation.current.id);
      const body: Record<string, unknown> = { of, to, answer: value };
      if (note.trim()) body.note = note.trim();
      await contactsApi.post(channel.id, { kind: 'invitation-response', lang: defaultLang(channel), body });
      setNote('');
      onDone();
    });
  };

  const button = (value: InvitationAnswer, label: MessageKey, cls: string) => (
    <button
      type="button"
      class={cls}
      disabled={submit.busy}
      onClick={() => void answer(value)}
      aria-label={`${t(label)}: ${invitation.what}`}
    >
      {submit.busy && choice === value ? t('answering') : t(label)}
    </button>
  );

  if (countering)
    return (
      <CounterForm
        channel={channel}
        invitation={invitation}
        onDone={() => {
          setCountering(false);
          onDone();
        }}
        onCancel={() => setCountering(false)}
        onStale={onStale}
      />
    );
  return (
    <div class="answer-form" role="group" aria-label={`${t('answersTitle')}: ${invitation.what}`}>
      <TextArea
        id={`answer-note-${id}`}
        label={t('answerNote')}
        value={note}
        onInput={setNote}
        rows={2}
        error={submit.fieldError('note')}
      />
      <FormError message={submit.error} />
      <div class="actions">
        {button('accept', 'answerAccept', 'primary')}
        {button('decline', 'answerDecline', 'danger')}
        <button
          type="button"
          class="secondary"
          disabled={submit.busy}
          onClick={() => setCountering(true)}
          aria-label={`${t('invCounter')}: ${invitation.what}`}
        >
          {t('invCounter')}
        </button>
      </div>
    </div>
  );
}
