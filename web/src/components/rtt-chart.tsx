/** Round-trip times of a peer's link tests over time, drawn with uPlot (failed tests as gaps). */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { LinkTest } from '../api';

export function RttChart({ tests, label }: { tests: LinkTest[]; label: string }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const ordered = [...tests].sort((a, b) => a.at - b.at);
    const data: uPlot.AlignedData = [
      ordered.map((test) => test.at / 1000),
      ordered.map((test) => (test.ok ? test.rttMs : null)),
    ];
    const width = Math.max(280, Math.min(900, element.clientWidth || 600));
    const chart = new uPlot(
      {
        width,
        height: 220,
        title: label,
        scales: { x: { time: true } },
        axes: [{ stroke: '#1f2937' }, { stroke: '#1f2937', label: 'ms' }],
        series: [{}, { label: 'RTT ms', stroke: '#1d4ed8', width: 2, points: { show: true, size: 5 } }],
      },
      data,
      element,
    );
    const observer = new ResizeObserver(() => {
      const next = Math.max(280, Math.min(900, element.clientWidth));
      if (next !== chart.width) chart.setSize({ width: next, height: 220 });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [tests, label]);
  return <div ref={holder} class="rtt-chart" role="img" aria-label={label} />;
}
