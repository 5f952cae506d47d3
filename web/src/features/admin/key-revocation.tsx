/**
 * Revoking a person's signing key (admin; README "Security", "People's keys"): a lost device or a
 * suspected copy. The revocation is published in every channel, so every party refuses what the
 * key signs from now on; the person's sessions and tokens end, and they sign again after
 * replacing their key with their password (Account screen).
 */
import { useState } from 'preact/hooks';
import { api, type Principal } from '../../lib/api';
import { SelectField, TextField } from '../../lib/components/field';
import { SubmitOutcome } from '../../lib/components/submit-outcome';
import { useSubmit } from '../../lib/use-submit';
import { t } from './messages';

export function KeyRevocation({ users, onDone }: { users: Principal[]; onDone: () => void }) {
  const holders = users.filter((u) => !u.keyRevoked);
  const [user, setUser] = useState('');
  const [reason, setReason] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const submit = useSubmit(['reason']);
  const chosen = user || holders[0]?.id || '';
  return (
    <form
      class="inline-form key-revocation"
      aria-labelledby="revoke-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit.run(async () => {
          const change = await api.revokeKey(chosen, reason);
          setReason('');
          onDone();
          return `${change.user}: ${t('keyRevokedDone')}`;
        });
      }}
    >
      <h3 id="revoke-title">{t('revokeKeyTitle')}</h3>
      <SelectField
        id="revoke-user"
        label={t('revokeKeyUser')}
        value={chosen}
        onChange={setUser}
        options={holders.map((u) => ({ value: u.id, label: u.id }))}
      />
      <TextField
        id="revoke-reason"
        error={submit.fieldError('reason')}
        label={t('revokeKeyReason')}
        value={reason}
        onInput={setReason}
      />
      <button type="submit" class="danger" disabled={submit.busy || chosen === ''}>
        {t('revokeKey')}
      </button>
      <SubmitOutcome submit={submit} />
    </form>
  );
}
