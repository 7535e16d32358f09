/**
 * The charts `/stats` answers with (and the dashboard may reuse): bars, lines, a weekday ×
 * hour heatmap and ranked horizontal bars, drawn on a {@link Canvas} with the bitmap font and
 * returned as PNG bytes. Sizes are fixed per chart so Discord shows them at a steady width.
 */
import { Canvas, type Rgb } from './canvas';
import { textHeight, textWidth } from './font';

export const COLOURS = {
  background: [255, 255, 255] as Rgb,
  ink: [40, 44, 52] as Rgb,
  grid: [225, 228, 234] as Rgb,
  muted: [120, 126, 138] as Rgb,
  blurple: [88, 101, 242] as Rgb,
  green: [59, 165, 93] as Rgb,
  red: [237, 66, 69] as Rgb,
  amber: [250, 166, 26] as Rgb,
};

/** Default chart size (pixels). */
export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 360;

const PAD = { left: 64, right: 16, top: 36, bottom: 36 };

/** A compact number: 950, 1.2K, 34K, 1.5M. */
export function compact(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 10_000) return `${(n / 1000).toFixed(1)}K`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}K`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** A round axis maximum at or above `max` (1, 2 or 5 × a power of ten). */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** Frame, title, horizontal grid and y labels; returns the plot area and its scale. */
function frame(title: string, max: number, width: number, height: number, min = 0) {
  const c = new Canvas(width, height, COLOURS.background);
  c.text(PAD.left, 12, title, COLOURS.ink, 2);
  const plot = { x: PAD.left, y: PAD.top, w: width - PAD.left - PAD.right, h: height - PAD.top - PAD.bottom };
  const top = niceMax(max);
  const bottom = min < 0 ? -niceMax(-min) : 0;
  const yOf = (v: number) => plot.y + plot.h - ((v - bottom) / (top - bottom)) * plot.h;
  for (let i = 0; i <= 4; i++) {
    const v = bottom + ((top - bottom) * i) / 4;
    const y = Math.round(yOf(v));
    c.fillRect(plot.x, y, plot.w, 1, COLOURS.grid);
    c.text(plot.x - 6, y - 2, compact(Math.abs(v)), COLOURS.muted, 1, 'right');
  }
  return { c, plot, yOf };
}

/** X labels under the plot, at most ~10, evenly spaced. */
function xLabels(c: Canvas, plot: { x: number; y: number; w: number; h: number }, labels: readonly string[], slot: number) {
  if (labels.length === 0) return;
  const every = Math.max(1, Math.ceil(labels.length / 10));
  for (let i = 0; i < labels.length; i += every) c.text(plot.x + slot * (i + 0.5), plot.y + plot.h + 8, labels[i]!, COLOURS.muted, 1, 'center');
}

/** One series as bars; `negative` (e.g. leaves) hangs below the axis in its own colour. */
export function barChart(o: { title: string; values: readonly number[]; labels: readonly string[]; colour?: Rgb; negative?: { values: readonly number[]; colour?: Rgb }; width?: number; height?: number }): Promise<Uint8Array> {
  const max = Math.max(0, ...o.values);
  const min = o.negative ? -Math.max(0, ...o.negative.values) : 0;
  const { c, plot, yOf } = frame(o.title, max, o.width ?? CHART_WIDTH, o.height ?? CHART_HEIGHT, min);
  const n = Math.max(1, o.values.length);
  const slot = plot.w / n;
  const bar = Math.max(1, Math.floor(slot * 0.7));
  const zero = yOf(0);
  o.values.forEach((v, i) => {
    const top = yOf(v);
    c.fillRect(plot.x + slot * i + (slot - bar) / 2, top, bar, zero - top, o.colour ?? COLOURS.blurple);
  });
  o.negative?.values.forEach((v, i) => {
    const bottom = yOf(-v);
    c.fillRect(plot.x + slot * i + (slot - bar) / 2, zero, bar, bottom - zero, o.negative!.colour ?? COLOURS.red);
  });
  c.fillRect(plot.x, Math.round(zero), plot.w, 1, COLOURS.ink);
  xLabels(c, plot, o.labels, slot);
  return c.png();
}

/** Several series as lines over the same x slots, with a legend. */
export function lineChart(o: { title: string; series: readonly { name: string; values: readonly number[]; colour: Rgb }[]; labels: readonly string[]; width?: number; height?: number }): Promise<Uint8Array> {
  const max = Math.max(0, ...o.series.flatMap((s) => s.values));
  const { c, plot, yOf } = frame(o.title, max, o.width ?? CHART_WIDTH, o.height ?? CHART_HEIGHT);
  const n = Math.max(1, ...o.series.map((s) => s.values.length));
  const slot = plot.w / n;
  for (const s of o.series) {
    for (let i = 0; i < s.values.length; i++) {
      const x = plot.x + slot * (i + 0.5);
      const y = yOf(s.values[i]!);
      if (i > 0) c.line(plot.x + slot * (i - 0.5), yOf(s.values[i - 1]!), x, y, s.colour, 2);
      else c.fillRect(x - 1, y - 1, 3, 3, s.colour);
    }
  }
  let lx = plot.x + plot.w;
  for (const s of [...o.series].reverse()) {
    lx -= textWidth(s.name, 1) + 18;
    c.fillRect(lx, 14, 10, 5, s.colour);
    c.text(lx + 13, 14, s.name, COLOURS.ink, 1);
  }
  c.fillRect(plot.x, plot.y + plot.h, plot.w, 1, COLOURS.ink);
  xLabels(c, plot, o.labels, slot);
  return c.png();
}

const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

/** The heatmap's size (pixels). */
export const HEATMAP_WIDTH = 800;
export const HEATMAP_HEIGHT = 300;

/** A 7 × 24 grid (`cells[weekday][hour]`, Monday first), darker for busier hours. */
export function heatmapChart(o: { title: string; cells: readonly (readonly number[])[] }): Promise<Uint8Array> {
  const c = new Canvas(HEATMAP_WIDTH, HEATMAP_HEIGHT, COLOURS.background);
  c.text(PAD.left, 12, o.title, COLOURS.ink, 2);
  const x0 = 56;
  const y0 = 40;
  const cw = Math.floor((HEATMAP_WIDTH - x0 - 16) / 24);
  const ch = Math.floor((HEATMAP_HEIGHT - y0 - 40) / 7);
  const max = Math.max(0, ...o.cells.flat());
  for (let d = 0; d < 7; d++) {
    c.text(x0 - 8, y0 + d * ch + (ch - textHeight(2)) / 2, WEEKDAYS[d]!, COLOURS.muted, 2, 'right');
    for (let h = 0; h < 24; h++) {
      const v = o.cells[d]?.[h] ?? 0;
      const t = max > 0 ? v / max : 0;
      // From a pale grey-blue (quiet) to blurple (busiest).
      const colour: Rgb = v === 0 ? [240, 242, 246] : [Math.round(226 - t * (226 - 88)), Math.round(230 - t * (230 - 101)), Math.round(250 - t * (250 - 242))];
      c.fillRect(x0 + h * cw + 1, y0 + d * ch + 1, cw - 2, ch - 2, colour);
    }
  }
  for (let h = 0; h < 24; h += 3) c.text(x0 + h * cw + cw / 2, y0 + 7 * ch + 8, String(h).padStart(2, '0'), COLOURS.muted, 2, 'center');
  return c.png();
}

/** Ranked horizontal bars with a label and value each (at most 12 rows). */
export function rankChart(o: { title: string; rows: readonly { label: string; value: number }[]; colour?: Rgb; width?: number }): Promise<Uint8Array> {
  const rows = o.rows.slice(0, 12);
  const rowH = 24;
  const height = 40 + Math.max(1, rows.length) * rowH + 12;
  const width = o.width ?? CHART_WIDTH;
  const c = new Canvas(width, height, COLOURS.background);
  c.text(16, 12, o.title, COLOURS.ink, 2);
  const labelW = 200;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const barMax = width - labelW - 32 - 60;
  rows.forEach((r, i) => {
    const y = 40 + i * rowH;
    c.text(16, y + 6, r.label.slice(0, 24), COLOURS.ink, 2);
    const w = Math.max(1, Math.round((r.value / max) * barMax));
    c.fillRect(16 + labelW, y + 2, w, rowH - 6, o.colour ?? COLOURS.blurple);
    c.text(16 + labelW + w + 6, y + 6, compact(r.value), COLOURS.muted, 2);
  });
  if (rows.length === 0) c.text(width / 2, 46, 'NO DATA YET', COLOURS.muted, 2, 'center');
  return c.png();
}
