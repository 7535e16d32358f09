/**
 * The audit log: who changed what and when, filtered by actor and area, each entry's
 * before/after diff, and "Revert", which applies the before state through the same service
 * (itself audited).
 */
import { get, guildPath, post } from '../api.js';
import { diffView } from '../diff.js';
import { h, person, time } from '../dom.js';
import { href, setQuery } from '../router.js';
import { change, empty, field, heading, select } from '../ui.js';
import { memberId } from './cases.js';

/** Areas offered by the filter (the API's `areaOf`); others seen in the list are added. */
const AREAS = ['channels', 'roles', 'modules', 'gate', 'moderation'];

/** The page. */
export default async function render(ctx) {
  const { actor = '', area = '', cursor } = ctx.query;
  const data = await get(guildPath(ctx.guildId, 'audit'), { actor: memberId(actor) ?? actor, area, cursor, limit: 25 });
  const entries = data?.entries ?? data?.items ?? [];
  const areas = [...new Set([...AREAS, ...entries.map((e) => e.area).filter(Boolean), area].filter(Boolean))];
  const actorInput = h('input', { name: 'actor', type: 'search', value: actor, placeholder: 'User id', autocomplete: 'off' });
  const areaSelect = select('area', [['', 'All areas'], ...areas.map((a) => [a, a])], area);
  const form = h('form', { class: 'toolbar', role: 'search' }, field('Actor', actorInput), field('Area', areaSelect), h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setQuery({ actor: actorInput.value.trim(), area: areaSelect.value });
  });
  areaSelect.addEventListener('change', () => form.requestSubmit());
  const next = data?.next ?? null;
  return [
    heading('Audit log', 'Every change to this server’s Gatehouse settings, from Discord or the dashboard.'),
    form,
    entries.length
      ? h('ol', { class: 'rows audit', id: 'audit' }, entries.map((e) => entry(ctx, e)))
      : empty(actor || area ? 'No changes match these filters.' : 'No changes recorded yet.'),
    next ? h('div', { class: 'pager' }, h('a', { class: 'button small', href: href(`/g/${ctx.guildId}/audit`, { actor, area, cursor: next }), rel: 'next' }, 'Older')) : null,
  ];
}

function entry(ctx, e) {
  const revertable = e.revertible ?? false;
  const revert = revertable ? h('button', { type: 'button', class: 'small', data: { revert: e.id } }, 'Revert') : null;
  revert?.addEventListener('click', async () => {
    const ok = await change(
      { title: `Revert “${e.action}”?`, details: [h('p', null, 'This puts back the state before the change:'), diffView(e.after, e.before)], confirm: 'Revert', danger: true, done: 'Reverted. The revert is in the audit log too.' },
      () => post(guildPath(ctx.guildId, 'audit', e.id, 'revert')),
    );
    if (ok !== undefined) ctx.rerender();
  });
  return h(
    'li',
    { class: 'card audit-entry', data: { audit: e.id, action: e.action } },
    h('div', { class: 'row' }, h('div', { class: 'grow' }, h('strong', null, e.action), e.area ? [' ', h('span', { class: 'badge muted' }, e.area)] : null), h('span', { class: 'muted' }, person(e.actor ?? null, e.actorId), ' · ', time(e.createdAt ?? e.at)), revert),
    diffView(e.before, e.after),
  );
}
