/**
 * Proposing one point of the joint summary of a call (kind `summary-point`): its status, its
 * text, and the readout quotes it rests on.
 */
import { useState } from 'preact/hooks';
import type { request } from '../../lib/api';
import { FormError, TextArea } from '../../lib/components/field';
import type { AlignedPoint } from '../../lib/shared';
import { useSubmit } from '../../lib/use-submit';
import { contactsApi } from './contacts-api';
import { t } from './messages';
import { rt } from './readout-messages';

export type ReadoutEntry = Awaited<
  ReturnType<typeof request<'GET /api/v1/channels/{channel}/readouts'>>
>['readouts'][number];

export function PointProposal(props: {
  channel: string;
  summary: string;
  pointId: string;
  point: AlignedPoint;
  quotes: Array<{ readout: ReadoutEntry; quote: string }>;
  onDone: () => void;
}) {
  const initial =
    props.point.label === 'conflict'
      ? 'disputed'
      : props.point.label === 'one-side'
        ? 'unilateral'
        : 'agreed';
  const [status, setStatus] = useState<'agreed' | 'disputed' | 'unilateral'>(initial);
  const [text, setText] = useState(props.quotes[0]?.quote ?? '');
  const [error, setError] = useState<string | null>(null);
  // The point's text is the body's `text`: a refusal of it is shown on it (lib/field-errors.ts).
  const submitting = useSubmit(['text']);
  const formId = `propose-${props.summary}-${props.pointId}`;
  const submit = (event: Event) => {
    event.preventDefault();
    if (!text.trim()) return setError(rt('pointRequired'));
    setError(null);
    void submitting.run(async () => {
      await contactsApi.post(props.channel, {
        kind: 'summary-point',
        body: {
          summary: props.summary,
          point: props.pointId,
          status,
          ...(status === 'unilateral' ? { party: props.quotes[0]!.readout.party } : {}),
          text: text.trim(),
          rests: props.quotes.map((q) => {
            const [party, seq] = q.readout.id.split('/').slice(-2);
            return { readout: { party: party!, seq: Number(seq), hash: q.readout.hash }, quote: q.quote };
          }),
        },
      });
      props.onDone();
    });
  };
  return (
    <form class="contact-form propose-point" onSubmit={submit} aria-label={rt('proposePoint')}>
      <label for={`${formId}-status`}>{rt('pointStatus')}</label>
      <select
        id={`${formId}-status`}
        value={status}
        onChange={(e) => setStatus(e.currentTarget.value as typeof status)}
      >
        <option value="agreed">{rt('statusAgreed')}</option>
        <option value="disputed">{rt('statusDisputed')}</option>
        <option value="unilateral">{rt('statusUnilateral')}</option>
      </select>
      <TextArea
        id={`${formId}-text`}
        label={rt('pointText')}
        value={text}
        onInput={setText}
        rows={3}
        error={error ?? submitting.fieldError('text')}
      />
      <p class="muted small">
        {rt('restsOn')}:{' '}
        {props.quotes.map((q) => (
          <q key={q.readout.id} lang={q.readout.lang}>
            {q.readout.party}: {q.quote}
          </q>
        ))}
      </p>
      <div class="actions">
        <button type="submit" class="primary" disabled={submitting.busy}>
          {rt('submitPoint')}
        </button>
        <button type="button" class="secondary" onClick={props.onDone}>
          {t('cancel')}
        </button>
      </div>
      <FormError message={submitting.error} />
    </form>
  );
}
