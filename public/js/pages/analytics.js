/**
 * Analytics: one page, one nav entry, with views chosen by `?view=`: activity over time,
 * the weekly heatmap (a table grid), channels, lurkers with the prune preview, the role drift
 * timeline, the join funnel, and the public page switch. Managers see every view; moderators
 * see lurkers and role drift (the API decides each request again).
 */
import { allows } from '../access.js';
import { get, guildPath, post, put } from '../api.js';
import { fmtDate, fmtDateTime, fmtDuration, h } from '../dom.js';
import { setQuery } from '../router.js';
import { change, empty, field, heading, select, table } from '../ui.js';

/** The views: key, label, access. */
export const VIEWS = [
  ['activity', 'Activity', 'manager'],
  ['heatmap', 'Heatmap', 'manager'],
  ['channels', 'Channels', 'manager'],
  ['lurkers', 'Lurkers', 'moderator'],
  ['drift', 'Role drift', 'moderator'],
  ['funnel', 'Join funnel', 'manager'],
  ['public', 'Public page', 'manager'],
];

const RANGES = [
  ['7', 'Last 7 days'],
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
  ['365', 'Last year'],
];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const day = (t) => new Date(t).toISOString().slice(0, 10);
const api = (ctx, ...rest) => guildPath(ctx.guildId, 'analytics', ...rest);

function rangePicker(ctx) {
  const range = RANGES.some(([v]) => v === ctx.query.days) ? ctx.query.days : '30';
  const picker = select('days', RANGES, range, { id: 'range' });
  picker.addEventListener('change', () => setQuery({ ...ctx.query, days: picker.value }));
  return { range, control: h('div', { class: 'toolbar' }, field('Range', picker)) };
}

async function activity(ctx) {
  const { range, control } = rangePicker(ctx);
  const data = await get(api(ctx, 'activity'), { days: range });
  const chart = h('div', { class: 'chart card', id: 'chart-analytics-activity' });
  const total = (k) => data.points.reduce((n, p) => n + p[k], 0);
  queueMicrotask(async () => {
    const { drawChart } = await import('../chart.js');
    await drawChart(chart, {
      title: 'Messages and active members per day',
      x: data.points.map((p) => Math.floor(p.t / 1000)),
      series: [
        { label: 'Messages', values: data.points.map((p) => p.messages) },
        { label: 'Active members', values: data.points.map((p) => p.members) },
        { label: 'Joins', values: data.points.map((p) => p.joins) },
      ],
      emptyText: 'No activity recorded in this range yet (rollups run hourly from the event lake).',
    });
  });
  return [
    control,
    h('div', { class: 'stats' }, [['messages', 'Messages'], ['reactions', 'Reactions'], ['voiceMinutes', 'Voice minutes'], ['joins', 'Joins'], ['leaves', 'Leaves']].map(([k, label]) => h('div', { class: 'stat', data: { metric: k } }, h('b', null, String(total(k))), h('span', null, label)))),
    chart,
    h('details', null, h('summary', null, 'The figures as a table'), table('Per day', [['Day', (p) => day(p.t)], ['Messages', (p) => String(p.messages)], ['Active members', (p) => String(p.members)], ['Joins', (p) => String(p.joins)], ['Leaves', (p) => String(p.leaves)]], [...data.points].reverse())),
  ];
}

async function heatmapView(ctx) {
  const { range, control } = rangePicker(ctx);
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const data = await get(api(ctx, 'heatmap'), { days: range, tz });
  if (!data.total) return [control, empty('No messages in this range yet.')];
  const level = (n) => (n === 0 ? 0 : Math.min(5, 1 + Math.floor((4 * n) / Math.max(1, data.max))));
  const grid = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'heatmap', id: 'heatmap' },
      h('caption', null, `Messages by weekday and hour (${data.timezone})`),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Day'), Array.from({ length: 24 }, (_, hr) => h('th', { scope: 'col' }, String(hr).padStart(2, '0'))))),
      h('tbody', null, data.cells.map((row, d) => h('tr', null, h('th', { scope: 'row' }, WEEKDAYS[d]), row.map((n, hr) => h('td', { class: `heat-${level(n)}`, title: `${WEEKDAYS[d]} ${hr}:00 — ${n} messages` }, h('span', { class: 'visually-hidden' }, String(n))))))),
    ),
  );
  return [control, h('p', null, `${data.total} messages; busiest hour ${data.max}.`), grid];
}

async function channels(ctx) {
  const { range, control } = rangePicker(ctx);
  const data = await get(api(ctx, 'channels'), { days: range });
  if (!data.channels.length) return [control, empty('No channel activity in this range yet.')];
  return [control, table('Channels, busiest first', [['Channel', (c) => `#${c.channelId}`], ['Messages', (c) => String(c.messages)], ['Reactions', (c) => String(c.reactions)], ['Voice minutes', (c) => String(c.voiceMinutes)], ['Peak members', (c) => String(c.peakMembers)]], data.channels, { class: 'stack-table' })];
}

async function lurkersView(ctx) {
  const { range, control } = rangePicker(ctx);
  const data = await get(api(ctx, 'lurkers'), { days: Math.min(366, Number(range)) });
  const counts = Object.entries(data.prune.counts).map(([k, v]) => `${k.replace('_', ' ')}: ${v}`).join(', ');
  return [
    control,
    data.lurkers.length
      ? table(`${data.total} member(s) with no activity${data.truncated ? ' (first 200 shown)' : ''}`, [['Member', (m) => m.userId], ['Last active', (m) => (m.lastActiveAt ? fmtDate(m.lastActiveAt) : 'never seen')], ['Joined', (m) => (m.joinedAt ? fmtDate(m.joinedAt) : '—')]], data.lurkers, { class: 'stack-table' })
      : empty('No lurkers: everyone Gatehouse has seen was active in this range.'),
    h('h2', null, `Prune preview (${data.prune.days} days)`),
    h('p', null, `Discord's prune would remove ${data.prune.remove.length} member(s). ${counts}.${data.prune.partial ? ' Only the first 1,000 members were checked.' : ''}`),
    data.prune.remove.length ? table('Would be removed', [['Member', (m) => m.userId], ['Last active', (m) => (m.lastActiveAt ? fmtDate(m.lastActiveAt) : 'never seen')]], data.prune.remove, { class: 'stack-table' }) : null,
  ];
}

const KIND = {
  'role.dangerous': 'Role became dangerous',
  'role.permissions': 'Permissions changed',
  'role.safe': 'Role no longer dangerous',
  'role.deleted': 'Role deleted',
  'holder.added': 'Role given',
  'holder.removed': 'Role taken',
  'baseline.accepted': 'Baseline accepted',
  'role.added': 'New dangerous role',
  'role.removed': 'Dangerous role gone',
};

async function drift(ctx) {
  const data = await get(api(ctx, 'drift'), { days: 90 });
  if (data.baselineAt === null) return [empty('No baseline yet: the nightly check takes the first one.')];
  const perms = (c) => [c.before?.length ? `before: ${c.before.join(', ')}` : '', c.after?.length ? `now: ${c.after.join(', ')}` : ''].filter(Boolean).join('; ');
  const out = [
    h('p', null, `Baseline taken ${fmtDateTime(data.baselineAt)}: ${data.roles} dangerous role(s) held ${data.holders} time(s) now.`),
    data.items.length
      ? table(`Drift since the baseline (${data.items.length})`, [['Change', (i) => KIND[i.kind] ?? i.kind], ['Role', (i) => i.roleName], ['Member', (i) => i.userId ?? '—'], ['Permissions', perms]], data.items, { class: 'stack-table' })
      : empty('No drift since the baseline.'),
  ];
  if (allows(ctx.grant, 'manager') && data.items.length) {
    const form = h('form', null, h('button', { type: 'submit', class: 'primary' }, 'Accept as the new baseline'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const ok = await change({ title: 'Make the current state the new baseline?', details: `${data.items.length} difference(s) will be accepted.`, form, done: 'Baseline accepted.' }, () => post(api(ctx, 'drift', 'accept'), {}));
      if (ok !== undefined) ctx.rerender();
    });
    out.push(form);
  }
  out.push(
    h('h2', null, 'Timeline (90 days)'),
    data.timeline.length
      ? table('Changes, newest first', [['When', (c) => fmtDateTime(c.occurredAt)], ['Change', (c) => KIND[c.kind] ?? c.kind], ['Role', (c) => c.roleName], ['Member', (c) => c.userId ?? '—'], ['By', (c) => c.actorId ?? 'unknown'], ['Seen by', (c) => c.source], ['Permissions', perms]], data.timeline, { class: 'stack-table' })
      : empty('No changes in the last 90 days.'),
  );
  return out;
}

async function funnel(ctx) {
  const data = await get(api(ctx, 'funnel'), { weeks: 8, level: 5 });
  if (!data.cohorts.some((c) => c.joined)) return [empty('No joins recorded in the last 8 weeks yet.')];
  const chart = h('div', { class: 'chart card', id: 'chart-analytics-funnel' });
  queueMicrotask(async () => {
    const { drawChart } = await import('../chart.js');
    const x = data.cohorts.map((c) => Math.floor(c.week / 1000));
    const s = (label, k) => ({ label, values: data.cohorts.map((c) => c[k]) });
    await drawChart(chart, { title: 'Join funnel per weekly cohort', x, series: [s('Joined', 'joined'), s('Applied', 'applied'), s('Accepted', 'accepted'), s('First message', 'firstMessage'), s(`Level ${data.level}`, 'reachedLevel')], bars: true });
  });
  return [
    chart,
    table('Weekly cohorts', [['Week of', (c) => day(c.week)], ['Joined', (c) => String(c.joined)], ['Applied', (c) => String(c.applied)], ['Accepted', (c) => String(c.accepted)], ['First message', (c) => String(c.firstMessage)], [`Level ${data.level}`, (c) => String(c.reachedLevel)], ['Decision (median)', (c) => (c.decisionMedianMs === null ? '—' : fmtDuration(c.decisionMedianMs))]], [...data.cohorts].reverse(), { class: 'stack-table' }),
  ];
}

async function publicPage(ctx) {
  const { enabled } = await get(api(ctx, 'public'));
  const link = `${location.origin}/public.html#${ctx.guildId}`;
  const box = h('input', { type: 'checkbox', name: 'enabled', checked: enabled });
  const form = h('form', null, field('Publish daily counts (messages, active members, joins, leaves) on a public page', box), h('button', { type: 'submit', class: 'primary' }, 'Save'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const ok = await change({ title: box.checked ? 'Publish the activity page?' : 'Unpublish the activity page?', details: 'Counts only, never members.', form, done: 'Saved.' }, () => put(api(ctx, 'public'), { enabled: box.checked }));
    if (ok !== undefined) ctx.rerender();
  });
  return [h('p', null, enabled ? h('a', { href: link }, link) : 'The public page is off: the link answers "not found".'), form];
}

const RENDER = { activity, heatmap: heatmapView, channels, lurkers: lurkersView, drift, funnel, public: publicPage };

/** The page. */
export default async function render(ctx) {
  const views = VIEWS.filter(([, , access]) => allows(ctx.grant, access));
  const current = views.find(([k]) => k === ctx.query.view)?.[0] ?? views[0][0];
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Analytics views' }, views.map(([k, label]) => h('a', { href: `#/g/${ctx.guildId}/analytics?view=${k}`, 'aria-current': k === current ? 'page' : null }, label)));
  return [heading('Analytics', 'Activity, members and role drift, from hourly rollups (no message content is stored).'), tabs, ...(await RENDER[current](ctx))];
}
