/**
 * Administration (role admin): offices, users (add; disable, which ends their sessions, tokens and
 * live streams at once; enable; revoke a signing key, key-revocation.tsx), and channels — create one with other parties' offices as peers
 * and observers, or accept a channel another party proposed.
 */
import { useState } from 'preact/hooks';
import { api, type Me, type Principal } from '../../lib/api';
import { FormError, SelectField, TextField } from '../../lib/components/field';
import { StateBadge } from '../../lib/components/state-badge';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { t } from './messages';
import { useAsync } from '../../lib/use-async';
import { useSubmit } from '../../lib/use-submit';
import { parsePartyOffices } from '../../lib/party-offices';
import { TableWrap } from '../../lib/components/table-wrap';
import { KeyRevocation } from './key-revocation';
import { PeerPinning } from './peer-pinning';
import { SubmitRow } from './submit-row';

const ROLES: ReadonlyArray<Principal['role']> = [
  'admin',
  'head',
  'member',
  'duty-officer',
  'translator',
  'observer',
];

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function AdminScreen({ me }: { me: Me }) {
  if (me.principal.role !== 'admin') return <EmptyState>{t('adminOnly')}</EmptyState>;
  return (
    <div class="admin-screen">
      <h1>{t('adminTitle')}</h1>
      <Offices />
      <Users me={me} />
      <Roster />
      <Channels />
      <PeerPinning />
    </div>
  );
}

/** Runs a form submission with busy, error and success state. */
function Offices() {
  const offices = useAsync(() => api.offices(), []);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const submit = useSubmit(['id', 'name']);
  return (
    <section class="card" aria-labelledby="offices-title">
      <h2 id="offices-title">{t('offices')}</h2>
      {offices.error ? <ErrorBox error={offices.error} onRetry={offices.reload} /> : null}
      {!offices.data && offices.loading && <Loading />}
      {offices.data && offices.data.length === 0 && <EmptyState>{t('empty')}</EmptyState>}
      {offices.data && offices.data.length > 0 && (
        <ul class="plain-list">
          {offices.data.map((o) => (
            <li key={o.id}>
              <span class="mono">{o.id}</span> — {o.name}
            </li>
          ))}
        </ul>
      )}
      <form
        class="inline-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run(async () => {
            const office = await api.addOffice({ id: id.trim(), name: name.trim() });
            setId('');
            setName('');
            offices.reload();
            return `${t('created')} ${office.id}`;
          });
        }}
      >
        <TextField
          id="office-id"
          error={submit.fieldError('id')}
          label={t('officeId')}
          value={id}
          onInput={setId}
        />
        <TextField
          id="office-name"
          error={submit.fieldError('name')}
          label={t('officeName')}
          value={name}
          onInput={setName}
        />
        <SubmitRow submit={submit} label={t('addOffice')} />
      </form>
    </section>
  );
}

/** An office's on-watch roster: who is told first when an answer is overdue (README "Who is told"). */
function Roster() {
  const offices = useAsync(() => api.offices(), []);
  const [office, setOffice] = useState('');
  const chosen = office || offices.data?.[0]?.id || '';
  const roster = useAsync(() => (chosen ? api.roster(chosen) : Promise.resolve(null)), [chosen]);
  const [user, setUser] = useState('');
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const submit = useSubmit(['user', 'from', 'until']);
  const remove = useSubmit();
  return (
    <section class="card" aria-labelledby="roster-title">
      <h2 id="roster-title">{t('rosterTitle')}</h2>
      <SelectField
        id="roster-office"
        label={t('rosterOffice')}
        value={chosen}
        onChange={setOffice}
        options={(offices.data ?? []).map((o) => ({ value: o.id, label: `${o.id} — ${o.name}` }))}
      />
      {roster.error ? <ErrorBox error={roster.error} onRetry={roster.reload} /> : null}
      {roster.data && (
        <>
          <p>
            {t('rosterOnWatch')}:{' '}
            {roster.data.onWatch.length > 0 ? roster.data.onWatch.join(', ') : t('rosterNobody')}
          </p>
          {roster.data.shifts.length === 0 ? (
            <EmptyState>{t('rosterEmpty')}</EmptyState>
          ) : (
            <ul class="plain-list">
              {roster.data.shifts.map((s) => (
                <li key={s.id}>
                  <span class="mono">{s.user}</span> {s.from} – {s.until}{' '}
                  <button
                    type="button"
                    disabled={remove.busy}
                    onClick={() =>
                      void remove.run(async () => {
                        await api.removeWatch(chosen, s.id);
                        roster.reload();
                        return t('rosterRemove');
                      })
                    }
                  >
                    {t('rosterRemove')}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <FormError message={remove.error} />
        </>
      )}
      <form
        class="inline-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run(async () => {
            const shift = await api.addWatch(chosen, {
              user: user.trim(),
              from: from.trim(),
              until: until.trim(),
            });
            setUser('');
            roster.reload();
            return `${t('created')} ${shift.user}`;
          });
        }}
      >
        <TextField
          id="roster-user"
          error={submit.fieldError('user')}
          label={t('rosterUser')}
          value={user}
          onInput={setUser}
        />
        <TextField
          id="roster-from"
          error={submit.fieldError('from')}
          label={t('rosterFrom')}
          value={from}
          onInput={setFrom}
        />
        <TextField
          id="roster-until"
          error={submit.fieldError('until')}
          label={t('rosterUntil')}
          value={until}
          onInput={setUntil}
        />
        <SubmitRow submit={submit} label={t('rosterAdd')} />
      </form>
    </section>
  );
}

function Users({ me }: { me: Me }) {
  const users = useAsync(() => api.users(), []);
  const toggle = useSubmit();
  const offices = useAsync(() => api.offices(), []);
  const [id, setId] = useState('');
  const [office, setOffice] = useState('');
  const [role, setRole] = useState<Principal['role']>('duty-officer');
  const [title, setTitle] = useState('');
  const [password, setPassword] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const submit = useSubmit(['id', 'office', 'role', 'title', 'password']);
  return (
    <section class="card" aria-labelledby="users-title">
      <h2 id="users-title">{t('users')}</h2>
      {users.error ? <ErrorBox error={users.error} onRetry={users.reload} /> : null}
      {!users.data && users.loading && <Loading />}
      {users.data && users.data.length > 0 && (
        <TableWrap>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('userId')}</th>
                <th scope="col">{t('userRole')}</th>
                <th scope="col">{t('userOffice')}</th>
                <th scope="col">{t('userTitle')}</th>
                <th scope="col">{t('userActions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id}>
                  <th scope="row" class="mono">
                    {u.id}
                    {u.disabled && <span class="muted"> ({t('disabled')})</span>}
                    {u.keyRevoked && <span class="warn-text"> ({t('keyRevokedMark')})</span>}
                  </th>
                  <td>{u.role}</td>
                  <td class="mono">{u.office ?? '—'}</td>
                  <td>{u.title}</td>
                  <td>
                    {u.id !== me.principal.id && (
                      <button
                        type="button"
                        class="secondary"
                        aria-label={`${u.disabled ? t('enableUser') : t('disableUser')} ${u.id}`}
                        disabled={toggle.busy}
                        onClick={() =>
                          void toggle.run(async () => {
                            if (u.disabled) await api.enableUser(u.id);
                            else await api.disableUser(u.id);
                            users.reload();
                            return `${u.id}: ${u.disabled ? t('userEnabledDone') : t('userDisabledDone')}`;
                          })
                        }
                      >
                        {u.disabled ? t('enableUser') : t('disableUser')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <FormError message={toggle.error} />
      {toggle.done && (
        <p class="ok-text" role="status">
          {toggle.done}
        </p>
      )}
      {users.data && <KeyRevocation users={users.data} onDone={users.reload} />}
      <form
        class="inline-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run(async () => {
            const user = await api.addUser({
              id: id.trim(),
              office: office || null,
              role,
              title: title.trim(),
              password,
            });
            setId('');
            setPassword('');
            setTitle('');
            users.reload();
            return `${t('created')} ${user.id}`;
          });
        }}
      >
        <TextField
          id="user-id"
          error={submit.fieldError('id')}
          label={t('userId')}
          value={id}
          onInput={setId}
        />
        <SelectField
          id="user-office"
          error={submit.fieldError('office')}
          label={t('userOffice')}
          value={office}
          onChange={setOffice}
          options={[
            { value: '', label: t('noOffice') },
            ...(offices.data ?? []).map((o) => ({ value: o.id, label: `${o.id} — ${o.name}` })),
          ]}
        />
        <SelectField
          id="user-role"
          error={submit.fieldError('role')}
          label={t('userRole')}
          value={role}
          onChange={setRole}
          options={ROLES.map((r) => ({ value: r, label: r }))}
        />
        <TextField
          id="user-title"
          error={submit.fieldError('title')}
          label={t('userTitle')}
          value={title}
          onInput={setTitle}
        />
        <TextField
          id="user-password"
          error={submit.fieldError('password')}
          label={t('userPassword')}
          type="password"
          value={password}
          onInput={setPassword}
          autoComplete="new-password"
        />
        <SubmitRow submit={submit} label={t('addUser')} />
      </form>
    </section>
  );
}

function Channels() {
  const channels = useAsync(() => api.channels(), []);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [offices, setOffices] = useState('');
  const [languages, setLanguages] = useState('ru,en');
  const [peers, setPeers] = useState('');
  const [observers, setObservers] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const submit = useSubmit(['id', 'name', 'offices', 'languages', 'peers', 'observers']);
  const accept = useSubmit();
  return (
    <section class="card" aria-labelledby="admin-channels-title">
      <h2 id="admin-channels-title">{t('channels')}</h2>
      {channels.error ? <ErrorBox error={channels.error} onRetry={channels.reload} /> : null}
      {!channels.data && channels.loading && <Loading />}
      {channels.data && channels.data.length === 0 && <EmptyState>{t('channelsEmpty')}</EmptyState>}
      {channels.data && channels.data.length > 0 && (
        <ul class="plain-list">
          {channels.data.map((c) => (
            <li key={c.id} data-channel={c.id}>
              <span class="mono">{c.id}</span> — {c.name} <StateBadge state={c.state} />{' '}
              <span class="muted">{Object.keys(c.parties).join(' · ')}</span>{' '}
              {c.state === 'proposed' && (
                <button
                  type="button"
                  class="secondary"
                  disabled={accept.busy}
                  aria-label={`${t('accept')}: ${c.id}`}
                  onClick={() =>
                    void accept.run(async () => {
                      const accepted = await api.acceptChannel(c.id);
                      channels.reload();
                      return `${t('accepted')} ${accepted.id}`;
                    })
                  }
                >
                  {t('accept')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormError message={accept.error} />
      {accept.done && (
        <p class="ok-text" role="status">
          {accept.done}
        </p>
      )}
      <form
        class="inline-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run(async () => {
            const peerOffices = parsePartyOffices(peers);
            const observerOffices = parsePartyOffices(observers);
            const created = await api.createChannel({
              id: id.trim(),
              name: name.trim(),
              offices: list(offices),
              languages: list(languages),
              ...(peerOffices ? { peers: peerOffices } : {}),
              ...(observerOffices ? { observers: observerOffices } : {}),
            });
            setId('');
            setName('');
            channels.reload();
            return `${t('created')} ${created.id} (${created.state})`;
          });
        }}
      >
        <TextField
          id="channel-id"
          error={submit.fieldError('id')}
          label={t('channelId')}
          value={id}
          onInput={setId}
        />
        <TextField
          id="channel-name"
          error={submit.fieldError('name')}
          label={t('channelName')}
          value={name}
          onInput={setName}
        />
        <TextField
          id="channel-offices"
          error={submit.fieldError('offices')}
          label={t('channelOffices')}
          value={offices}
          onInput={setOffices}
        />
        <TextField
          id="channel-languages"
          error={submit.fieldError('languages')}
          label={t('channelLanguages')}
          value={languages}
          onInput={setLanguages}
        />
        <TextField
          id="channel-peers"
          error={submit.fieldError('peers')}
          label={t('channelPeers')}
          value={peers}
          onInput={setPeers}
        />
        <TextField
          id="channel-observers"
          error={submit.fieldError('observers')}
          label={t('channelObservers')}
          value={observers}
          onInput={setObservers}
        />
        <SubmitRow submit={submit} label={t('createChannel')} />
      </form>
    </section>
  );
}
