/** Sign in with user id and password (the node's cookie session). */
import { useState } from 'preact/hooks';
import { ApiError, api } from '../../lib/api';
import { FormError, TextField } from '../../lib/components/field';
import { describeError } from '../../lib/components/status';
import { t } from './messages';

export function LoginScreen({ onSignedIn }: { onSignedIn: () => void }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!user.trim() || !password) {
      setError(t('loginMissing'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.login(user.trim(), password);
      onSignedIn();
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'invalid_credentials') setError(t('loginFailed'));
      else if (failure instanceof ApiError && failure.code === 'too_many_requests')
        setError(t('loginThrottled'));
      else if (failure instanceof ApiError && failure.code === 'validation_failed')
        setError(t('loginFailed'));
      else setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <form class="card login-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">
          {t('appName')} <span class="muted">· {t('tagline')}</span>
        </h1>
        <h2>{t('loginTitle')}</h2>
        <TextField
          id="login-user"
          label={t('loginUser')}
          value={user}
          onInput={setUser}
          autoComplete="username"
        />
        <TextField
          id="login-password"
          label={t('loginPassword')}
          type="password"
          value={password}
          onInput={setPassword}
          autoComplete="current-password"
        />
        <FormError message={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('loginBusy') : t('loginSubmit')}
        </button>
      </form>
    </main>
  );
}
