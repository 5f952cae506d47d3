/**
 * A uPlot chart that follows its container's width: `options` gets the width and returns the
 * chart's options; the chart is rebuilt when the data or options change and resized with its
 * container. Used by the link-test chart of the peers screen and by the cadence dashboard.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const CHART_AXIS = '#1f2937';
/** Series colours with AA contrast against white. */
export const CHART_COLOURS = ['#1d4ed8', '#b91c1c', '#166534', '#92400e', '#6d28d9', '#0e7490'];

export function UPlotChart(props: {
  data: uPlot.AlignedData;
  options: (width: number) => uPlot.Options;
  label: string;
  height?: number;
  className?: string;
}) {
  const holder = useRef<HTMLDivElement>(null);
  const height = props.height ?? 220;
  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const fit = (w: number) => Math.max(260, Math.min(900, w || 600));
    const options = props.options(fit(element.clientWidth));
    // The x axis's span, in its units, on the element: the one thing about a canvas a test can read.
    const recordSpan = (u: uPlot, key: string) => {
      if (key === 'x') element.dataset.xSpan = String((u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0));
    };
    const hooks = { ...options.hooks, setScale: [...(options.hooks?.setScale ?? []), recordSpan] };
    const chart = new uPlot({ ...options, height, hooks }, props.data, element);
    const observer = new ResizeObserver(() => {
      const next = fit(element.clientWidth);
      if (next !== chart.width) chart.setSize({ width: next, height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [props.data, props.options, height]);
  return <div ref={holder} class={props.className ?? 'uplot-chart'} role="img" aria-label={props.label} />;
}
