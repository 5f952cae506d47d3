/**
 * One's passkeys: the node's setting, the list (name, when registered, last used), registering a
 * new one under a name, and removing one. Self-contained (it loads and changes only through the
 * API), so it can sit on any screen of a signed-in person; today `PasskeysScreen` shows it.
 */
import { useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { TextField } from '../../lib/components/field';
import { SubmitOutcome } from '../../lib/components/submit-outcome';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { useAsync } from '../../lib/use-async';
import { useSubmit } from '../../lib/use-submit';
import { t } from './messages';
import { describePasskeyError, passkeysSupported, registerPasskey } from './passkey-ceremonies';

const when = (at: number): string => new Date(at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

export function PasskeysScreen() {
  return (
    <div class="passkeys-screen">
      <h1>{t('passkeysTitle')}</h1>
      <PasskeysPanel />
    </div>
  );
}

export function PasskeysPanel() {
  const state = useAsync(() => api.passkeys(), []);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = useSubmit();

  if (state.error) return <ErrorBox error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading />;
  const { mode, required, passkeys } = state.data;

  const add = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(null);
    if (!name.trim()) {
      setError(t('passkeyNameMissing'));
      return;
    }
    await submit.run(async () => {
      try {
        await registerPasskey(name.trim());
      } catch (failure) {
        throw new Error(describePasskeyError(failure));
      }
      setName('');
      state.reload();
      return t('passkeyAdded');
    });
  };

  const remove = (id: string): void => {
    if (!window.confirm(t('passkeyRemoveConfirm'))) return;
    void submit.run(async () => {
      try {
        await api.removePasskey(id);
      } catch (failure) {
        throw new Error(describePasskeyError(failure));
      }
      state.reload();
      return t('passkeyRemoved');
    });
  };

  return (
    <section class="card passkeys" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">{t('passkeysTitle')}</h2>
      {mode === 'off' ? (
        <p class="muted">{t('passkeysOff')}</p>
      ) : (
        <>
          <p>{t('passkeysIntro')}</p>
          {required && <p class="muted">{t('passkeysRequired')}</p>}
          {passkeys.length === 0 ? (
            <EmptyState>{t('passkeysNone')}</EmptyState>
          ) : (
            <ul class="plain-list passkey-list">
              {passkeys.map((p) => (
                <li key={p.id}>
                  <strong>{p.name}</strong>
                  {p.backedUp && <span class="muted"> · {t('passkeySynced')}</span>}
                  <span class="muted">
                    {' '}
                    · {t('passkeyCreated')} {when(p.createdAt)} ·{' '}
                    {p.lastUsedAt === null
                      ? t('passkeyNeverUsed')
                      : `${t('passkeyLastUsed')} ${when(p.lastUsedAt)}`}
                  </span>{' '}
                  <button
                    type="button"
                    class="secondary"
                    aria-label={`${t('passkeyRemove')}: ${p.name}`}
                    disabled={submit.busy}
                    onClick={() => remove(p.id)}
                  >
                    {t('passkeyRemove')}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {passkeysSupported() ? (
            <form onSubmit={add} noValidate>
              <TextField
                id="passkey-name"
                label={t('passkeyName')}
                hint={t('passkeyNameHint')}
                value={name}
                onInput={setName}
                error={error}
              />
              <button type="submit" class="primary" disabled={submit.busy}>
                {t('passkeyAdd')}
              </button>
            </form>
          ) : (
            <p class="muted">{t('passkeyUnsupported')}</p>
          )}
          <SubmitOutcome submit={submit} />
        </>
      )}
    </section>
  );
}
