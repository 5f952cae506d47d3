/**
 * The commitments of the cadence screen: every commitment to keep contact in my channels with who
 * it binds (proposed until each owner's party accepts), its periods kept or missed as a strip, the
 * open period, the next due date with a countdown, the last contact, owners and source; and, for
 * a commitment awaiting my party, its acceptance by who the node lets accept it (the head of a
 * member office or an owner of my party: acceptRefusal, workflows/contacts/commitment-fold.ts).
 * The list reloads on a timer, as a period can close without any new entry.
 */
import { useEffect } from 'preact/hooks';
import type { Me } from '../../lib/api';
import { SubmitOutcome } from '../../lib/components/submit-outcome';
import { useSubmit } from '../../lib/use-submit';
import { bt } from './briefing-action-messages';
import { contactsApi, type Commitment } from './contacts-api';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { formatTime, locale } from '../../lib/i18n';
import { t } from './messages';
import { useAsync } from '../../lib/use-async';
import { domId, DueCountdown } from './contact-parts';

const REFRESH_MS = 15_000;
/** Periods shown in the strip; earlier ones are summarised. */
const STRIP = 24;

export function Commitments({ me }: { me: Me }) {
  const commitments = useAsync(() => contactsApi.commitments(), []);
  useEffect(() => {
    const timer = setInterval(commitments.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [commitments.reload]);
  const list = commitments.data?.commitments ?? [];
  return (
    <section aria-labelledby="commitments-title">
      <h2 id="commitments-title">{t('commitmentsTitle')}</h2>
      {commitments.error ? <ErrorBox error={commitments.error} onRetry={commitments.reload} /> : null}
      {!commitments.data && commitments.loading && <Loading />}
      {commitments.data && list.length === 0 && <EmptyState>{t('commitmentsEmpty')}</EmptyState>}
      {list.length > 0 && (
        <ul class="commitment-list">
          {list.map((c) => (
            <CommitmentCard key={c.id} commitment={c} me={me} onChange={commitments.reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** `P14D` → `every 14 days`, `P1M` → `every month`, `P1Y` → `every 12 months` (in the interface language). */
export function everyText(every: string): string {
  const years = /^P(\d+)Y$/.exec(every);
  if (years) return everyText(`P${Number(years[1]) * 12}M`);
  const match = /^P(\d+)([DWM])$/.exec(every);
  if (!match) return every;
  const unit = match[2] as 'D' | 'W' | 'M';
  if (Number(match[1]) === 1) return t(unit === 'D' ? 'everyDay' : unit === 'W' ? 'everyWeek' : 'everyMonth');
  const name = unit === 'D' ? t('everyDays') : unit === 'W' ? t('everyWeeks') : t('everyMonths');
  return `${t('every')} ${match[1]} ${name}`;
}

function shortDate(iso: string): string {
  return new Date(iso).toLocaleDateString(locale.get() === 'ru' ? 'ru-RU' : 'en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
  });
}

/** Whether `me` may accept `c` for my party, as the node decides (acceptRefusal). */
function mayAccept(c: Commitment, me: Me): boolean {
  const party = me.node.party;
  if (c.state === 'refused' || !c.awaiting.includes(party) || me.principal.disabled) return false;
  return (
    me.principal.role === 'head' || c.owners.some((o) => o.principal === me.principal.id && o.party === party)
  );
}

export function CommitmentCard({
  commitment: c,
  me,
  onChange,
}: {
  commitment: Commitment;
  me: Me;
  onChange: () => void;
}) {
  const accepting = useSubmit();
  const accept = () =>
    accepting.run(async () => {
      const entry = await contactsApi.post(c.channel, {
        kind: 'commitment-accept',
        body: { of: await contactsApi.ref(c.id) },
      });
      onChange();
      return `${bt('commitmentAccepted')} ${entry.id}`;
    });
  const periods = c.cadence.periods;
  const current = c.cadence.current;
  const closed = periods.slice(0, c.cadence.closed);
  const missed = closed.filter((p) => !p.kept).length;
  const shown = periods.slice(-STRIP);
  const hidden = periods.length - shown.length;
  const titleId = `commitment-${domId(c.id)}`;
  return (
    <li
      class="card commitment"
      data-commitment={c.commitment}
      data-channel={c.channel}
      aria-labelledby={titleId}
    >
      <div class="commitment-head">
        <h3 id={titleId}>
          {c.commitment} <span class="muted small">· {c.channel}</span>
        </h3>
        {/* Nothing is "kept" before a period has closed: the first one is still open. */}
        <span class={`badge ${closed.length === 0 ? 'cad-open' : missed === 0 ? 'cad-kept' : 'cad-missed'}`}>
          {closed.length === 0
            ? t('noPeriodClosed')
            : missed === 0
              ? t('allKept')
              : `${missed} ${t('missedCount')}`}
        </span>
      </div>
      <p class={`commitment-state state-${c.state}`} data-state={c.state}>
        {c.state === 'proposed'
          ? `${t('commitmentProposed')} ${c.awaiting.join(', ')}`
          : c.state === 'binding'
            ? `${t('commitmentBinding')} ${c.parties.join(', ')}`
            : `${t('commitmentRefused')}: ${c.problem ?? ''}`}
      </p>
      {(mayAccept(c, me) || accepting.done) && (
        <div class="actions commitment-actions">
          {mayAccept(c, me) && (
            <button type="button" class="primary" disabled={accepting.busy} onClick={() => void accept()}>
              {accepting.busy ? bt('acceptingCommitment') : bt('acceptCommitment')}
            </button>
          )}
          <SubmitOutcome submit={accepting} />
        </div>
      )}
      <p class="commitment-what">
        {c.what === 'briefing' ? t('whatBriefing') : t('whatContact')},{' '}
        <span title={c.every}>{everyText(c.every)}</span>
      </p>
      <h4 class="visually-hidden">{t('periods')}</h4>
      <ol class="period-strip" aria-label={`${t('periods')}: ${c.commitment}`}>
        {hidden > 0 && <li class="period-more">+{hidden}</li>}
        {shown.map((p) => {
          const open = current !== null && p.from === current.from;
          const state = open ? (p.kept ? 'open-kept' : 'open') : p.kept ? 'kept' : 'missed';
          const word = open
            ? p.kept
              ? t('periodOpen')
              : t('periodOpenNot')
            : p.kept
              ? t('periodKept')
              : t('periodMissed');
          const label = `${shortDate(p.from)} – ${shortDate(p.to)}: ${word}${p.by.length ? ` (${p.by.length})` : ''}`;
          return (
            <li key={p.from} class={`period p-${state}`} data-state={state} title={label} aria-label={label}>
              <span class="period-mark" aria-hidden="true">
                {state === 'kept' || state === 'open-kept' ? '✓' : state === 'missed' ? '✗' : '…'}
              </span>
              <span class="period-date" aria-hidden="true">
                {shortDate(p.from)}
              </span>
            </li>
          );
        })}
      </ol>
      <dl class="facts-grid">
        <dt>{t('nextDue')}</dt>
        <dd class="next-due">
          {formatTime(c.cadence.nextDue)} <DueCountdown due={c.cadence.nextDue} />
        </dd>
        <dt>{t('lastContact')}</dt>
        <dd class="last-contact">{c.cadence.lastContact ? formatTime(c.cadence.lastContact) : t('never')}</dd>
        <dt>{t('owners')}</dt>
        <dd>{c.owners.map((o) => (o.party ? `${o.principal} (${o.party})` : o.principal)).join(', ')}</dd>
        {c.refused.length > 0 && (
          <>
            <dt>{t('notApplied')}</dt>
            <dd class="commitment-refused">{c.refused.map((r) => `${r.id}: ${r.reason}`).join('; ')}</dd>
          </>
        )}
        {c.source && (
          <>
            <dt>{t('source')}</dt>
            <dd>{c.source}</dd>
          </>
        )}
        <dt>{t('since')}</dt>
        <dd>
          {formatTime(c.from)} <span class="muted mono small">{c.id}</span>
        </dd>
      </dl>
    </li>
  );
}
