/**
 * Moderation cases, newest first, searchable by member (id or mention), cursor-paged. A case
 * opens the member's history, where reasons are edited and notes added.
 */
import { get, guildPath } from '../api.js';
import { h, person, time } from '../dom.js';
import { href, setQuery } from '../router.js';
import { empty, field, heading, table } from '../ui.js';

/** A case type badge. */
export function typeBadge(type) {
  const bad = ['ban', 'kick', 'softban', 'timeout', 'mute', 'suspend'].includes(type);
  return h('span', { class: ['badge', bad ? 'bad' : 'muted'] }, type);
}

/** The member id from "123", "<@123>" or "<@!123>", or null. */
export function memberId(text) {
  const m = /^\s*<?@?!?(\d{15,21})>?\s*$/.exec(text ?? '');
  return m ? m[1] : null;
}

/** The case list. */
export default async function render(ctx) {
  const member = ctx.query.member ?? '';
  const data = await get(guildPath(ctx.guildId, 'cases'), { member: memberId(member) ?? member, cursor: ctx.query.cursor, limit: 25 });
  const rows = data?.cases ?? data?.items ?? [];
  const next = data?.nextCursor ?? null;
  const input = h('input', { name: 'member', type: 'search', value: member, placeholder: 'Member id or @mention', inputmode: 'search', autocomplete: 'off' });
  const form = h('form', { class: 'toolbar', role: 'search' }, field('Search by member', input), h('button', { type: 'submit' }, 'Search'), member ? h('a', { class: 'button', href: href(`/g/${ctx.guildId}/cases`) }, 'Clear') : null);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setQuery({ member: input.value.trim() });
  });
  const id = memberId(member);
  return [
    heading('Moderation', 'Every case, newest first. Open a member for their full history, notes and reasons.'),
    form,
    id ? h('p', null, h('a', { href: href(`/g/${ctx.guildId}/members/${id}`), class: 'button small', id: 'open-history' }, 'Open this member’s history')) : null,
    rows.length
      ? table(
          'Cases',
          [
            ['#', (c) => `#${c.caseNumber ?? c.number}`],
            ['Type', (c) => typeBadge(c.type)],
            ['Member', (c) => h('a', { href: href(`/g/${ctx.guildId}/members/${c.targetId}`) }, person(c.target ?? null, c.targetId))],
            ['Moderator', (c) => person(c.actor ?? null, c.actorId)],
            ['Reason', (c) => c.reason],
            ['When', (c) => time(c.createdAt)],
          ],
          rows,
          { class: 'stack-table', captionHidden: true },
        )
      : empty(member ? 'No cases for this member.' : 'No cases yet.'),
    next ? h('div', { class: 'pager' }, h('a', { class: 'button small', href: href(`/g/${ctx.guildId}/cases`, { member, cursor: next }), rel: 'next' }, 'Older')) : null,
  ];
}
