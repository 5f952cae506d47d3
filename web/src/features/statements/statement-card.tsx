/**
 * One statement: its text with the disputed passages, a panel per bracket, what each revision
 * changed, the approvals, and the release (embargoed until a time or not). Approving and releasing
 * are offered only to whom they apply, and the card says why not otherwise; who may not write in
 * the channel is offered none of them.
 */
import { useState } from 'preact/hooks';
import { api, type Channel, type Me, type Statement } from '../../lib/api';
import { ApprovalTable } from './approval-table';
import { BracketPanel } from './bracket-panel';
import { FormError, TextField } from '../../lib/components/field';
import { t, type MessageKey } from './messages';
import { formatHlc, formatTime } from '../../lib/i18n';
import { ReviseForm } from './revise-form';
import { BracketedText, Diff } from './statement-text';
import { useSubmit } from '../../lib/use-submit';
import { DoneNote } from '../../lib/components/submit-outcome';
import { ToggleButton } from '../../lib/components/toggle-button';
import { useMayWrite } from '../../lib/write-access';

const STATES: Record<Statement['state'], MessageKey> = {
  bracketed: 'stBracketed',
  approving: 'stApproving',
  embargoed: 'stEmbargoed',
  released: 'stReleased',
};

export function StatementCard(props: {
  channel: Channel;
  me: Me;
  statement: Statement;
  onChanged: () => void;
}) {
  const { statement: s, me, channel } = props;
  const current = s.versions.find((v) => v.id === s.current) ?? s.versions.at(-1)!;
  const [revising, setRevising] = useState(false);
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const action = useSubmit(['embargoUntil']);
  // Who may not write in the channel reads the card: the tab says why once at its top.
  const mayWrite = useMayWrite();
  const myParty = me.node.party;
  const parties = Object.keys(channel.parties);
  const approvedBy = new Set(s.approvals.filter((a) => a.textHash === s.textHash).map((a) => a.party));
  const isHead = me.principal.role === 'head';
  const released = s.released !== null;
  const allApproved = s.open === 0 && parties.every((p) => approvedBy.has(p));
  const [embargo, setEmbargo] = useState('');
  const canApprove = isHead && s.state === 'approving' && !approvedBy.has(myParty);
  const canRelease = s.state === 'approving' && s.waitingFor.length === 0 && s.released === null;
  const approveWhy =
    s.state === 'bracketed'
      ? t('whyBracketed')
      : released
        ? t('whyReleased')
        : !isHead
          ? t('whyNotHead')
          : approvedBy.has(myParty)
            ? t('whyApproved')
            : '';
  const releaseWhy = released
    ? t('whyReleased')
    : s.waitingFor.length > 0
      ? `${t('whyWaiting')} ${s.waitingFor.join(', ')}`
      : '';

  const act = (kind: 'statement-approve' | 'statement-release'): Promise<void> =>
    action.run(async () => {
      const of = await api.refOf(current.id);
      const body =
        kind === 'statement-release' && embargo.trim()
          ? { of, textHash: s.textHash, embargoUntil: embargo.trim() }
          : { of, textHash: s.textHash };
      const entry = await api.postEntry(channel.id, { kind, body });
      props.onChanged();
      return `${kind === 'statement-approve' ? t('approved') : t('releasedDone')} ${entry.id}`;
    });
  const actButton = (kind: Parameters<typeof act>[0], label: MessageKey, cls: string, allowed: boolean) => (
    <button type="button" class={cls} disabled={action.busy || !allowed} onClick={() => void act(kind)}>
      {t(label)}
    </button>
  );

  return (
    <article
      class="card statement"
      data-statement={s.statement}
      data-state={s.state}
      aria-labelledby={`st-${s.statement}`}
    >
      <header class="statement-head">
        <h3 id={`st-${s.statement}`}>
          {s.title} <span class="muted mono small">{s.statement}</span>
        </h3>
        <span class={`badge statement-state st-${s.state}`}>{t(STATES[s.state])}</span>
      </header>
      <p class="muted small">
        {t('version')} {s.versions.length} · {current.author} ({current.party}) · {formatHlc(current.at)} ·{' '}
        <span class="mono text-hash" title={s.textHash}>
          {t('textHash')} {s.textHash.slice(0, 12)}…
        </span>
      </p>
      <BracketedText text={s.text} />
      {s.brackets.map((b) => (
        <BracketPanel
          key={b.index}
          channel={channel}
          statement={s}
          current={current}
          bracket={b}
          myParty={myParty}
          frozen={released || allApproved || !mayWrite}
          onChanged={props.onChanged}
        />
      ))}
      <ApprovalTable statement={s} parties={parties} />
      {s.released && (
        <p class="released" role="status">
          ✓ {t('releasedBy')} {s.released.by}, {formatHlc(s.released.at)}
          {s.released.embargoUntil && (
            <span class={s.state === 'embargoed' ? 'embargo' : 'muted'}>
              {' '}
              · {s.state === 'embargoed' ? t('embargoedUntil') : t('embargoEnded')}{' '}
              {formatTime(s.released.embargoUntil)}
            </span>
          )}
        </p>
      )}
      {mayWrite && canRelease && (
        <TextField
          id={`embargo-${s.statement}`}
          label={t('embargoLabel')}
          value={embargo}
          onInput={setEmbargo}
          hint={t('embargoHint')}
          error={action.fieldError('embargoUntil')}
        />
      )}
      {mayWrite && (
        <div class="actions">
          {!released && (
            <ToggleButton label={t('revise')} open={revising} onToggle={() => setRevising(!revising)} />
          )}
          {actButton('statement-approve', 'approve', 'primary', canApprove)}
          {actButton('statement-release', 'release', 'danger', canRelease)}
          <DoneNote message={action.done} />
        </div>
      )}
      {mayWrite && (approveWhy || releaseWhy) && !released && (
        <p class="hint why">
          {approveWhy && (
            <span>
              {t('approve')}: {approveWhy}.{' '}
            </span>
          )}
          {releaseWhy && (
            <span>
              {t('release')}: {releaseWhy}.
            </span>
          )}
        </p>
      )}
      <FormError message={action.error} />
      {mayWrite && revising && (
        <ReviseForm
          channel={channel}
          statement={s}
          current={current}
          onDone={() => {
            setRevising(false);
            props.onChanged();
          }}
        />
      )}
      {s.versions.length > 1 && (
        <details class="history">
          <summary>
            {t('versionHistory')} ({s.versions.length})
          </summary>
          <ol class="versions" reversed>
            {[...s.versions].reverse().map((v, i, all) => {
              const previous = all[i + 1];
              return (
                <li key={v.id} data-version={v.id}>
                  <p class="muted small">
                    {v.author} ({v.party}) · {formatHlc(v.at)} · <span class="mono">{v.id}</span>
                  </p>
                  {previous ? (
                    <Diff before={previous.text} after={v.text} />
                  ) : (
                    <BracketedText text={v.text} />
                  )}
                </li>
              );
            })}
          </ol>
        </details>
      )}
    </article>
  );
}
