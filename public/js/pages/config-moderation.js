/**
 * Moderation's part of the configuration page: muted/suspended roles, warning decay, and the
 * warning thresholds ("N warnings within D days → timeout/kick/ban for a duration").
 */
import { guildPath, patch } from '../api.js';
import { h } from '../dom.js';
import { field, idPicker, select } from '../ui.js';

const ACTIONS = [
  ['timeout', 'Timeout'],
  ['kick', 'Kick'],
  ['ban', 'Ban'],
];

/** The section. */
export function moderationSection(ctx, { settings, roleOptions, sectionForm }) {
  const m = settings ?? {};
  const rule = (t) => ({ count: t.count, days: t.days, action: t.action, ...(t.duration ? { duration: t.duration } : {}) });
  const before = { mutedRoleId: m.mutedRoleId ?? null, suspendedRoleId: m.suspendedRoleId ?? null, warnDecayDays: m.warnDecayDays ?? null, thresholds: (m.thresholds ?? []).map(rule) };
  const muted = idPicker('mutedRoleId', roleOptions, before.mutedRoleId);
  const suspended = idPicker('suspendedRoleId', roleOptions, before.suspendedRoleId);
  const decay = h('input', { name: 'warnDecayDays', type: 'number', min: 1, max: 3650, inputmode: 'numeric', value: before.warnDecayDays ?? '', placeholder: 'never' });
  const list = h('ol', { class: 'rows', id: 'thresholds' });
  const rows = [];
  const addRow = (t = { count: 3, days: 30, action: 'timeout', duration: '1h' }) => {
    const n = rows.length;
    const r = {
      count: h('input', { name: `thresholds.${n}.count`, type: 'number', min: 2, max: 50, inputmode: 'numeric', value: t.count }),
      days: h('input', { name: `thresholds.${n}.days`, type: 'number', min: 1, max: 365, inputmode: 'numeric', value: t.days }),
      action: select(`thresholds.${n}.action`, ACTIONS, t.action),
      duration: h('input', { name: `thresholds.${n}.duration`, value: t.duration ?? '', placeholder: 'e.g. 1h, 7d', autocomplete: 'off', size: 8 }),
    };
    const remove = h('button', { type: 'button', class: 'small', 'aria-label': `Remove rule ${n + 1}` }, 'Remove');
    const li = h('li', { class: 'row threshold' }, h('div', { class: 'inline-fields grow' }, field('Warnings', r.count), field('Within (days)', r.days), field('Then', r.action), field('For', r.duration, { hint: '30m, 2h, 7d, 1w… Empty ban: permanent.' })), remove);
    const entry = { r, li };
    remove.addEventListener('click', () => {
      rows.splice(rows.indexOf(entry), 1);
      li.remove();
    });
    rows.push(entry);
    list.append(li);
  };
  for (const t of before.thresholds) addRow(t);
  const add = h('button', { type: 'button', class: 'small', id: 'add-threshold' }, 'Add a rule');
  add.addEventListener('click', () => {
    addRow();
    rows.at(-1)?.r.count.focus();
  });
  const num = (el) => (el.value === '' ? null : Number(el.value));
  return sectionForm({
    ctx,
    id: 'config-moderation',
    title: 'Moderation',
    lead: 'Roles used by /mute and /suspend, how long warnings count, and what repeated warnings trigger.',
    before,
    body: [
      h('div', { class: 'grid grid-2' }, field('Muted role', muted), field('Suspended role', suspended)),
      field('Warnings stop counting after (days)', decay, { hint: 'Empty: they never decay.' }),
      h('h3', null, 'Warning thresholds'),
      list,
      add,
    ],
    read: () => ({
      mutedRoleId: muted.value || null,
      suspendedRoleId: suspended.value || null,
      warnDecayDays: num(decay),
      thresholds: rows.map(({ r }, i) => {
        // Rows may have been removed: name the inputs by their place now, as 422 paths count.
        for (const [key, el] of Object.entries(r)) el.name = `thresholds.${i}.${key}`;
        const t = { count: num(r.count), days: num(r.days), action: r.action.value };
        if (r.duration.value.trim() && t.action !== 'kick') t.duration = r.duration.value.trim();
        return t;
      }),
    }),
    save: (v) => patch(guildPath(ctx.guildId, 'moderation', 'settings'), v),
  });
}
