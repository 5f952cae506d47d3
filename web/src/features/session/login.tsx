/**
 * Sign in: user id and password (the node's cookie session), then, when the node asks for it,
 * the passkey step — confirm with a passkey, or register a first one when the node requires one
 * for the person's role. Until that step is done the session opens nothing else.
 */
import { useState } from 'preact/hooks';
import { ApiError, api } from '../../lib/api';
import { FormError, TextField } from '../../lib/components/field';
import { describeError } from '../../lib/components/status';
import { t } from './messages';
import {
  describePasskeyError,
  logInWithPasskey,
  passkeysSupported,
  registerPasskey,
} from './passkey-ceremonies';

type Step = 'password' | 'passkey' | 'passkey-enrol';

export function LoginScreen({ onSignedIn }: { onSignedIn: () => void }) {
  const [step, setStep] = useState<Step>('password');
  const restart = (): void => {
    void api.logout().finally(() => setStep('password'));
  };
  if (step === 'passkey') return <PasskeyStep onSignedIn={onSignedIn} onCancel={restart} />;
  if (step === 'passkey-enrol') return <PasskeyEnrolStep onSignedIn={onSignedIn} onCancel={restart} />;
  return (
    <PasswordStep
      onPassword={(next) => {
        if (next === 'none') onSignedIn();
        else setStep(next);
      }}
    />
  );
}

function Frame({
  title,
  children,
  onSubmit,
}: {
  title: string;
  children: preact.ComponentChildren;
  onSubmit: (e: Event) => void;
}) {
  return (
    <main class="login" id="main">
      <form class="card login-card" onSubmit={onSubmit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">
          {t('appName')} <span class="muted">· {t('tagline')}</span>
        </h1>
        <h2>{title}</h2>
        {children}
      </form>
    </main>
  );
}

function PasswordStep({ onPassword }: { onPassword: (next: 'none' | 'passkey' | 'passkey-enrol') => void }) {
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
      const session = await api.login(user.trim(), password);
      setBusy(false);
      onPassword(session.secondFactor);
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'invalid_credentials') setError(t('loginFailed'));
      else if (failure instanceof ApiError && failure.code === 'too_many_requests')
        setError(t('loginThrottled'));
      else if (failure instanceof ApiError && failure.code === 'validation_failed')
        setError(t('loginFailed'));
      else setError(describeError(failure));
      setBusy(false);
    }
  };

  return (
    <Frame title={t('loginTitle')} onSubmit={submit}>
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
    </Frame>
  );
}

interface StepProps {
  onSignedIn: () => void;
  onCancel: () => void;
}

function PasskeyStep({ onSignedIn, onCancel }: StepProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(passkeysSupported() ? null : t('passkeyUnsupported'));
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await logInWithPasskey();
      onSignedIn();
    } catch (failure) {
      setError(describePasskeyError(failure));
      setBusy(false);
    }
  };
  return (
    <Frame title={t('passkeyStepTitle')} onSubmit={submit}>
      <p>{t('passkeyStepText')}</p>
      <FormError message={error} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t('passkeyBusy') : t('passkeyUse')}
      </button>
      <button type="button" class="secondary" onClick={onCancel}>
        {t('passkeyCancel')}
      </button>
    </Frame>
  );
}

function PasskeyEnrolStep({ onSignedIn, onCancel }: StepProps) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(passkeysSupported() ? null : t('passkeyUnsupported'));
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!name.trim()) {
      setError(t('passkeyNameMissing'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await registerPasskey(name.trim());
      onSignedIn();
    } catch (failure) {
      setError(describePasskeyError(failure));
      setBusy(false);
    }
  };
  return (
    <Frame title={t('passkeyEnrolTitle')} onSubmit={submit}>
      <p>{t('passkeyEnrolText')}</p>
      <TextField
        id="passkey-enrol-name"
        label={t('passkeyName')}
        hint={t('passkeyNameHint')}
        value={name}
        onInput={setName}
      />
      <FormError message={error} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t('passkeyBusy') : t('passkeyAdd')}
      </button>
      <button type="button" class="secondary" onClick={onCancel}>
        {t('passkeyCancel')}
      </button>
    </Frame>
  );
}
