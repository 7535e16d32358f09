/**
 * The opt-in public activity page (`/public.html#<guildId>`): no login, one unauthenticated
 * API call, daily counts drawn with the vendored uPlot. "Not published" for a guild that did
 * not opt in (the API answers 404, as for an unknown guild).
 */
import { h, replace } from './dom.js';
import { empty, table } from './ui.js';

const root = document.getElementById('public-activity');
const guildId = location.hash.slice(1);

async function main() {
  if (!/^\d{17,20}$/.test(guildId)) return replace(root, empty('This link is missing its server.'));
  const res = await fetch(`/api/public/guilds/${guildId}/activity`, { headers: { accept: 'application/json' } });
  if (res.status === 404) return replace(root, empty('This server has not published its activity.'));
  if (!res.ok) return replace(root, empty(`Something went wrong (${res.status}). Try again later.`));
  const { days } = await res.json();
  const chart = h('div', { class: 'chart card', id: 'chart-public-activity' });
  replace(root, chart, table('Per day', [['Day', (d) => new Date(d.t).toISOString().slice(0, 10)], ['Messages', (d) => String(d.messages)], ['Active members', (d) => String(d.members)], ['Joins', (d) => String(d.joins)], ['Leaves', (d) => String(d.leaves)]], [...days].reverse(), { class: 'stack-table' }));
  const { drawChart } = await import('./chart.js');
  await drawChart(chart, { title: 'Messages and active members per day', x: days.map((d) => Math.floor(d.t / 1000)), series: [{ label: 'Messages', values: days.map((d) => d.messages) }, { label: 'Active members', values: days.map((d) => d.members) }], emptyText: 'No activity in the last 30 days.' });
}

main();
