/**
 * One disputed passage of a statement. A bracket is resolved only when every party agreed to one
 * proposed wording; a resolution may be reopened, with a reason, until every party approved the
 * whole text.
 */
import { useState } from 'preact/hooks';
import { api, type Channel, type Statement } from '../../lib/api';
import { FormError, TextField } from '../../lib/components/field';
import { t, type MessageKey } from './messages';
import { useSubmit } from '../../lib/use-submit';
import { DoneNote } from '../../lib/components/submit-outcome';

type Version = Statement['versions'][number];
type BracketState = Statement['brackets'][number];

/**
 * One disputed passage: its live proposal and who agreed, and what this party may do now —
 * propose a wording (an alternative or its own), agree to the other side's, or reopen.
 */
export function BracketPanel(props: {
  channel: Channel;
  statement: Statement;
  current: Version;
  bracket: BracketState;
  myParty: string;
  frozen: boolean;
  onChanged: () => void;
}) {
  const { bracket: b, statement: s, channel } = props;
  const live = s.resolutions.find((r) => r.key === b.resolution);
  const [wording, setWording] = useState('');
  const [reason, setReason] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const action = useSubmit(['text', 'reason']);
  const id = `bracket-${s.statement}-${b.index}`;
  const post = (kind: string, body: Record<string, unknown>, done: MessageKey): Promise<void> =>
    action.run(async () => {
      const of = await api.refOf(props.current.id);
      const entry = await api.postEntry(channel.id, { kind, body: { of, ...body } });
      setWording('');
      setReason('');
      props.onChanged();
      return `${t(done)} ${entry.id}`;
    });
  const propose = (text: string) => post('statement-resolution', { bracket: b.index, text }, 'proposedDone');
  const answer = async (kind: 'statement-resolution-agree' | 'statement-reopen') => {
    const resolution = await api.refOf(live!.id);
    await post(
      kind,
      kind === 'statement-reopen' ? { resolution, reason: reason.trim() } : { resolution },
      kind === 'statement-reopen' ? 'reopenedDone' : 'agreedDone',
    );
  };
  return (
    <div
      class="bracket-panel"
      role="group"
      aria-label={`${t('disputed')} ${b.index + 1}`}
      data-bracket={b.index}
      data-resolved={String(b.resolved)}
    >
      <p class="small">
        <strong>
          {t('disputed')} {b.index + 1}
        </strong>{' '}
        <span class="mono">{b.source}</span>
      </p>
      {live ? (
        <p class={b.resolved ? 'ok-text resolution' : 'resolution'}>
          {b.resolved ? `✓ ${t('resolvedByAll')}` : t('stProposedBy')} {live.party}: «{live.text}» ·{' '}
          {t('stAgreedBy')} {live.agreedBy.join(', ')}
        </p>
      ) : (
        <p class="muted small">{t('noProposal')}</p>
      )}
      {!props.frozen && (
        <div class="bracket-choice">
          {!b.resolved &&
            b.alternatives.map((alternative) => (
              <button
                key={alternative}
                type="button"
                class="secondary"
                disabled={action.busy}
                onClick={() => void propose(alternative)}
              >
                {t('stPropose')} «{alternative}»
              </button>
            ))}
          {live && !live.agreedBy.includes(props.myParty) && (
            <button
              type="button"
              class="primary"
              disabled={action.busy}
              onClick={() => void answer('statement-resolution-agree')}
            >
              {t('stAgree')} «{live.text}»
            </button>
          )}
        </div>
      )}
      {!props.frozen && (
        <div class="compose-grid">
          {!b.resolved && (
            <TextField
              id={`${id}-wording`}
              label={t('ownWording')}
              value={wording}
              onInput={setWording}
              error={action.fieldError('text')}
            />
          )}
          {live && (
            <TextField
              id={`${id}-reason`}
              label={t('reopenReason')}
              value={reason}
              onInput={setReason}
              error={action.fieldError('reason')}
            />
          )}
        </div>
      )}
      {!props.frozen && (
        <div class="actions">
          {!b.resolved && (
            <button
              type="button"
              class="secondary"
              disabled={action.busy || !wording.trim()}
              onClick={() => void propose(wording.trim())}
            >
              {t('proposeWording')}
            </button>
          )}
          {live && (
            <button
              type="button"
              class="danger"
              disabled={action.busy || !reason.trim()}
              onClick={() => void answer('statement-reopen')}
            >
              {t('reopen')}
            </button>
          )}
          <DoneNote message={action.done} />
        </div>
      )}
      <FormError message={action.error} />
    </div>
  );
}
