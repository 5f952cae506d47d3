/**
 * Joint statements of a channel: each statement's versions with disputed passages in brackets
 * highlighted, what each revision changed (a word-level diff), approvals per party bound to the
 * exact text hash, and the actions allowed now: revise (choosing an alternative resolves a
 * bracket), approve (heads, once no bracket is left), release (once every party approved).
 */
import { useState } from 'preact/hooks';
import { api, type Channel, type Me, type Statement } from '../../lib/api';
import { findBrackets, resolveBracket, splitBrackets } from './brackets';
import { FormError, TextArea, TextField } from '../../lib/components/field';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { t, type MessageKey } from './messages';
import { formatHlc } from '../../lib/i18n';
import { useAsync } from '../../lib/use-async';
import { wordDiff } from './word-diff';
import { useSubmit } from '../../lib/use-submit';

type Version = Statement['versions'][number];

const STATES: Record<Statement['state'], MessageKey> = {
  bracketed: 'stBracketed',
  approving: 'stApproving',
  released: 'stReleased',
};

export function StatementsView({ channel, me, version }: { channel: Channel; me: Me; version: number }) {
  const list = useAsync(() => api.statements(channel.id), [channel.id, version]);
  const [drafting, setDrafting] = useState(false);
  return (
    <section class="statements" aria-labelledby="statements-title">
      <div class="section-head">
        <h2 id="statements-title">{t('statementsTitle')}</h2>
        <button
          type="button"
          class="secondary"
          aria-expanded={drafting}
          onClick={() => setDrafting(!drafting)}
        >
          {t('newStatement')}
        </button>
      </div>
      {drafting && <DraftForm channel={channel} onDone={() => (setDrafting(false), list.reload())} />}
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.statements.length === 0 && <EmptyState>{t('statementsNone')}</EmptyState>}
      {list.data?.statements.map((s) => (
        <StatementCard key={s.statement} channel={channel} me={me} statement={s} onChanged={list.reload} />
      ))}
    </section>
  );
}

/** The text with `[a | b]` brackets highlighted. */
export function BracketedText({ text }: { text: string }) {
  return (
    <p class="statement-text">
      {splitBrackets(text).map((part, i) =>
        typeof part === 'string' ? (
          part
        ) : (
          <mark key={i} class="bracket" title={t('disputed')}>
            [
            {part.alternatives.map((a, j) => (
              <span key={j}>
                {j > 0 && <span class="bracket-sep"> | </span>}
                <span class="alternative">{a}</span>
              </span>
            ))}
            ]
          </mark>
        ),
      )}
    </p>
  );
}

function Diff({ before, after }: { before: string; after: string }) {
  return (
    <p class="statement-text diff">
      {wordDiff(before, after).map((part, i) =>
        part.op === 'same' ? (
          part.text
        ) : part.op === 'added' ? (
          <ins key={i}>{part.text}</ins>
        ) : (
          <del key={i}>{part.text}</del>
        ),
      )}
    </p>
  );
}

function StatementCard(props: { channel: Channel; me: Me; statement: Statement; onChanged: () => void }) {
  const { statement: s, me, channel } = props;
  const current = s.versions.find((v) => v.id === s.current) ?? s.versions.at(-1)!;
  const [revising, setRevising] = useState(false);
  const action = useSubmit();
  const myParty = me.node.party;
  const parties = Object.keys(channel.parties);
  const approvedBy = new Set(s.approvals.filter((a) => a.textHash === current.textHash).map((a) => a.party));
  const isHead = me.principal.role === 'head';
  const canApprove = isHead && s.state === 'approving' && !approvedBy.has(myParty);
  const canRelease = s.state === 'approving' && s.waitingFor.length === 0 && s.released === null;
  const approveWhy =
    s.state === 'bracketed'
      ? t('whyBracketed')
      : s.state === 'released'
        ? t('whyReleased')
        : !isHead
          ? t('whyNotHead')
          : approvedBy.has(myParty)
            ? t('whyApproved')
            : '';
  const releaseWhy =
    s.state === 'released'
      ? t('whyReleased')
      : s.waitingFor.length > 0
        ? `${t('whyWaiting')} ${s.waitingFor.join(', ')}`
        : '';

  const act = (kind: 'statement-approve' | 'statement-release'): Promise<void> =>
    action.run(async () => {
      const of = await api.refOf(current.id);
      const entry = await api.postEntry(channel.id, { kind, body: { of, textHash: current.textHash } });
      props.onChanged();
      return `${kind === 'statement-approve' ? t('approved') : t('releasedDone')} ${entry.id}`;
    });

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
        <span class="mono" title={current.textHash}>
          {t('textHash')} {current.textHash.slice(0, 12)}…
        </span>
      </p>
      <BracketedText text={current.text} />
      <table class="approvals">
        <caption>{t('approvals')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('colParty')}</th>
            <th scope="col">{t('approval')}</th>
          </tr>
        </thead>
        <tbody>
          {parties.map((party) => {
            const approval = s.approvals.find((a) => a.party === party && a.textHash === current.textHash);
            return (
              <tr key={party} data-party={party} data-approved={String(Boolean(approval))}>
                <th scope="row">{party}</th>
                <td>
                  {approval ? (
                    <span class="ok-text">
                      ✓ {approval.by}, {formatHlc(approval.at)} ·{' '}
                      <span class="mono small">{approval.textHash.slice(0, 12)}…</span>
                    </span>
                  ) : (
                    <span class="muted">{t('notYet')}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {s.released && (
        <p class="released" role="status">
          ✓ {t('releasedBy')} {s.released.by}, {formatHlc(s.released.at)}
        </p>
      )}
      <div class="actions">
        {s.state !== 'released' && (
          <button
            type="button"
            class="secondary"
            aria-expanded={revising}
            onClick={() => setRevising(!revising)}
          >
            {t('revise')}
          </button>
        )}
        <button
          type="button"
          class="primary"
          disabled={action.busy || !canApprove}
          onClick={() => void act('statement-approve')}
        >
          {t('approve')}
        </button>
        <button
          type="button"
          class="danger"
          disabled={action.busy || !canRelease}
          onClick={() => void act('statement-release')}
        >
          {t('release')}
        </button>
        {action.done && (
          <span class="ok-text" role="status">
            {action.done}
          </span>
        )}
      </div>
      {(approveWhy || releaseWhy) && s.state !== 'released' && (
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
      {revising && (
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

function ReviseForm(props: { channel: Channel; statement: Statement; current: Version; onDone: () => void }) {
  const [text, setText] = useState(props.current.text);
  const action = useSubmit();
  const brackets = findBrackets(text);
  const id = `revise-${props.statement.statement}`;
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    await action.run(async () => {
      const revises = await api.refOf(props.current.id);
      await api.postEntry(props.channel.id, {
        kind: 'statement-draft',
        body: { statement: props.statement.statement, title: props.statement.title, text, revises },
      });
      props.onDone();
    });
  };
  return (
    <form
      class="revise-form"
      onSubmit={submit}
      aria-label={`${t('revise')}: ${props.statement.title}`}
      noValidate
    >
      {brackets.length > 0 && (
        <div class="bracket-choices">
          <p class="hint">{t('chooseAlternative')}</p>
          {brackets.map((b, i) => (
            <div
              key={`${b.start}-${i}`}
              class="bracket-choice"
              role="group"
              aria-label={`${t('disputed')} ${i + 1}`}
            >
              {b.alternatives.map((alternative) => (
                <button
                  key={alternative}
                  type="button"
                  class="secondary"
                  onClick={() =>
                    setText((current) => resolveBracket(current, findBrackets(current)[i] ?? b, alternative))
                  }
                >
                  {t('use')} «{alternative}»
                </button>
              ))}
            </div>
          ))}
        </div>
      )}
      <TextArea
        id={id}
        label={t('statementText')}
        value={text}
        onInput={setText}
        rows={5}
        hint={t('bracketHint')}
      />
      <p class="muted small">{t('preview')}:</p>
      <Diff before={props.current.text} after={text} />
      <FormError message={action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy || text === props.current.text}>
          {t('sendRevision')}
        </button>
      </div>
    </form>
  );
}

function DraftForm({ channel, onDone }: { channel: Channel; onDone: () => void }) {
  const [statement, setStatement] = useState('');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const action = useSubmit();
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    await action.run(async () => {
      await api.postEntry(channel.id, {
        kind: 'statement-draft',
        body: { statement: statement.trim(), title: title.trim(), text },
      });
      onDone();
    });
  };
  return (
    <form class="card draft-form" onSubmit={submit} aria-labelledby="draft-title" noValidate>
      <h3 id="draft-title">{t('newStatement')}</h3>
      <div class="compose-grid">
        <TextField
          id="draft-id"
          label={t('statementId')}
          value={statement}
          onInput={setStatement}
          hint="e.g. joint-2026-02"
        />
        <TextField id="draft-name" label={t('statementTitle')} value={title} onInput={setTitle} />
      </div>
      <TextArea
        id="draft-text"
        label={t('statementText')}
        value={text}
        onInput={setText}
        rows={4}
        hint={t('bracketHint')}
      />
      {text && <BracketedText text={text} />}
      <FormError message={action.error} />
      <button type="submit" class="primary" disabled={action.busy}>
        {t('sendDraft')}
      </button>
    </form>
  );
}
