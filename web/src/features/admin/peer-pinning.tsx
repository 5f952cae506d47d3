/** Administration: the pinned peers, and pinning another party's node. */
import { useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { TextArea, TextField } from '../../lib/components/field';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { useAsync } from '../../lib/use-async';
import { useSubmit } from '../../lib/use-submit';
import { t } from './messages';
import { SubmitRow } from './submit-row';

/** Pins another party's node; refused unless its key matches the fingerprint given out of band. */
export function PeerPinning() {
  const peers = useAsync(() => api.peers(), []);
  const [url, setUrl] = useState('');
  const [party, setParty] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const [tlsCa, setTlsCa] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const submit = useSubmit(['url', 'party', 'fingerprint', 'tlsCa']);
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
        <TextField
          id="peer-url"
          error={submit.fieldError('url')}
          label={t('peerUrl')}
          value={url}
          onInput={setUrl}
        />
        <TextField
          id="peer-party"
          error={submit.fieldError('party')}
          label={t('peerParty')}
          value={party}
          onInput={setParty}
        />
        <TextField
          id="peer-fingerprint"
          error={submit.fieldError('fingerprint')}
          label={t('peerFingerprint')}
          value={fingerprint}
          onInput={setFingerprint}
        />
        <TextArea
          id="peer-tls"
          error={submit.fieldError('tlsCa')}
          label={t('peerTlsCa')}
          value={tlsCa}
          onInput={setTlsCa}
          rows={2}
        />
        <SubmitRow submit={submit} label={t('peerPin')} />
      </form>
    </section>
  );
}
