/**
 * The channel's charter and its changes: the state (active, suspended) with who asked and why,
 * the deadlines per precedence in force, and every proposed change (suspend, resume, amend the
 * languages, deadlines, observers, or a party that joins) with who has agreed and who is still to. Heads propose and agree; no
 * change takes effect until every party has signed it.
 */
import { useState } from 'preact/hooks';
import { api, PRECEDENCES, type Channel, type ChannelStatus, type Me, type Precedence } from '../../lib/api';
import { FormError, TextArea, TextField } from '../../lib/components/field';
import { ErrorBox, Loading } from '../../lib/components/status';
import { t } from './messages';
import { formatHlc, locale } from '../../lib/i18n';
import { timeUnit } from '../../lib/durations';
import { useAsync } from '../../lib/use-async';
import { parsePartyOffices } from '../../lib/party-offices';
import { useSubmit } from '../../lib/use-submit';

type Change = NonNullable<ChannelStatus['change']>;
type Kind = 'suspend' | 'resume' | 'amend';

export function CharterView({ channel, me, version }: { channel: Channel; me: Me; version: number }) {
  const state = useAsync(() => api.channelState(channel.id), [channel.id, version]);
  const objectives = useAsync(() => api.objectives(channel.id), [channel.id, version]);
  const isHead = me.principal.role === 'head';
  const own = me.node.party;
  if (state.error) return <ErrorBox error={state.error} onRetry={state.reload} />;
  if (!state.data || !objectives.data) return <Loading />;
  const changes = [...state.data.amendments, ...(state.data.change ? [state.data.change] : [])].sort(
    (a, b) => (a.at < b.at ? -1 : 1),
  );
  return (
    <section class="charter" aria-labelledby="charter-title">
      <h2 id="charter-title">{t('charterTitle')}</h2>
      <p>
        {t('charterState')}: <strong>{state.data.state}</strong> · {t('charterLanguages')}:{' '}
        {channel.languages.join(', ')}
      </p>
      <p>
        {t('charterParties')}: {partyList(channel.parties)}
        {Object.keys(channel.observers).length > 0 &&
          ` · ${t('charterObservers')}: ${partyList(channel.observers)}`}
      </p>
      <table class="objectives">
        <caption>{t('charterDeadlines')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('precedence')}</th>
            <th scope="col">{t('charterDelivery')}</th>
            <th scope="col">{t('charterResponse')}</th>
          </tr>
        </thead>
        <tbody>
          {PRECEDENCES.map((p) => (
            <tr key={p}>
              <th scope="row">{p}</th>
              <td>{objectives.data![p]?.deliveryMinutes} min</td>
              <td>{objectives.data![p]?.responseMinutes} min</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('charterChanges')}</h3>
      {changes.length === 0 ? (
        <p class="muted">{t('charterNoChanges')}</p>
      ) : (
        <ul class="change-list">
          {changes.map((c) => (
            <ChangeItem
              key={c.id}
              channel={channel}
              change={c}
              canAgree={isHead && c.waitingFor.includes(own)}
              onChanged={state.reload}
            />
          ))}
        </ul>
      )}
      {isHead ? (
        <ProposeForm
          // Remounted when the state changes, so the offered change follows it.
          key={state.data.state}
          channel={channel}
          suspended={state.data.state === 'suspended'}
          onDone={state.reload}
        />
      ) : (
        <p class="muted">{t('charterHeadsOnly')}</p>
      )}
    </section>
  );
}

const partyList = (parties: Record<string, string[]>): string =>
  Object.entries(parties)
    .map(([party, offices]) => `${party} (${offices.join(', ')})`)
    .join(', ');

function describe(change: Change): string {
  if (change.change !== 'amend') return change.change === 'suspend' ? t('changeSuspend') : t('changeResume');
  const parts: string[] = [];
  if (change.charter?.languages)
    parts.push(`${t('charterLanguages')}: ${change.charter.languages.join(', ')}`);
  if (change.charter?.parties) parts.push(`+ ${t('charterParties')}: ${partyList(change.charter.parties)}`);
  if (change.charter?.observers)
    parts.push(`${t('charterObservers')}: ${partyList(change.charter.observers) || '—'}`);
  for (const [p, o] of Object.entries(change.charter?.objectives ?? {}))
    parts.push(`${p}: ${o.deliveryMinutes}/${o.responseMinutes} ${timeUnit('minute', locale.get())}`);
  return `${t('changeAmend')} (${parts.join('; ')})`;
}

function ChangeItem(props: { channel: Channel; change: Change; canAgree: boolean; onChanged: () => void }) {
  const { change } = props;
  const action = useSubmit();
  const agree = () =>
    action.run(async () => {
      const [, party, seq] = change.id.split('/');
      await api.postEntry(props.channel.id, {
        kind: 'channel-change-agree',
        body: { of: { party: party!, seq: Number(seq), hash: change.hash } },
      });
      props.onChanged();
    });
  const inEffect = change.waitingFor.length === 0;
  return (
    <li class={`change ${inEffect ? 'in-effect' : 'pending'}`}>
      <strong>{describe(change)}</strong> — {change.reason}
      <br />
      <span class="muted">
        {change.by} ({change.party}) · {formatHlc(change.at)} · {t('changeAgreedBy')}:{' '}
        {change.agreedBy.join(', ')}
        {inEffect
          ? ` · ${t('changeInEffect')}`
          : ` · ${t('changeWaitingFor')}: ${change.waitingFor.join(', ')}`}
      </span>
      {props.canAgree && (
        <button type="button" disabled={action.busy} onClick={() => void agree()}>
          {t('changeAgree')}
        </button>
      )}
      <FormError message={action.error} />
    </li>
  );
}

function ProposeForm(props: { channel: Channel; suspended: boolean; onDone: () => void }) {
  const [kind, setKind] = useState<Kind>(props.suspended ? 'resume' : 'suspend');
  const [reason, setReason] = useState('');
  const [languages, setLanguages] = useState(props.channel.languages.join(', '));
  const [precedence, setPrecedence] = useState<Precedence>('FLASH');
  const [delivery, setDelivery] = useState('');
  const [response, setResponse] = useState('');
  const [joining, setJoining] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const action = useSubmit(['reason', 'charter.languages', 'charter.objectives', 'charter.parties']);
  const submit = async (e: Event) => {
    e.preventDefault();
    const charter: {
      languages?: string[];
      objectives?: Record<string, { deliveryMinutes: number; responseMinutes: number }>;
      parties?: Record<string, string[]>;
    } = {};
    if (kind === 'amend') {
      const list = languages
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean);
      if (list.join(',') !== props.channel.languages.join(',')) charter.languages = list;
      if (delivery !== '' || response !== '')
        charter.objectives = {
          [precedence]: { deliveryMinutes: Number(delivery), responseMinutes: Number(response) },
        };
      const parties = parsePartyOffices(joining);
      if (parties) charter.parties = parties;
    }
    await action.run(async () => {
      const entry = await api.postEntry(props.channel.id, {
        kind: 'channel-change',
        body: { change: kind, reason, ...(kind === 'amend' ? { charter } : {}) },
      });
      setReason('');
      setJoining('');
      props.onDone();
      return `${t('changeSent')} ${entry.id}`;
    });
  };
  return (
    <form class="propose-change" onSubmit={(e) => void submit(e)}>
      <h3>{t('changePropose')}</h3>
      <div class="field">
        <label for="change-kind">{t('changeKind')}</label>
        <select id="change-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
          {/* Only the change the state allows: suspend an active channel, resume a suspended one. */}
          {props.suspended ? (
            <option value="resume">{t('changeResume')}</option>
          ) : (
            <option value="suspend">{t('changeSuspend')}</option>
          )}
          <option value="amend">{t('changeAmend')}</option>
        </select>
      </div>
      {kind === 'amend' && (
        <>
          <TextField
            id="change-languages"
            label={t('charterLanguages')}
            value={languages}
            onInput={setLanguages}
            error={action.fieldError('charter.languages')}
          />
          <div class="field">
            <label for="change-precedence">{t('precedence')}</label>
            <select
              id="change-precedence"
              value={precedence}
              onChange={(e) => setPrecedence(e.currentTarget.value as Precedence)}
            >
              {PRECEDENCES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </div>
          <TextField
            id="change-delivery"
            label={t('charterDelivery')}
            value={delivery}
            onInput={setDelivery}
            error={action.fieldError('charter.objectives')}
          />
          <TextField
            id="change-response"
            label={t('charterResponse')}
            value={response}
            onInput={setResponse}
          />
          <TextField
            id="change-parties"
            label={t('changeJoiningParties')}
            value={joining}
            onInput={setJoining}
            error={action.fieldError('charter.parties')}
          />
        </>
      )}
      <TextArea
        id="change-reason"
        label={t('changeReason')}
        value={reason}
        onInput={setReason}
        error={action.fieldError('reason')}
      />
      <button type="submit">{t('changeSubmit')}</button>
      <FormError message={action.error} />
      {action.done && (
        <p class="ok" role="status">
          {action.done}
        </p>
      )}
    </form>
  );
}
