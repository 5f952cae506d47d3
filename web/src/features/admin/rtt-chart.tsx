/** Round-trip times of a peer's link tests over time, drawn with uPlot (failed tests as gaps). */
import { useCallback, useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { LinkTest } from '../../lib/api';
import { CHART_AXIS, UPlotChart } from '../../lib/components/uplot-chart';
import { timeUnit } from '../../lib/durations';
import { locale } from '../../lib/i18n';
import { t } from './messages';

/** The narrowest time axis, in seconds: a few minutes around the tests shown. */
const MIN_SPAN_S = 300;

export function RttChart({ tests, label }: { tests: LinkTest[]; label: string }) {
  const data = useMemo<uPlot.AlignedData>(() => {
    const ordered = [...tests].sort((a, b) => a.at - b.at);
    return [ordered.map((test) => test.at / 1000), ordered.map((test) => (test.ok ? test.rttMs : null))];
  }, [tests]);
  const ms = timeUnit('millisecond', locale.get());
  const options = useCallback(
    (width: number): uPlot.Options => ({
      width,
      height: 220,
      title: label,
      // One test (or several in the same second) would otherwise spread the axis over years.
      scales: {
        x: {
          time: true,
          range: (_u, min, max) =>
            max - min < MIN_SPAN_S ? [min - MIN_SPAN_S / 2, max + MIN_SPAN_S / 2] : [min, max],
        },
      },
      axes: [{ stroke: CHART_AXIS }, { stroke: CHART_AXIS, label: ms }],
      series: [
        {},
        { label: `${t('colRtt')}, ${ms}`, stroke: '#1d4ed8', width: 2, points: { show: true, size: 5 } },
      ],
    }),
    [label, ms, locale.get()],
  );
  return <UPlotChart data={data} options={options} label={label} className="rtt-chart" />;
}
