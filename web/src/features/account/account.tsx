/**
 * A person's own account: their API tokens (label, created, expiry, last use; create one with a
 * label and lifetime, its secret shown once; revoke), a password change that proves the
 * current password, and the rotation of their signing key (README "Security", "People's keys").
 * Administrators disable and enable others' accounts, and revoke keys, on the admin screen.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, type Me } from '../../lib/api';
import { SelectField, TextField } from '../../lib/components/field';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { formatTime } from '../../lib/i18n';
import { useAsync } from '../../lib/use-async';
import { useSubmit, type SubmitState } from '../../lib/use-submit';
import { SubmitOutcome } from '../../lib/components/submit-outcome';
import { t } from './messages';
import { TableWrap } from '../../lib/components/table-wrap';

const LIFETIMES = ['7', '30', '90', '365'] as const;
type Lifetime = (typeof LIFETIMES)[number];

export function AccountScreen({ me }: { me: Me }) {
  return (
    <div class="admin-screen">
      <h1>
        {t('accountTitle')} <span class="mono muted">{me.principal.id}</span>
      </h1>
      <Tokens />
      <Password />
      <SigningKey me={me} />
    </div>
  );
}

function Tokens() {
  const tokens = useAsync(() => api.tokens(), []);
  const [label, setLabel] = useState('');
  const [lifetime, setLifetime] = useState<Lifetime>('90');
  const [secret, setSecret] = useState<string | null>(null);
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const create = useSubmit(['label', 'expiresInSeconds']);
  const revoke = useSubmit();
  return (
    <section class="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t('tokensTitle')}</h2>
      <p class="muted">{t('tokensHint')}</p>
      {tokens.error ? <ErrorBox error={tokens.error} onRetry={tokens.reload} /> : null}
      {!tokens.data && tokens.loading && <Loading />}
      {tokens.data && tokens.data.length === 0 && <EmptyState>{t('tokensEmpty')}</EmptyState>}
      {tokens.data && tokens.data.length > 0 && (
        <TableWrap>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('tokenLabel')}</th>
                <th scope="col">{t('tokenId')}</th>
                <th scope="col">{t('tokenCreated')}</th>
                <th scope="col">{t('tokenExpires')}</th>
                <th scope="col">{t('tokenLastUsed')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('tokenRevoke')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <tr key={token.id}>
                  <th scope="row">{token.label}</th>
                  <td class="mono">{token.id}</td>
                  <td>{formatTime(token.createdAt)}</td>
                  <td>
                    {token.expired
                      ? t('tokenExpired')
                      : token.expiresAt === null
                        ? t('tokenNever')
                        : formatTime(token.expiresAt)}
                  </td>
                  <td>{token.lastUsedAt === null ? t('tokenNever') : formatTime(token.lastUsedAt)}</td>
                  <td>
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`${t('tokenRevoke')} ${token.label} (${token.id})`}
                      disabled={revoke.busy}
                      onClick={() =>
                        void revoke.run(async () => {
                          await api.revokeToken(token.id);
                          tokens.reload();
                          return t('tokenRevoked');
                        })
                      }
                    >
                      {t('tokenRevoke')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <SubmitOutcome submit={revoke} />
      <form
        class="inline-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setSecret(null);
          void create.run(async () => {
            const issued = await api.createToken({
              label: label.trim(),
              expiresInSeconds: Number(lifetime) * 24 * 3600,
            });
            setSecret(issued.token);
            setLabel('');
            tokens.reload();
          });
        }}
      >
        <TextField
          id="token-label"
          label={t('tokenNewLabel')}
          value={label}
          onInput={setLabel}
          error={create.fieldError('label')}
        />
        <SelectField
          id="token-lifetime"
          label={t('tokenNewLifetime')}
          value={lifetime}
          onChange={setLifetime}
          error={create.fieldError('expiresInSeconds')}
          options={LIFETIMES.map((d) => ({ value: d, label: `${d} ${t('days')}` }))}
        />
        <button type="submit" class="primary" disabled={create.busy}>
          {t('tokenCreate')}
        </button>
        <SubmitOutcome submit={create} />
      </form>
      {secret && (
        <div class="card" role="status">
          <p>{t('tokenSecret')}</p>
          <code class="mono token-secret">{secret}</code>
        </div>
      )}
    </section>
  );
}

/**
 * A form that proves the person's password before it acts: the password field, any others the
 * action needs after it (`children`), the button and the outcome. A wrong password is said on the
 * password field (the node's refusal names it: lib/field-errors.ts), not only at form level.
 */
function PasswordPrompt(props: {
  /** The request body's name for the password (`current`, `password`). */
  field: string;
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  submit: SubmitState;
  action: () => Promise<string | void>;
  button: string;
  children?: ComponentChildren;
}) {
  const { submit } = props;
  return (
    <form
      class="inline-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit.run(props.action);
      }}
    >
      <TextField
        id={props.id}
        label={props.label}
        type="password"
        value={props.value}
        onInput={props.onInput}
        autoComplete="current-password"
        error={submit.fieldError(props.field)}
      />
      {props.children}
      <button type="submit" class="primary" disabled={submit.busy}>
        {props.button}
      </button>
      <SubmitOutcome submit={submit} />
    </form>
  );
}

function Password() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const submit = useSubmit(['current', 'next']);
  return (
    <section class="card" aria-labelledby="password-title">
      <h2 id="password-title">{t('passwordTitle')}</h2>
      <p class="muted">{t('passwordHint')}</p>
      <PasswordPrompt
        field="current"
        id="password-current"
        label={t('passwordCurrent')}
        value={current}
        onInput={setCurrent}
        submit={submit}
        button={t('passwordChange')}
        action={async () => {
          setMismatch(next !== repeat);
          if (next !== repeat) return;
          await api.changePassword(current, next);
          setCurrent('');
          setNext('');
          setRepeat('');
          return t('passwordChanged');
        }}
      >
        <TextField
          id="password-next"
          label={t('passwordNext')}
          type="password"
          value={next}
          onInput={setNext}
          autoComplete="new-password"
          error={submit.fieldError('next')}
        />
        <TextField
          id="password-repeat"
          label={t('passwordRepeat')}
          type="password"
          value={repeat}
          onInput={setRepeat}
          autoComplete="new-password"
          error={mismatch ? t('passwordMismatch') : null}
        />
      </PasswordPrompt>
    </section>
  );
}

/** Rotating one's own signing key: the old one is revoked in every channel, and one signs in again. */
function SigningKey({ me }: { me: Me }) {
  const [password, setPassword] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const submit = useSubmit(['password']);
  const [rotated, setRotated] = useState(false);
  return (
    <section class="card" aria-labelledby="key-title">
      <h2 id="key-title">{t('keyTitle')}</h2>
      <p class="muted">{t('keyHint')}</p>
      <p>
        {t('keyCurrent')} <code class="mono break">{me.principal.publicKey}</code>
        {me.principal.keyRevoked && <strong class="warn-text"> {t('keyRevoked')}</strong>}
      </p>
      {rotated ? (
        <p class="ok-text" role="status">
          {t('keyRotated')} <a href="/app/">{t('signInAgain')}</a>
        </p>
      ) : (
        <PasswordPrompt
          field="password"
          id="key-password"
          label={t('keyPassword')}
          value={password}
          onInput={setPassword}
          submit={submit}
          button={t('keyRotate')}
          action={async () => {
            await api.rotateKey(password);
            setPassword('');
            setRotated(true);
            return t('keyRotated');
          }}
        />
      )}
    </section>
  );
}
