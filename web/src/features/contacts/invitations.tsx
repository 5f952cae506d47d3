/**
 * Invitations in one channel: what, where, a countdown to the answer date, their state and every
 * party's answers; inviting, and answering (or changing one's answer) as an invited party.
 * Refreshes when the channel's live updates bring anything new.
 */
import { useState } from 'preact/hooks';
import type { Channel, Me } from '../../lib/api';
import { FormError, SelectField, TextArea, TextField } from '../../lib/components/field';
import { describeError } from '../../lib/components/status';
import { formatHlc, locale } from '../../lib/i18n';
import { useSignal } from '../../lib/signal';
import { useAsync } from '../../lib/use-async';
import {
  defaultLang,
  ContactsViewFrame,
  domId,
  DueCountdown,
  languageOptions,
  useReloadOn,
  type ViewProps,
} from './contact-parts';
import { contactsApi, respondDeadline, type Invitation, type InvitationAnswer } from './contacts-api';
import { t, type MessageKey } from './messages';

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
      setError(describeError(failure));
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

function InvitationCard(props: { channel: Channel; me: Me; invitation: Invitation; onChange: () => void }) {
  const { channel, me, invitation } = props;
  const myParty = me.node.party;
  const invited = invitation.party !== myParty;
  const mine = invitation.answers.filter((a) => a.party === myParty);
  const [changing, setChanging] = useState(false);
  const deadline = respondDeadline(invitation.respondBy);
  const answeredState = ['accepted', 'declined', 'deferred'].includes(invitation.state);
  const titleId = `inv-${domId(invitation.id)}`;

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
  const id = domId(invitation.id);

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
      setError(describeError(failure));
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
