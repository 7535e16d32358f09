/**
 * Reviewer metrics: the `/modstats` figures per reviewer (claimed, accepted, rejected,
 * kicked, median time to decide) for a period, as a table and a bar chart.
 */
import { get, guildPath } from '../api.js';
import { fmtDuration, h, person, time } from '../dom.js';
import { setQuery } from '../router.js';
import { empty, field, heading, select, table } from '../ui.js';

/** Periods offered (the API's `period` values). */
export const PERIODS = [
  ['7', 'Last 7 days'],
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
];

const FIGURES = [
  ['accepted', 'Accepted'],
  ['rejected', 'Rejected'],
  ['kicked', 'Kicked'],
  ['blocked', 'Rejected permanently'],
];

/** The page. */
export default async function render(ctx) {
  const period = PERIODS.some(([v]) => v === ctx.query.days) ? ctx.query.days : '30';
  const data = await get(guildPath(ctx.guildId, 'gate', 'metrics'), { days: period });
  const rows = data?.reviewers ?? data?.rows ?? [];
  const picker = select('days', PERIODS, period, { id: 'period' });
  picker.addEventListener('change', () => setQuery({ days: picker.value }));
  const chart = h('div', { class: 'chart card', id: 'chart-reviewers' });
  const name = (r) => person(r.user ?? r.reviewer ?? null, r.reviewerId ?? r.userId).querySelector('.person-name').textContent;
  queueMicrotask(async () => {
    if (!rows.length) return;
    const { drawChart } = await import('../chart.js');
    // Grouped bars on one shared x: reviewer r's figure f sits at r * (F + 1) + f; each series
    // has values only at its own slots (null elsewhere), so the groups stand side by side.
    const F = FIGURES.length;
    const x = rows.flatMap((_, r) => FIGURES.map((__, f) => r * (F + 1) + f));
    const series = FIGURES.map(([k, label], f) => ({ label, values: x.map((pos) => (pos % (F + 1) === f ? Number(rows[Math.floor(pos / (F + 1))][k] ?? 0) : null)) }));
    const ticks = rows.map((r, i) => [i * (F + 1) + (F - 1) / 2, name(r)]);
    await drawChart(chart, { title: 'Decisions per reviewer', x, xIsTime: false, ticks, bars: true, series });
  });
  return [
    heading('Reviewer metrics', 'Who reviewed what, and how fast (the figures of /modstats).'),
    h('div', { class: 'toolbar' }, field('Period', picker)),
    rows.length
      ? [
          table(
            'Reviewers',
            [
              ['Reviewer', (r) => person(r.user ?? r.reviewer ?? null, r.reviewerId ?? r.userId)],
              ['Claims', (r) => String(r.claims ?? 0)],
              ['Decisions', (r) => String(r.decisions ?? 0)],
              ...FIGURES.map(([k, label]) => [label, (r) => String(r[k] ?? 0)]),
              ['Approval', (r) => (r.approvalRate === null || r.approvalRate === undefined ? '—' : `${Math.round(r.approvalRate * 100)}%`)],
              ['Overrides', (r) => String(r.overrides ?? 0)],
              ['Time to claim (median / p95)', (r) => `${fmtDuration(r.claimMedianMs)} / ${fmtDuration(r.claimP95Ms)}`],
              ['Time to decide (median / p95)', (r) => `${fmtDuration(r.decideMedianMs)} / ${fmtDuration(r.decideP95Ms)}`],
            ],
            rows,
            { class: 'stack-table' },
          ),
          chart,
        ]
      : empty('No reviews in this period.'),
    data?.computedAt ? h('p', { class: 'muted' }, 'Figures as of ', time(data.computedAt), ' (recomputed every hour).') : null,
  ];
}
