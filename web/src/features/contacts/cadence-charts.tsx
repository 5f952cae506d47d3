/**
 * The charts of the cadence screen, drawn with uPlot from the channels' entry pages and the peers'
 * link tests: contacts per week per channel, response times by precedence, and link round trip and
 * uptime per peer, each with its figures as a table beside it.
 */
import { useCallback, useMemo } from 'preact/hooks';
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
import { minutes } from './channel-figures';
import { EmptyState, ErrorBox, Loading } from '../../lib/components/status';
import { CHART_AXIS, CHART_COLOURS, UPlotChart } from '../../lib/components/uplot-chart';
import { locale } from '../../lib/i18n';
import { formatAmount, timeUnit } from '../../lib/durations';
import { t } from './messages';
import { FiguresTable } from './figures-table';
import { useAsync } from '../../lib/use-async';

/** Entries read per channel for the charts (pages of 1000). */
const MAX_ENTRIES = 20_000;

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

export function Charts() {
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
          <FiguresTable columns={[t('week'), ...weekly.series.map((s) => s.channel)]}>
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
          </FiguresTable>
        </>
      )}
      <p class="muted small">
        {read} {t('entriesSampled')}
        {truncated && ` · ${t('truncated')}`}
      </p>
    </ChartCard>
  );
}

function ResponseChart({ data }: { data: ChartData }) {
  const times = useMemo(() => responseTimes(data.channels.map((c) => c.entries)), [data]);
  const any = times.some((t) => t.count > 0);
  // Seconds while every median is under two minutes, else minutes.
  const unit = times.every((t) => (t.medianMs ?? 0) < 120_000)
    ? { ms: 1000, label: timeUnit('second', locale.get()) }
    : { ms: 60_000, label: timeUnit('minute', locale.get()) };
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
          <FiguresTable columns={[t('precedence'), t('medianMinutes'), t('itemsAnswered')]}>
            {times.map((t) => (
              <tr key={t.precedence} data-precedence={t.precedence}>
                <th scope="row">{t.precedence}</th>
                <td>{minutes(t.medianMs)}</td>
                <td>{t.count}</td>
              </tr>
            ))}
          </FiguresTable>
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
  const ms = timeUnit('millisecond', locale.get());
  const options = useCallback(
    (width: number): uPlot.Options => ({
      width,
      height: 220,
      legend: { live: false },
      scales: { x: { time: true } },
      axes: [{ stroke: CHART_AXIS }, { stroke: CHART_AXIS, label: ms }],
      series: [
        {},
        ...data.peers.map((p, i) => ({
          label: `${p.party} RTT ${ms}`,
          stroke: CHART_COLOURS[i % CHART_COLOURS.length],
          width: 2,
          spanGaps: true,
          points: { show: true, size: 4 },
        })),
      ],
    }),
    [data, ms],
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
          <FiguresTable columns={[t('peer'), t('tests'), t('uptime'), t('medianRtt')]}>
            {stats.map((s) => (
              <tr key={s.party} data-peer={s.party}>
                <th scope="row">{s.party}</th>
                <td>{s.tests}</td>
                <td>{s.uptime === null ? '—' : `${(s.uptime * 100).toFixed(1)} %`}</td>
                <td>
                  {s.medianRttMs === null ? '—' : formatAmount(s.medianRttMs, 'millisecond', locale.get())}
                </td>
              </tr>
            ))}
          </FiguresTable>
        </>
      )}
    </ChartCard>
  );
}
