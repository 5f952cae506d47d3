/**
 * Administration (role admin): offices, users, and channels — create one with other parties'
 * offices as peers and observers, or accept a channel another party proposed.
 */
import { useState } from 'preact/hooks';
import { api, type Me, type Principal } from '../../lib/api';
import { FormError, SelectField, TextArea, TextField } from '../../lib/components/field';
import { StateBadge } from '../../lib/components/state-badge';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { t } from './messages';
import { useAsync } from '../../lib/use-async';
import { useSubmit, type SubmitState } from '../../lib/use-submit';
import { parsePartyOffices } from '../../lib/party-offices';

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
      <Users />
      <Channels />
      <Peers />
    </div>
  );
}

/** A form's submit button with the refusal or the confirmation under it. */
function SubmitRow({ submit, label }: { submit: SubmitState; label: string }) {
  return (
    <>
      <button type="submit" class="primary" disabled={submit.busy}>
        {label}
      </button>
      <FormError message={submit.error} />
      {submit.done && (
        <span class="ok-text" role="status">
          {submit.done}
        </span>
      )}
    </>
  );
}

/** Runs a form submission with busy, error and success state. */
function Offices() {
  const offices = useAsync(() => api.offices(), []);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const submit = useSubmit();
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
        <TextField id="office-id" label={t('officeId')} value={id} onInput={setId} />
        <TextField id="office-name" label={t('officeName')} value={name} onInput={setName} />
        <SubmitRow submit={submit} label={t('addOffice')} />
      </form>
    </section>
  );
}

function Users() {
  const users = useAsync(() => api.users(), []);
  const offices = useAsync(() => api.offices(), []);
  const [id, setId] = useState('');
  const [office, setOffice] = useState('');
  const [role, setRole] = useState<Principal['role']>('duty-officer');
  const [title, setTitle] = useState('');
  const [password, setPassword] = useState('');
  const submit = useSubmit();
  return (
    <section class="card" aria-labelledby="users-title">
      <h2 id="users-title">{t('users')}</h2>
      {users.error ? <ErrorBox error={users.error} onRetry={users.reload} /> : null}
      {!users.data && users.loading && <Loading />}
      {users.data && users.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('userId')}</th>
                <th scope="col">{t('userRole')}</th>
                <th scope="col">{t('userOffice')}</th>
                <th scope="col">{t('userTitle')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id}>
                  <th scope="row" class="mono">
                    {u.id}
                    {u.disabled && <span class="muted"> ({t('disabled')})</span>}
                  </th>
                  <td>{u.role}</td>
                  <td class="mono">{u.office ?? '—'}</td>
                  <td>{u.title}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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
        <TextField id="user-id" label={t('userId')} value={id} onInput={setId} />
        <SelectField
          id="user-office"
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
          label={t('userRole')}
          value={role}
          onChange={setRole}
          options={ROLES.map((r) => ({ value: r, label: r }))}
        />
        <TextField id="user-title" label={t('userTitle')} value={title} onInput={setTitle} />
        <TextField
          id="user-password"
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
  const submit = useSubmit();
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
        <TextField id="channel-id" label={t('channelId')} value={id} onInput={setId} />
        <TextField id="channel-name" label={t('channelName')} value={name} onInput={setName} />
        <TextField id="channel-offices" label={t('channelOffices')} value={offices} onInput={setOffices} />
        <TextField
          id="channel-languages"
          label={t('channelLanguages')}
          value={languages}
          onInput={setLanguages}
        />
        <TextField id="channel-peers" label={t('channelPeers')} value={peers} onInput={setPeers} />
        <TextField
          id="channel-observers"
          label={t('channelObservers')}
          value={observers}
          onInput={setObservers}
        />
        <SubmitRow submit={submit} label={t('createChannel')} />
      </form>
    </section>
  );
}

/** Pins another party's node; refused unless its key matches the fingerprint given out of band. */
function Peers() {
  const peers = useAsync(() => api.peers(), []);
  const [url, setUrl] = useState('');
  const [party, setParty] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const [tlsCa, setTlsCa] = useState('');
  const submit = useSubmit();
  return (
    <section class="card" aria-labelledby="admin-peers-title">
      <h2 id="admin-peers-title">{t('adminPeers')}</h2>
      {peers.error ? <ErrorBox error={peers.error} onRetry={peers.reload} /> : null}
      {!peers.data && peers.loading && <Loading />}
      {peers.data && peers.data.length === 0 && <EmptyState>{t('empty')}</EmptyState>}
      {peers.data && peers.data.length > 0 && (
        <ul class="plain-list">
          {peers.data.map((p) => (
            <li key={p.party}>
              <strong>{p.party}</strong> — {p.name} · <span class="mono">{p.url}</span> ·{' '}
              <span class="mono">{p.fingerprint}</span>
            </li>
          ))}
        </ul>
      )}
      <p class="muted">{t('peerPinHint')}</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run(async () => {
            const pinned = await api.pinPeer({
              url: url.trim(),
              party: party.trim(),
              fingerprint: fingerprint.trim(),
              ...(tlsCa.trim() ? { tlsCa: tlsCa.trim() } : {}),
            });
            setUrl('');
            setParty('');
            setFingerprint('');
            setTlsCa('');
            peers.reload();
            return `${t('peerPinned')} ${pinned.party} (${pinned.fingerprint})`;
          });
        }}
      >
        <TextField id="peer-url" label={t('peerUrl')} value={url} onInput={setUrl} />
        <TextField id="peer-party" label={t('peerParty')} value={party} onInput={setParty} />
        <TextField
          id="peer-fingerprint"
          label={t('peerFingerprint')}
          value={fingerprint}
          onInput={setFingerprint}
        />
        <TextArea id="peer-tls" label={t('peerTlsCa')} value={tlsCa} onInput={setTlsCa} rows={2} />
        <SubmitRow submit={submit} label={t('peerPin')} />
      </form>
    </section>
  );
}
