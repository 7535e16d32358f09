/**
 * The application queue: pending, claimed or decided applications (newest first for
 * decided, oldest first for open ones, as the API orders them), cursor-paged.
 */
import { get, guildPath } from '../api.js';
import { fmtAge, h, person, time } from '../dom.js';
import { href } from '../router.js';
import { empty, heading, table } from '../ui.js';

/** Filters the queue offers (the API's `status` values). */
export const FILTERS = [
  ['open', 'Open'],
  ['pending', 'Pending'],
  ['claimed', 'Claimed'],
  ['decided', 'Decided'],
];

/** A status badge. */
export function statusBadge(status) {
  return h('span', { class: `badge ${status}` }, status);
}

/** The queue. */
export default async function render(ctx) {
  const status = FILTERS.some(([v]) => v === ctx.query.status) ? ctx.query.status : 'open';
  const data = await get(guildPath(ctx.guildId, 'applications'), { status, cursor: ctx.query.cursor, limit: 25 });
  const rows = data?.applications ?? data?.items ?? [];
  const next = data?.next ?? null;
  const counts = data?.counts ?? {};
  const count = (v) => (v === 'open' ? (counts.pending ?? 0) + (counts.claimed ?? 0) : counts[v]);
  const base = `/g/${ctx.guildId}/applications`;
  const tabs = h(
    'nav',
    { class: 'toolbar', 'aria-label': 'Filter applications' },
    FILTERS.map(([v, label]) => h('a', { class: ['button', 'small', v === status && 'primary'], href: href(base, { status: v }), 'aria-current': v === status ? 'true' : null, data: { filter: v } }, label, count(v) !== undefined ? h('span', { class: 'count' }, ` ${count(v)}`) : null)),
  );
  const list = rows.length
    ? table(
        `${FILTERS.find(([v]) => v === status)?.[1]} applications`,
        [
          ['Applicant', (a) => h('a', { href: href(`${base}/${a.id}`), class: 'app-link', data: { application: a.id } }, person(a.user ?? a.userTag ?? null, a.userId))],
          ['Status', (a) => statusBadge(a.status)],
          ['Submitted', (a) => time(a.submittedAt)],
          ['Account', (a) => [fmtAge(a.accountCreatedAt), a.youngAccount ? h('span', { class: 'badge bad' }, ' young') : null]],
          ['Avatar risk', (a) => riskText(a.avatarRisk)],
          [status === 'decided' ? 'Decided by' : 'Claimed by', (a) => (status === 'decided' ? (a.decidedBy ? person(a.decidedByUser ?? null, a.decidedBy) : '—') : a.claimedBy ? person(a.claimedByUser ?? null, a.claimedBy) : '—')],
        ],
        rows,
        { class: 'stack-table', captionHidden: true },
      )
    : empty(status === 'open' || status === 'pending' ? 'No applications are waiting. New ones appear here and in the review channel.' : `No ${status} applications.`);
  return [
    heading('Applications', 'The same queue as the review channel: what you do here updates the card in Discord.'),
    tabs,
    list,
    h(
      'div',
      { class: 'pager' },
      ctx.query.cursor ? h('a', { class: 'button small', href: href(base, { status }) }, 'First page') : null,
      next ? h('a', { class: 'button small', href: href(base, { status, cursor: next }), rel: 'next' }, 'Older') : null,
    ),
  ];
}

/** "82% (likely NSFW)" from an avatar-risk verdict, highlighted when risky. */
export function riskText(risk) {
  if (!risk) return h('span', { class: 'muted' }, 'not scanned');
  const pct = Math.round((risk.score ?? 0) * 100);
  return h('span', { class: risk.highlight ? 'risk-high' : null }, risk.label ? `${risk.label} · ${pct}%` : `${pct}%`);
}
