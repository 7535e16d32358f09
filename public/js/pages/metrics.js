/**
 * Reviewer metrics: the `/modstats` figures per reviewer (claimed, accepted, rejected,
 * kicked, median time to decide) for a period, as a table and a bar chart.
 */
import { get, guildPath } from '../api.js';
import { fmtDuration, h, person } from '../dom.js';
import { setQuery } from '../router.js';
import { empty, field, heading, select, table } from '../ui.js';

/** Periods offered (the API's `period` values). */
export const PERIODS = [
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['90d', 'Last 90 days'],
  ['all', 'All time'],
];

const FIGURES = [
  ['accepted', 'Accepted'],
  ['rejected', 'Rejected'],
  ['kicked', 'Kicked'],
];

/** The page. */
export default async function render(ctx) {
  const period = PERIODS.some(([v]) => v === ctx.query.period) ? ctx.query.period : '30d';
  const data = await get(guildPath(ctx.guildId, 'metrics', 'reviewers'), { period });
  const rows = data?.reviewers ?? data?.rows ?? [];
  const picker = select('period', PERIODS, period, { id: 'period' });
  picker.addEventListener('change', () => setQuery({ period: picker.value }));
  const chart = h('div', { class: 'chart card', id: 'chart-reviewers' });
  const name = (r) => person(r.user ?? r.reviewer ?? null, r.reviewerId ?? r.userId).querySelector('.person-name').textContent;
  queueMicrotask(async () => {
    if (!rows.length) return;
    const { drawChart } = await import('../chart.js');
    await drawChart(chart, { title: 'Decisions per reviewer', x: rows.map((_, i) => i), xIsTime: false, xLabels: rows.map(name), bars: true, series: FIGURES.map(([k, label]) => ({ label, values: rows.map((r) => Number(r[k] ?? 0)) })) });
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
              ['Claimed', (r) => String(r.claimed ?? 0)],
              ...FIGURES.map(([k, label]) => [label, (r) => String(r[k] ?? 0)]),
              ['Median time to decide', (r) => fmtDuration(r.medianDecisionMs ?? r.medianMs ?? null)],
            ],
            rows,
            { class: 'stack-table' },
          ),
          chart,
        ]
      : empty('No reviews in this period.'),
  ];
}
