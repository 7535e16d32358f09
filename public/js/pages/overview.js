/**
 * The overview: per-day members joined/left, applications submitted/decided, cases opened
 * and commands used over a chosen range, as a chart (uPlot, loaded here only) and a table.
 */
import { get, guildPath } from '../api.js';
import { h } from '../dom.js';
import { setQuery } from '../router.js';
import { field, heading, select, table } from '../ui.js';

/** Ranges offered, in days. */
export const RANGES = [
  ['7', 'Last 7 days'],
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
];

/** The figures, their labels, and which chart each goes in. */
export const METRICS = [
  ['joined', 'Members joined', 'members'],
  ['left', 'Members left', 'members'],
  ['submitted', 'Applications submitted', 'activity'],
  ['decided', 'Applications decided', 'activity'],
  ['cases', 'Cases opened', 'activity'],
  ['commands', 'Commands used', 'activity'],
];

/** `YYYY-MM-DD` of a day given as days since the epoch (UTC) or a date string. */
export function dayLabel(day) {
  return typeof day === 'number' ? new Date(day * 86_400_000).toISOString().slice(0, 10) : String(day).slice(0, 10);
}

/**
 * The API's days (`[{ day, joined, left, submitted, decided, cases, commands }]`, `day` in
 * days since the epoch or a date) as `{ days: string[], values: { metric: number[] } }`.
 */
export function normalise(data) {
  const rows = data?.days ?? [];
  return {
    days: rows.map((r) => dayLabel(r.day ?? r.date)),
    values: Object.fromEntries(METRICS.map(([k]) => [k, rows.map((r) => Number(r[k] ?? 0))])),
  };
}

const dayStart = (d) => Math.floor(Date.parse(`${d}T00:00:00Z`) / 1000);

/** The page. */
export default async function render(ctx) {
  const range = RANGES.some(([v]) => v === ctx.query.days) ? ctx.query.days : '30';
  const to = new Date();
  const from = new Date(to.getTime() - (Number(range) - 1) * 86_400_000);
  const iso = (d) => d.toISOString().slice(0, 10);
  const data = await get(guildPath(ctx.guildId, 'overview'), { from: iso(from), to: iso(to) });
  const { days, values } = normalise(data);
  const totals = Object.fromEntries(METRICS.map(([k]) => [k, values[k].reduce((a, b) => a + b, 0)]));
  const picker = select('days', RANGES, range, { id: 'range' });
  picker.addEventListener('change', () => setQuery({ days: picker.value }));
  const activity = h('div', { class: 'chart card', id: 'chart-activity' });
  const members = h('div', { class: 'chart card', id: 'chart-members' });
  const view = [
    heading('Overview', 'What happened in this server, day by day.'),
    h('div', { class: 'toolbar' }, field('Range', picker)),
    h('div', { class: 'stats' }, METRICS.map(([k, label]) => h('div', { class: 'stat', data: { metric: k } }, h('b', null, String(totals[k])), h('span', null, label)))),
    h('h2', null, 'Activity'),
    activity,
    h('h2', null, 'Members'),
    members,
    h('details', null, h('summary', null, 'The figures as a table'), table('Per day', [['Day', (i) => days[i]], ...METRICS.map(([k, label]) => [label, (i) => String(values[k][i])])], days.map((_, i) => i).reverse())),
  ];
  // Drawn once the containers are in the page (uPlot measures them).
  queueMicrotask(async () => {
    const { drawChart } = await import('../chart.js');
    const x = days.map(dayStart);
    const series = (group) => METRICS.filter(([, , g]) => g === group).map(([k, label]) => ({ label, values: values[k] }));
    await drawChart(activity, { title: 'Activity per day', x, series: series('activity'), emptyText: 'No applications, cases or commands in this range yet.' });
    await drawChart(members, { title: 'Members per day', x, series: series('members'), emptyText: 'No members joined or left in this range.' });
  });
  return view;
}
