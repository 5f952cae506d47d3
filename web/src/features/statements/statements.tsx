/**
 * Joint statements of a channel: each statement's text with disputed passages in brackets
 * highlighted, each bracket with its proposed wording and which parties agreed (a bracket is
 * resolved only when every party agreed; a resolution may be reopened until every party approved
 * the whole text), what each revision changed (a word-level diff), approvals per party bound to
 * the exact hash of the settled text, and the release, embargoed until a time or not. Each part
 * has its file: statement-card.tsx, bracket-panel.tsx, approval-table.tsx, statement-text.tsx,
 * revise-form.tsx and draft-form.tsx. The public record is its own panel (public-record.tsx),
 * apart from the private one. Who may not write in the channel is offered none of the forms.
 */
import { useState } from 'preact/hooks';
import { api, type Channel, type Me } from '../../lib/api';
import { DraftForm } from './draft-form';
import { PublicRecord } from './public-record';
import { StatementCard } from './statement-card';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { t } from './messages';
import { ToggleButton } from '../../lib/components/toggle-button';
import { useAsync } from '../../lib/use-async';
import { ReadOnlyNote, useMayWrite } from '../../lib/write-access';

export function StatementsView({ channel, me, version }: { channel: Channel; me: Me; version: number }) {
  const list = useAsync(() => api.statements(channel.id), [channel.id, version]);
  const [drafting, setDrafting] = useState(false);
  const mayWrite = useMayWrite();
  return (
    <section class="statements" aria-labelledby="statements-title">
      <div class="section-head">
        <h2 id="statements-title">{t('statementsTitle')}</h2>
        {mayWrite && (
          <ToggleButton label={t('newStatement')} open={drafting} onToggle={() => setDrafting(!drafting)} />
        )}
      </div>
      <ReadOnlyNote />
      {mayWrite && drafting && (
        <DraftForm channel={channel} onDone={() => (setDrafting(false), list.reload())} />
      )}
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.statements.length === 0 && <EmptyState>{t('statementsNone')}</EmptyState>}
      {list.data?.statements.map((s) => (
        <StatementCard key={s.statement} channel={channel} me={me} statement={s} onChanged={list.reload} />
      ))}
      <PublicRecord channel={channel} version={version} />
    </section>
  );
}
