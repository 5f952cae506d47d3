/**
 * Commitments and cadence: every commitment to keep contact in my channels with its periods kept
 * or missed as a strip, the open period, the next due date with a countdown, the last contact,
 * owners and source; and charts drawn with uPlot: contacts per week per channel, response times
 * by precedence and link round trip and uptime per peer, each with its figures as a table.
 */
import { useCallback, useEffect, useMemo } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import uPlot from 'uplot';
import { api, type Channel, type Entry } from '../../lib/api';
import {
  alignRtt,
  contactsPerWeek,
  isoWeek,
  linkStats,
  PRECEDENCE_ORDER,
  responseTimes,
} from './cadence-stats';
import { contactsApi, type Commitment } from './contacts-api';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { CHART_AXIS, CHART_COLOURS, UPlotChart } from '../../lib/components/uplot-chart';
import { formatSpan } from '../../lib/clock';
import { formatTime, locale } from '../../lib/i18n';
import { t } from './messages';
import { useSignal } from '../../lib/signal';
import { useAsync } from '../../lib/use-async';
import { domId, DueCountdown } from './contact-parts';

const REFRESH_MS = 15_000;
/** Entries read per channel for the charts (pages of 1000). */
const MAX_ENTRIES = 20_000;
/** Periods shown in the strip; earlier ones are summarised. */
const STRIP = 24;

export function CadenceScreen() {
  useSignal(locale);
  const commitments = useAsync(() => contactsApi.commitments(), []);
  useEffect(() => {
    const timer = setInterval(commitments.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [commitments.reload]);
  const list = commitments.data?.commitments ?? [];
  return (
    <div class="cadence-screen">
      <h1>{t('cadenceTitle')}</h1>
      <p class="muted">{t('cadenceIntro')}</p>
      <section aria-labelledby="commitments-title">
        <h2 id="commitments-title">{t('commitmentsTitle')}</h2>
        {commitments.error ? <ErrorBox error={commitments.error} onRetry={commitments.reload} /> : null}
        {!commitments.data && commitments.loading && <Loading />}
        {commitments.data && list.length === 0 && <EmptyState>{t('commitmentsEmpty')}</EmptyState>}
        {list.length > 0 && (
          <ul class="commitment-list">
            {list.map((c) => (
              <CommitmentCard key={c.id} commitment={c} />
            ))}
          </ul>
        )}
      </section>
      <Charts />
    </div>
  );
}

/** `P14D` → `every 14 days`, `P1M` → `every month` (in the interface language). */
function everyText(every: string): string {
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

function CommitmentCard({ commitment: c }: { commitment: Commitment }) {
  const periods = c.cadence.periods;
  const current = c.cadence.current;
  const closed = current ? periods.slice(0, -1) : periods;
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
      <p class="commitment-what">
        {c.what === 'briefing' ? t('whatBriefing') : t('whatContact')}, {everyText(c.every)}{' '}
        <span class="muted mono small">({c.every})</span>
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
        <dd>{c.owners.join(', ')}</dd>
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

// ——— Charts ———

async function allEntries(channel: string): Promise<{ entries: Entry[]; truncated: boolean }> {
  const entries: Entry[] = [];
  let after = 0;
  for (;;) {
    const page = await api.entries(channel, after, 1000);
    entries.push(...page.entries);
    if (page.entries.length < 1000) return { entries, truncated: false };
    if (entries.length >= MAX_ENTRIES) return { entries, truncated: true };
    after = page.next;
  }
}

interface ChartData {
  channels: Array<{ channel: Channel; entries: Entry[]; truncated: boolean }>;
  peers: Array<{ party: string; tests: Array<{ at: number; ok: boolean; rttMs: number | null }> }>;
}

async function loadCharts(): Promise<ChartData> {
  const [channels, peers] = await Promise.all([api.channels(), api.peers()]);
  const readable = channels.filter((c) => c.state !== 'proposed');
  const [entries, tests] = await Promise.all([
    Promise.all(readable.map(async (channel) => ({ channel, ...(await allEntries(channel.id)) }))),
    Promise.all(
      peers.map(async (p) => ({ party: p.party, tests: (await api.linkTests(p.party, 500)).tests })),
    ),
  ]);
  return { channels: entries, peers: tests };
}

function Charts() {
  const data = useAsync(loadCharts, []);
  return (
    <section aria-labelledby="charts-title" class="charts">
      <h2 id="charts-title">{t('chartsTitle')}</h2>
      {data.error ? <ErrorBox error={data.error} onRetry={data.reload} /> : null}
      {!data.data && data.loading && <Loading />}
      {data.data && (
        <div class="chart-grid">
          <WeeklyChart data={data.data} />
          <ResponseChart data={data.data} />
          <LinkChart data={data.data} />
        </div>
      )}
    </section>
  );
}

function ChartCard(props: { id: string; title: string; hint: string; children: ComponentChildren }) {
  return (
    <section class="card chart-card" aria-labelledby={`${props.id}-title`} data-chart={props.id}>
      <h3 id={`${props.id}-title`}>{props.title}</h3>
      <p class="muted small">{props.hint}</p>
      {props.children}
    </section>
  );
}

function WeeklyChart({ data }: { data: ChartData }) {
  const weekly = useMemo(
    () =>
      contactsPerWeek(
        data.channels.map((c) => ({ channel: c.channel.id, entries: c.entries })),
        Date.now(),
      ),
    [data],
  );
  const aligned = useMemo<uPlot.AlignedData>(
    () => [weekly.weeks.map((w) => w / 1000), ...weekly.series.map((s) => s.counts)],
    [weekly],
  );
  const options = useCallback(
    (width: number): uPlot.Options => ({
      width,
      height: 220,
      legend: { live: false },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] } },
      axes: [{ stroke: CHART_AXIS }, { stroke: CHART_AXIS, label: t('contactsAxis') }],
      series: [
        { label: t('week'), value: (_u, v) => (v === null ? '—' : isoWeek(v * 1000)) },
        ...weekly.series.map((s, i) => ({
          label: s.channel,
          stroke: CHART_COLOURS[i % CHART_COLOURS.length],
          width: 2,
          points: { show: true, size: 7 },
        })),
      ],
    }),
    [weekly, locale.get()],
  );
  const truncated = data.channels.some((c) => c.truncated);
  const read = data.channels.reduce((n, c) => n + c.entries.length, 0);
  return (
    <ChartCard id="contacts-week" title={t('contactsPerWeek')} hint={t('contactsPerWeekHint')}>
      {weekly.weeks.length === 0 ? (
        <EmptyState>{t('noData')}</EmptyState>
      ) : (
        <>
          <UPlotChart data={aligned} options={options} label={t('contactsPerWeek')} />
          <div class="table-wrap">
            <table class="chart-table">
              <thead>
                <tr>
                  <th scope="col">{t('week')}</th>
                  {weekly.series.map((s) => (
                    <th key={s.channel} scope="col">
                      {s.channel}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {weekly.weeks.slice(-8).map((w) => {
                  const i = weekly.weeks.indexOf(w);
                  return (
                    <tr key={w}>
                      <th scope="row">{isoWeek(w)}</th>
                      {weekly.series.map((s) => (
                        <td key={s.channel}>{s.counts[i]}</td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p class="muted small">
        {read} {t('entriesSampled')}
        {truncated && ` · ${t('truncated')}`}
      </p>
    </ChartCard>
  );
}

function minutes(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : formatSpan(ms);
}

function ResponseChart({ data }: { data: ChartData }) {
  const times = useMemo(() => responseTimes(data.channels.map((c) => c.entries)), [data]);
  const any = times.some((t) => t.count > 0);
  // Seconds while every median is under two minutes, else minutes.
  const unit = times.every((t) => (t.medianMs ?? 0) < 120_000)
    ? { ms: 1000, label: 's' }
    : { ms: 60_000, label: 'min' };
  const aligned = useMemo<uPlot.AlignedData>(
    () => [
      PRECEDENCE_ORDER.map((_, i) => i),
      times.map((t) => (t.medianMs === null ? null : t.medianMs / unit.ms)),
    ],
    [times, unit.ms],
  );
  const options = useCallback(
    (width: number): uPlot.Options => ({
      width,
      height: 220,
      legend: { live: false },
      scales: {
        x: { time: false, range: [-0.6, PRECEDENCE_ORDER.length - 0.4] },
        y: { range: (_u, _min, max) => [0, Math.max(max || 0, 0.05) * 1.2] },
      },
      axes: [
        {
          stroke: CHART_AXIS,
          splits: () => PRECEDENCE_ORDER.map((_, i) => i),
          values: (_u, splits) => splits.map((i) => PRECEDENCE_ORDER[i] ?? ''),
        },
        { stroke: CHART_AXIS, label: unit.label },
      ],
      series: [
        { label: t('precedence'), value: (_u, v) => (v === null ? '—' : (PRECEDENCE_ORDER[v] ?? '')) },
        {
          label: `${t('medianMinutes')} (${unit.label})`,
          stroke: CHART_COLOURS[0],
          fill: 'rgba(29, 78, 216, 0.35)',
          width: 1,
          paths: barPaths,
          points: { show: false },
        },
      ],
    }),
    [locale.get(), unit.label],
  );
  return (
    <ChartCard id="response-times" title={t('responseTimes')} hint={t('responseTimesHint')}>
      {!any ? (
        <EmptyState>{t('noData')}</EmptyState>
      ) : (
        <>
          <UPlotChart data={aligned} options={options} label={t('responseTimes')} />
          <div class="table-wrap">
            <table class="chart-table">
              <thead>
                <tr>
                  <th scope="col">{t('precedence')}</th>
                  <th scope="col">{t('medianMinutes')}</th>
                  <th scope="col">{t('itemsAnswered')}</th>
                </tr>
              </thead>
              <tbody>
                {times.map((t) => (
                  <tr key={t.precedence} data-precedence={t.precedence}>
                    <th scope="row">{t.precedence}</th>
                    <td>{minutes(t.medianMs)}</td>
                    <td>{t.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </ChartCard>
  );
}

/** Bars for a categorical x axis (uPlot's own bar path builder, 60 % of the slot). */
const barPaths: uPlot.Series.PathBuilder = uPlot.paths.bars!({ size: [0.6, 80] });

function LinkChart({ data }: { data: ChartData }) {
  const stats = useMemo(() => data.peers.map((p) => linkStats(p.party, p.tests)), [data]);
  const aligned = useMemo<uPlot.AlignedData>(() => {
    const { times, series } = alignRtt(data.peers);
    return [times, ...series];
  }, [data]);
  const options = useCallback(
    (width: number): uPlot.Options => ({
      width,
      height: 220,
      legend: { live: false },
      scales: { x: { time: true } },
      axes: [{ stroke: CHART_AXIS }, { stroke: CHART_AXIS, label: 'ms' }],
      series: [
        {},
        ...data.peers.map((p, i) => ({
          label: `${p.party} RTT ms`,
          stroke: CHART_COLOURS[i % CHART_COLOURS.length],
          width: 2,
          spanGaps: true,
          points: { show: true, size: 4 },
        })),
      ],
    }),
    [data],
  );
  return (
    <ChartCard id="link-health" title={t('linkHealth')} hint={t('linkHealthHint')}>
      {data.peers.length === 0 ? (
        <EmptyState>{t('noPeers')}</EmptyState>
      ) : (
        <>
          {stats.some((s) => s.tests > 0) ? (
            <UPlotChart data={aligned} options={options} label={t('linkHealth')} />
          ) : (
            <EmptyState>{t('noData')}</EmptyState>
          )}
          <div class="table-wrap">
            <table class="chart-table">
              <thead>
                <tr>
                  <th scope="col">{t('peer')}</th>
                  <th scope="col">{t('tests')}</th>
                  <th scope="col">{t('uptime')}</th>
                  <th scope="col">{t('medianRtt')}</th>
                </tr>
              </thead>
              <tbody>
                {stats.map((s) => (
                  <tr key={s.party} data-peer={s.party}>
                    <th scope="row">{s.party}</th>
                    <td>{s.tests}</td>
                    <td>{s.uptime === null ? '—' : `${(s.uptime * 100).toFixed(1)} %`}</td>
                    <td>{s.medianRttMs === null ? '—' : `${s.medianRttMs.toFixed(1)} ms`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </ChartCard>
  );
}
