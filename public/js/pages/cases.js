/**
 * Moderation cases, newest first, searchable by member (id or mention), cursor-paged. A case
 * opens the member's history, where reasons are edited and notes added.
 */
import { ApiError, get, guildPath } from '../api.js';
import { h, person, time } from '../dom.js';
import { href, setQuery } from '../router.js';
import { empty, field, heading, showErrors, table } from '../ui.js';

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
  const id = memberId(member);
  if (member && !id) {
    // Not an id: say so beside the field rather than asking the API.
    setTimeout(() => showErrors(form, new ApiError(422, { error: 'invalid', fields: { member: 'Give the member’s id (17–20 digits) or paste their mention.' } })), 0);
  }
  const data = id || !member ? await get(guildPath(ctx.guildId, 'moderation', 'cases'), { member: id, before: ctx.query.before, limit: 25 }) : { cases: [], next: null };
  const rows = data?.cases ?? [];
  const next = data?.next ?? null;
  const input = h('input', { name: 'member', type: 'search', value: member, placeholder: 'Member id or @mention', inputmode: 'search', autocomplete: 'off' });
  const form = h('form', { class: 'toolbar', role: 'search' }, field('Search by member', input), h('button', { type: 'submit' }, 'Search'), member ? h('a', { class: 'button', href: href(`/g/${ctx.guildId}/cases`) }, 'Clear') : null);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setQuery({ member: input.value.trim() });
  });
  return [
    heading('Moderation', 'Every case, newest first. Open a member for their full history, notes and reasons.'),
    form,
    id ? h('p', null, h('a', { href: href(`/g/${ctx.guildId}/members/${id}`), class: 'button small', id: 'open-history' }, 'Open this member’s history')) : null,
    rows.length
      ? table(
          'Cases',
          [
            ['#', (c) => (c.modLogUrl ? h('a', { href: c.modLogUrl, rel: 'noopener', title: 'In the mod log' }, `#${c.number}`) : `#${c.number}`)],
            ['Type', (c) => [typeBadge(c.type), c.state !== 'done' ? [' ', h('span', { class: 'badge muted' }, c.state)] : null]],
            ['Member', (c) => h('a', { href: href(`/g/${ctx.guildId}/members/${c.targetId}`) }, person(c.target ?? null, c.targetId))],
            ['Moderator', (c) => person(c.actor ?? null, c.actorId)],
            ['Reason', (c) => c.reason],
            ['When', (c) => time(c.createdAt)],
          ],
          rows,
          { class: 'stack-table', captionHidden: true },
        )
      : empty(member ? 'No cases for this member.' : 'No cases yet.'),
    h('div', { class: 'pager' }, ctx.query.before ? h('a', { class: 'button small', href: href(`/g/${ctx.guildId}/cases`, { member }) }, 'Newest') : null, next ? h('a', { class: 'button small', href: href(`/g/${ctx.guildId}/cases`, { member, before: next }), rel: 'next' }, 'Older') : null),
  ];
}
