/**
 * Where an item (a note or notification) stands: its deadlines per its precedence with live
 * countdowns, each other party's answer (with the read-back and its field-by-field comparison),
 * the sender's Confirm / Correct of a read-back, questions and their answers, escalation steps.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import {
  api,
  type Channel,
  type Clarification,
  type Entry,
  type EntryRef,
  type ItemStatus,
  type PartyResponse,
} from '../../lib/api';
import { t, type MessageKey } from './messages';
import { formatHlc, formatTime } from '../../lib/i18n';
import { useAsync } from '../../lib/use-async';
import { Countdown } from './countdown';
import { FormError, TextArea } from '../../lib/components/field';
import { obligationLabel } from './obligation-row';
import { ErrorBox } from '../../lib/components/status';
import { useSubmit } from '../../lib/use-submit';
import { wordDiff } from '../statements/word-diff';
import { readBackForm } from '../../lib/shared';

const STATES: Record<string, MessageKey> = {
  awaiting: 'rsAwaiting',
  deferred: 'rsDeferred',
  declined: 'rsDeclined',
  understood: 'rsUnderstood',
  'readback-pending': 'rsReadbackPending',
  'readback-confirmed': 'rsReadbackConfirmed',
  'readback-corrected': 'rsReadbackCorrected',
};

export function responseLabel(state: string): string {
  const key = STATES[state];
  return key ? t(key) : state;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function ItemPanel(props: { channel: Channel; entry: Entry; myParty: string; version: number }) {
  const { channel, entry } = props;
  const status = useAsync(
    () => api.status(channel.id, entry.party, entry.seq),
    [channel.id, entry.id, props.version],
  );
  const data = status.data;
  const mine = entry.party === props.myParty;
  return (
    <section
      class="item-panel"
      aria-labelledby="item-title"
      data-resolved={data ? String(data.resolved) : undefined}
    >
      <h3 id="item-title">{t('itemStatus')}</h3>
      {status.error ? <ErrorBox error={status.error} onRetry={status.reload} /> : null}
      {!data && !status.error && <p class="muted">{t('loading')}</p>}
      {data && (
        <>
          <p class="objectives">
            {entry.precedence}: {t('deliveryWithin')} {data.objectives.deliveryMinutes} {t('minutes')} ·{' '}
            {t('responseWithin')} {data.objectives.responseMinutes} {t('minutes')}
          </p>
          {data.resolved ? (
            <p class="badge resolved" role="status">
              ✓ {t('resolved')}
            </p>
          ) : (
            <ul class="open-obligations" aria-label={t('openObligations')}>
              {data.obligations.map((o) => (
                <li key={`${o.type}/${o.about.id}/${o.owedBy}`} data-type={o.type} data-owed-by={o.owedBy}>
                  <strong>{obligationLabel(o.type)}</strong> {o.owedBy} → {o.owedTo} <Countdown due={o.due} />
                  {o.note && <span class="muted"> · {o.note}</span>}
                </li>
              ))}
            </ul>
          )}
          <h4>{t('answers')}</h4>
          {data.responses.length === 0 ? (
            <p class="muted">{t('deliveryNone')}</p>
          ) : (
            <ul class="answers">
              {data.responses.map((r) => (
                <AnswerRow
                  key={r.party}
                  channel={channel}
                  entry={entry}
                  response={r}
                  mine={mine}
                  onChanged={status.reload}
                />
              ))}
            </ul>
          )}
          <Clarifications channel={channel} status={data} mine={mine} onChanged={status.reload} />
          <h4>{t('escalations')}</h4>
          {data.escalations.length === 0 ? (
            <p class="muted">{t('escalationsNone')}</p>
          ) : (
            <ol class="escalations">
              {data.escalations.map((e) => (
                <li key={e.id} data-step={e.step}>
                  <strong>{stepLabel(e.step)}</strong> — {obligationLabel(e.obligation as never)} ({e.owedBy}
                  ), {t('due')} {formatTime(e.due)}; {t('notified')}: {e.notify.join(', ') || '—'}{' '}
                  <span class="muted">{formatHlc(e.at)}</span>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}

function stepLabel(step: string): string {
  return step === 'overdue' ? t('stepOverdue') : step === 'head' ? t('stepHead') : t('stepDuty');
}

function AnswerRow(props: {
  channel: Channel;
  entry: Entry;
  response: PartyResponse;
  mine: boolean;
  onChanged: () => void;
}) {
  const r = props.response;
  const despite = r.state === 'readback-confirmed' && r.detail !== null;
  const original = typeof props.entry.body.text === 'string' ? props.entry.body.text : null;
  return (
    <li data-party={r.party} data-state={despite ? 'readback-confirmed-despite' : r.state}>
      <span class={`badge response response-${despite ? 'readback-confirmed-despite' : r.state}`}>
        {r.party}: {despite ? t('rsReadbackConfirmedDespite') : responseLabel(r.state)}
      </span>
      {r.by && <span class="muted"> — {r.by.author}</span>}
      {r.detail && (
        <p class="answer-detail">
          <span class="muted">
            {r.state === 'readback-pending'
              ? t('readBack')
              : r.state === 'readback-corrected'
                ? t('correction')
                : t('reason')}
            :{' '}
          </span>
          {r.detail}
        </p>
      )}
      {r.state === 'readback-pending' && r.detail && original && (
        <ReadBackDiff original={original} readBack={r.detail} lang={props.entry.lang} />
      )}
      {r.fields && r.fields.length > 0 && (
        <table class="field-compare">
          <caption>{t('fieldComparison')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('field')}</th>
              <th scope="col">{t('expected')}</th>
              <th scope="col">{t('readBack')}</th>
              <th scope="col">{t('match')}</th>
            </tr>
          </thead>
          <tbody>
            {r.fields.map((f) => (
              <tr
                key={f.field}
                class={f.match ? 'match' : 'differs'}
                data-field={f.field}
                data-match={String(f.match)}
              >
                <th scope="row" class="mono">
                  {f.field}
                </th>
                <td>{show(f.expected)}</td>
                <td>{show(f.readBack)}</td>
                <td>{f.match ? `✓ ${t('matches')}` : `✗ ${t('differs')}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.mine && r.state === 'readback-pending' && r.by && (
        <ReviewForm
          channel={props.channel}
          entry={props.entry}
          receipt={{ party: r.by.party, seq: r.by.seq, hash: r.by.hash }}
          party={r.party}
          differing={(r.fields ?? []).filter((f) => !f.match && f.readBack !== null).map((f) => f.field)}
          onDone={props.onChanged}
        />
      )}
    </li>
  );
}

/** The sender confirms a read-back, or corrects it with what was meant. */
function ReviewForm(props: {
  channel: Channel;
  entry: Entry;
  receipt: EntryRef;
  party: string;
  /** Fields read back differently: confirming then needs "despite differences" and a reason. */
  differing: string[];
  onDone: () => void;
}) {
  const [correcting, setCorrecting] = useState(false);
  const [correction, setCorrection] = useState('');
  const [confirmingDespite, setConfirmingDespite] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  // A refusal of the correction is shown on it; the despite-differences rules name the fields
  // that differ, not the reason, so they stay with the form (lib/field-errors.ts).
  const action = useSubmit(['correction']);
  const send = async (body: Record<string, unknown>): Promise<void> => {
    await action.run(async () => {
      await api.postEntry(props.channel.id, {
        kind: 'readback-review',
        precedence: props.entry.precedence,
        lang: props.entry.lang,
        ...(props.entry.marking ? { marking: props.entry.marking } : {}),
        body: { of: props.receipt, ...body },
      });
      setCorrecting(false);
      setCorrection('');
      props.onDone();
    });
  };
  const id = `review-${props.party}`;
  return (
    <div class="review-form" role="group" aria-label={`${t('reviewReadBack')} ${props.party}`}>
      <div class="actions">
        {props.differing.length === 0 ? (
          <button
            type="button"
            class="primary"
            disabled={action.busy}
            onClick={() => void send({ outcome: 'confirmed' })}
          >
            {t('confirmReadBack')}
          </button>
        ) : (
          <button
            type="button"
            class="secondary"
            disabled={action.busy}
            aria-expanded={confirmingDespite}
            onClick={() => setConfirmingDespite(!confirmingDespite)}
          >
            {t('confirmDespite')}
          </button>
        )}
        <button
          type="button"
          class="secondary"
          disabled={action.busy}
          aria-expanded={correcting}
          onClick={() => setCorrecting(!correcting)}
        >
          {t('correctReadBack')}
        </button>
      </div>
      {props.differing.length > 0 && (
        <p class="readback-differs" role="note">
          {t('readBackDiffers')}: <strong class="mono">{props.differing.join(', ')}</strong>
        </p>
      )}
      {confirmingDespite && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const why = reason.trim();
            if (!why) {
              setReasonError(t('confirmDespiteNeedsReason'));
              return;
            }
            setReasonError(null);
            void send({ outcome: 'confirmed', despiteDifferences: { fields: props.differing, reason: why } });
          }}
        >
          <TextArea
            id={`${id}-despite`}
            label={t('confirmDespiteReason')}
            value={reason}
            onInput={setReason}
            rows={2}
            error={reasonError}
          />
          <button type="submit" class="danger" disabled={action.busy}>
            {t('confirmDespiteSend')}
          </button>
        </form>
      )}
      {correcting && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void send({ outcome: 'corrected', correction: correction.trim() });
          }}
        >
          <TextArea
            id={`${id}-correction`}
            label={t('correctionText')}
            value={correction}
            onInput={setCorrection}
            rows={2}
            error={action.fieldError('correction')}
          />
          <button type="submit" class="danger" disabled={action.busy}>
            {t('sendCorrection')}
          </button>
        </form>
      )}
      <FormError message={action.error} />
    </div>
  );
}

function Clarifications(props: {
  channel: Channel;
  status: ItemStatus;
  mine: boolean;
  onChanged: () => void;
}) {
  const list = props.status.clarifications;
  return (
    <>
      <h4>{t('clarifications')}</h4>
      {list.length === 0 ? (
        <p class="muted">{t('clarificationsNone')}</p>
      ) : (
        <ul class="clarification-list">
          {list.map(({ request, answer }) => {
            const c: Clarification = {
              id: request.id,
              hash: request.hash,
              item: props.status.id,
              author: request.author,
              party: request.party,
              at: request.at,
              passage: request.passage,
              question: request.question,
              due: '',
              answer,
            };
            return (
              <ClarificationItem
                key={c.id}
                channel={props.channel}
                clarification={c}
                canAnswer={props.mine}
                onAnswered={props.onChanged}
              />
            );
          })}
        </ul>
      )}
    </>
  );
}

/** One question about a quoted passage, its answer, and (for the sending party) the answer form. */
export function ClarificationItem(props: {
  channel: Channel;
  clarification: Clarification;
  canAnswer: boolean;
  onAnswered: () => void;
  header?: ComponentChildren;
}) {
  const c = props.clarification;
  const passage = (c.passage ?? {}) as { quote?: string; start?: number; end?: number };
  const [text, setText] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const action = useSubmit(['text']);
  const answer = async (event: Event): Promise<void> => {
    event.preventDefault();
    await action.run(async () => {
      const of = await api.refOf(c.id);
      await api.postEntry(props.channel.id, { kind: 'clarification', body: { of, text: text.trim() } });
      setText('');
      props.onAnswered();
    });
  };
  const fieldId = `answer-${c.id.replace(/[^A-Za-z0-9]/g, '-')}`;
  return (
    <li class="clarification" data-request={c.id} data-answered={String(c.answer !== null)}>
      {props.header}
      <blockquote class="quote">
        “{passage.quote ?? ''}”{' '}
        <span class="muted small">
          [{passage.start}–{passage.end}]
        </span>
      </blockquote>
      <p class="question">
        <span class="muted">
          {t('question')} ({c.author}):{' '}
        </span>
        {show(c.question)}
      </p>
      {c.due && !c.answer && <Countdown due={c.due} />}
      {c.answer ? (
        <p class="clarification-answer">
          <span class="muted">
            {t('answer')} ({c.answer.author}, {formatHlc(c.answer.at)}):{' '}
          </span>
          {show(c.answer.text)}
        </p>
      ) : props.canAnswer ? (
        <form class="answer-form" onSubmit={answer} noValidate>
          <TextArea
            id={fieldId}
            label={t('yourAnswer')}
            value={text}
            onInput={setText}
            rows={2}
            error={action.fieldError('text')}
          />
          <FormError message={action.error} />
          <button type="submit" class="primary" disabled={action.busy}>
            {t('sendAnswer')}
          </button>
        </form>
      ) : (
        <p class="muted">{t('awaitingAnswer')}</p>
      )}
    </li>
  );
}

/**
 * A free-text read-back against the original, word by word, so "south" for "north" shows; case
 * and the kind of dash or quote are not differences (the node's own measure, readBackForm).
 */
function ReadBackDiff({ original, readBack, lang }: { original: string; readBack: string; lang: string }) {
  return (
    <figure class="readback-diff">
      <figcaption class="muted">{t('readBackAgainstOriginal')}</figcaption>
      <p lang={lang}>
        {wordDiff(original, readBack, readBackForm).map((part, i) =>
          part.op === 'same' ? (
            <span key={i}>{part.text}</span>
          ) : part.op === 'removed' ? (
            <del key={i}>{part.text}</del>
          ) : (
            <ins key={i}>{part.text}</ins>
          ),
        )}
      </p>
    </figure>
  );
}
