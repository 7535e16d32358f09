/**
 * Charts over the vendored uPlot (public/vendor/uplot, MIT): loaded only by the pages that
 * draw one, so the first page stays light. A chart with no data at all shows an empty state
 * instead of empty axes.
 */
import { h, replace } from './dom.js';
import { empty } from './ui.js';

/** Series colours (distinct in light and dark themes; the browser test looks for them). */
export const COLORS = ['#4752c4', '#e8590c', '#2f9e44', '#c2255c', '#1098ad', '#f08c00', '#7048e8'];

let css = null;
function ensureCss() {
  css ??= new Promise((resolve) => {
    const link = h('link', { rel: 'stylesheet', href: '/vendor/uplot/uPlot.min.css' });
    link.addEventListener('load', resolve);
    link.addEventListener('error', resolve);
    document.head.append(link);
  });
  return css;
}

/**
 * Draws a line chart of daily (or any time-based) series into `container`.
 * @param {HTMLElement} container
 * @param {{ title: string, x: number[], series: { label: string, values: (number | null)[] }[], emptyText?: string, bars?: boolean, xIsTime?: boolean, ticks?: [number, string][] }} data
 *   `x`: unix seconds, or positions when `xIsTime` is false (then `ticks` label some of them).
 */
export async function drawChart(container, data) {
  const hasData = data.x.length > 0 && data.series.some((s) => s.values.some((v) => v !== null && v !== 0));
  if (!hasData) {
    replace(container, empty(data.emptyText ?? 'Nothing to chart in this range yet.'));
    container.dataset.chart = 'empty';
    return null;
  }
  const [{ default: uPlot }] = await Promise.all([import('/vendor/uplot/uPlot.esm.js'), ensureCss()]);
  const frame = h('div', { class: 'chart-frame', role: 'img', 'aria-label': `${data.title}: chart (the table below has the same figures)` });
  replace(container, frame);
  const width = () => {
    const style = getComputedStyle(container);
    const inner = container.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return Math.max(240, Math.floor(inner || 600));
  };
  const xIsTime = data.xIsTime !== false;
  const opts = {
    title: data.title,
    width: width(),
    height: 280,
    legend: { live: false },
    scales: { x: xIsTime ? { time: true } : { time: false, range: () => [Math.min(...data.x) - 1, Math.max(...data.x) + 1] } },
    axes: [
      xIsTime
        ? { stroke: 'currentColor' }
        : { stroke: 'currentColor', splits: () => (data.ticks ?? []).map(([pos]) => pos), values: (_u, splits) => splits.map((pos) => data.ticks?.find(([p]) => p === pos)?.[1] ?? ''), grid: { show: false } },
      { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
    ],
    series: [
      {},
      ...data.series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        fill: data.bars ? COLORS[i % COLORS.length] + '55' : undefined,
        paths: data.bars && uPlot.paths?.bars ? uPlot.paths.bars({ size: [0.9, 48] }) : undefined,
        points: { show: !data.bars && data.x.length < 40 },
      })),
    ],
  };
  const plot = new uPlot(opts, [data.x, ...data.series.map((s) => s.values)], frame);
  container.dataset.chart = 'drawn';
  const observer = new ResizeObserver(() => {
    if (!frame.isConnected) return observer.disconnect();
    plot.setSize({ width: width(), height: 280 });
  });
  observer.observe(container);
  return plot;
}
