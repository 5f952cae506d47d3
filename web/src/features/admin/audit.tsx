/**
 * The security audit trail (role admin): events newest first, filtered by action, who acted,
 * whom it concerns and dates, a page at a time; and a check of the whole trail (its chain, the
 * node's signatures, no gaps), as `parley verify` does.
 */
import { useState } from 'preact/hooks';
import { api, type Me, type SecurityEventFilter, type SecurityEventPage } from '../../lib/api';
import { SelectField, TextField } from '../../lib/components/field';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { formatTime } from '../../lib/i18n';
import { SECURITY_ACTIONS } from '../../lib/shared';
import { useAsync } from '../../lib/use-async';
import { useSubmit } from '../../lib/use-submit';
import { t } from './messages';
import { TableWrap } from '../../lib/components/table-wrap';

type Action = NonNullable<SecurityEventFilter['action']>;
const PAGE = 50;

export function AuditScreen({ me }: { me: Me }) {
  if (me.principal.role !== 'admin') return <EmptyState>{t('adminOnly')}</EmptyState>;
  return (
    <div class="admin-screen">
      <h1>{t('auditTitle')}</h1>
      <p class="muted">{t('auditHint')}</p>
      <TrailCheck />
      <Trail />
    </div>
  );
}

function TrailCheck() {
  const submit = useSubmit();
  const [report, setReport] = useState<Awaited<ReturnType<typeof api.verifyAuditTrail>> | null>(null);
  return (
    <section class="card" aria-labelledby="audit-check-title">
      <h2 id="audit-check-title" class="visually-hidden">
        {t('auditVerify')}
      </h2>
      <button
        type="button"
        class="secondary"
        disabled={submit.busy}
        onClick={() => void submit.run(async () => setReport(await api.verifyAuditTrail()))}
      >
        {t('auditVerify')}
      </button>
      {submit.error && <span role="alert">{submit.error}</span>}
      {report && (
        <div role="status" class={report.ok ? 'ok-text' : 'field-error'}>
          {report.ok ? t('auditVerified') : t('auditBroken')} ({report.events} {t('auditEvents')})
          {report.failures.length > 0 && (
            <ul class="plain-list">
              {report.failures.slice(0, 10).map((f) => (
                <li key={`${f.seq}-${f.rule}`}>
                  <span class="mono">#{f.seq}</span> {f.rule}: {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

/** A date field's value (YYYY-MM-DD) as the start of that day in UTC, for the API. */
const dayStart = (date: string): string | undefined => (date ? `${date}T00:00:00Z` : undefined);

function Trail() {
  const [action, setAction] = useState<Action | ''>('');
  const [actor, setActor] = useState('');
  const [subject, setSubject] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [filter, setFilter] = useState<SecurityEventFilter>({ limit: PAGE });
  const [older, setOlder] = useState<SecurityEventPage['events']>([]);
  const [next, setNext] = useState<number | null>(null);
  const page = useAsync(async () => {
    const result = await api.auditEvents(filter);
    setOlder([]);
    setNext(result.next);
    return result;
  }, [JSON.stringify(filter)]);
  const more = useSubmit();
  const events = [...(page.data?.events ?? []), ...older];
  return (
    <section class="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('auditTitle')}</h2>
      <form
        class="inline-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({
            limit: PAGE,
            ...(action ? { action } : {}),
            ...(actor.trim() ? { actor: actor.trim() } : {}),
            ...(subject.trim() ? { subject: subject.trim() } : {}),
            ...(dayStart(since) ? { since: dayStart(since) } : {}),
            ...(dayStart(until) ? { until: dayStart(until) } : {}),
          });
        }}
      >
        <SelectField
          id="audit-action"
          label={t('auditAction')}
          value={action}
          onChange={setAction}
          options={[
            { value: '' as const, label: t('auditAnyAction') },
            ...SECURITY_ACTIONS.map((a) => ({ value: a, label: a })),
          ]}
        />
        <TextField id="audit-actor" label={t('auditActor')} value={actor} onInput={setActor} />
        <TextField id="audit-subject" label={t('auditSubject')} value={subject} onInput={setSubject} />
        <TextField
          id="audit-since"
          label={t('auditSince')}
          hint="YYYY-MM-DD"
          value={since}
          onInput={setSince}
        />
        <TextField
          id="audit-until"
          label={t('auditUntil')}
          hint="YYYY-MM-DD"
          value={until}
          onInput={setUntil}
        />
        <button type="submit" class="primary">
          {t('auditFilter')}
        </button>
      </form>
      {page.error ? <ErrorBox error={page.error} onRetry={page.reload} /> : null}
      {!page.data && page.loading && <Loading />}
      {page.data && events.length === 0 && <EmptyState>{t('auditEmpty')}</EmptyState>}
      {events.length > 0 && (
        <TableWrap>
          <table class="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('auditSeq')}</th>
                <th scope="col">{t('auditTime')}</th>
                <th scope="col">{t('auditAction')}</th>
                <th scope="col">{t('auditActor')}</th>
                <th scope="col">{t('auditSubject')}</th>
                <th scope="col">{t('auditAddress')}</th>
                <th scope="col">{t('auditDetails')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq}>
                  <th scope="row" class="mono">
                    {e.seq}
                  </th>
                  <td>{formatTime(e.at)}</td>
                  <td class="mono">{e.action}</td>
                  <td class="mono">{e.actor ?? '—'}</td>
                  <td class="mono">{e.subject ?? '—'}</td>
                  <td class="mono">{e.address ?? '—'}</td>
                  <td class="mono">
                    {Object.entries(e.details)
                      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
                      .join(' ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {next !== null && (
        <button
          type="button"
          class="secondary"
          disabled={more.busy}
          onClick={() =>
            void more.run(async () => {
              const result = await api.auditEvents({ ...filter, before: next });
              setOlder((o) => [...o, ...result.events]);
              setNext(result.next);
            })
          }
        >
          {t('auditOlder')}
        </button>
      )}
      {more.error && <span role="alert">{more.error}</span>}
    </section>
  );
}
