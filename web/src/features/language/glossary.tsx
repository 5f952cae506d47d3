/**
 * A channel's glossary: agreed terms with their renderings per language, proposals still waiting
 * for parties, and for heads and translators the forms to propose a term and agree to another
 * party's proposal (not for who may not write in the channel: the tab says why).
 */
import { useState } from 'preact/hooks';
import { api, type Channel, type GlossaryProposal, type Me } from '../../lib/api';
import { FormError, TextField } from '../../lib/components/field';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { t } from './messages';
import { formatHlc } from '../../lib/i18n';
import { useAsync } from '../../lib/use-async';
import { useSubmit } from '../../lib/use-submit';
import { TableWrap } from '../../lib/components/table-wrap';
import { ToggleButton } from '../../lib/components/toggle-button';
import { ReadOnlyNote, useMayWrite } from '../../lib/write-access';

export function GlossaryView({ channel, me, version }: { channel: Channel; me: Me; version: number }) {
  const glossary = useAsync(() => api.glossary(channel.id), [channel.id, version]);
  const mayWrite = useMayWrite();
  const mayEdit = mayWrite && (me.principal.role === 'head' || me.principal.role === 'translator');
  const [proposing, setProposing] = useState(false);
  return (
    <section class="glossary" aria-labelledby="glossary-title">
      <div class="section-head">
        <h2 id="glossary-title">{t('glossaryTitle')}</h2>
        {mayEdit && (
          <ToggleButton label={t('proposeTerm')} open={proposing} onToggle={() => setProposing(!proposing)} />
        )}
      </div>
      <ReadOnlyNote />
      {mayWrite && !mayEdit && <p class="hint">{t('glossaryWho')}</p>}
      {mayEdit && proposing && (
        <ProposeForm channel={channel} onDone={() => (setProposing(false), glossary.reload())} />
      )}
      {glossary.error ? <ErrorBox error={glossary.error} onRetry={glossary.reload} /> : null}
      {!glossary.data && !glossary.error && <Loading />}
      {glossary.data && (
        <>
          <h3>{t('agreedTerms')}</h3>
          {glossary.data.agreed.length === 0 ? (
            <EmptyState>{t('glossaryEmpty')}</EmptyState>
          ) : (
            <TableWrap>
              <table class="glossary-table">
                <thead>
                  <tr>
                    <th scope="col">{t('term')}</th>
                    {channel.languages.map((l) => (
                      <th key={l} scope="col">
                        {l}
                      </th>
                    ))}
                    <th scope="col">{t('agreedBy')}</th>
                  </tr>
                </thead>
                <tbody>
                  {glossary.data.agreed.map((term) => (
                    <tr key={term.id} data-term={term.term}>
                      <th scope="row" class="mono">
                        {term.term}
                        {term.note && <div class="muted small">{term.note}</div>}
                      </th>
                      {channel.languages.map((l) => (
                        <td key={l} lang={l}>
                          {term.renderings[l] ?? '—'}
                        </td>
                      ))}
                      <td class="small">
                        {term.agreedBy.join(', ')} · {formatHlc(term.agreedAt)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          <h3>{t('pendingTerms')}</h3>
          {glossary.data.pending.length === 0 ? (
            <EmptyState>{t('pendingNone')}</EmptyState>
          ) : (
            <ul class="plain-list pending-terms">
              {glossary.data.pending.map((p) => (
                <PendingTerm
                  key={p.id}
                  channel={channel}
                  proposal={p}
                  canAgree={mayEdit && p.waitingFor.includes(me.node.party)}
                  onDone={glossary.reload}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function PendingTerm(props: {
  channel: Channel;
  proposal: GlossaryProposal;
  canAgree: boolean;
  onDone: () => void;
}) {
  const p = props.proposal;
  const action = useSubmit();
  const agree = async (): Promise<void> => {
    await action.run(async () => {
      const [party, seq] = p.id.split('/').slice(-2);
      await api.postEntry(props.channel.id, {
        kind: 'glossary-agree',
        body: { of: { party, seq: Number(seq), hash: p.hash } },
      });
      props.onDone();
    });
  };
  return (
    <li class="card pending-term" data-term={p.term}>
      <strong class="mono">{p.term}</strong>{' '}
      {Object.entries(p.renderings).map(([l, r]) => (
        <span key={l} class="rendering">
          <span class="muted">{l}:</span> <span lang={l}>{r}</span>{' '}
        </span>
      ))}
      {p.note && <p class="muted small">{p.note}</p>}
      <p class="small">
        {t('proposedBy')} {p.proposedBy.author} ({p.proposedBy.party}) · {t('waitingFor')}:{' '}
        {p.waitingFor.join(', ')}
      </p>
      {props.canAgree && (
        <button type="button" class="primary" disabled={action.busy} onClick={() => void agree()}>
          {t('agree')}
        </button>
      )}
      <FormError message={action.error} />
    </li>
  );
}

function ProposeForm({ channel, onDone }: { channel: Channel; onDone: () => void }) {
  const [term, setTerm] = useState('');
  const [renderings, setRenderings] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  // The body's own names: a refusal naming one of them is shown on it (lib/field-errors.ts).
  const action = useSubmit(['term', ...channel.languages.map((l) => `renderings.${l}`), 'note']);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    await action.run(async () => {
      await api.postEntry(channel.id, {
        kind: 'glossary-term',
        body: { term: term.trim(), renderings, ...(note.trim() ? { note: note.trim() } : {}) },
      });
      onDone();
    });
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="propose-title" noValidate>
      <h3 id="propose-title">{t('proposeTerm')}</h3>
      <div class="compose-grid">
        <TextField
          id="term-id"
          label={t('termId')}
          value={term}
          onInput={setTerm}
          error={action.fieldError('term')}
        />
        {channel.languages.map((l) => (
          <TextField
            key={l}
            id={`term-${l}`}
            label={`${t('rendering')} (${l})`}
            value={renderings[l] ?? ''}
            onInput={(v) => setRenderings((r) => ({ ...r, [l]: v }))}
            error={action.fieldError(`renderings.${l}`)}
          />
        ))}
        <TextField
          id="term-note"
          label={t('termNote')}
          value={note}
          onInput={setNote}
          error={action.fieldError('note')}
        />
      </div>
      <FormError message={action.error} />
      <button type="submit" class="primary" disabled={action.busy}>
        {t('propose')}
      </button>
    </form>
  );
}
