/**
 * Moderation's part of the configuration page: muted/suspended roles, warning decay, and the
 * warning thresholds ("N warnings within D days → timeout/kick/ban for a duration").
 */
import { put, guildPath } from '../api.js';
import { h } from '../dom.js';
import { field, select } from '../ui.js';

const ACTIONS = [
  ['timeout', 'Timeout'],
  ['kick', 'Kick'],
  ['ban', 'Ban'],
];

const UNITS = [
  ['60000', 'minutes'],
  ['3600000', 'hours'],
  ['86400000', 'days'],
];

/** Splits milliseconds into the largest whole unit. */
export function splitDuration(ms) {
  if (!ms) return { amount: '', unit: '3600000' };
  for (const [unit] of [...UNITS].reverse()) if (ms % Number(unit) === 0) return { amount: String(ms / Number(unit)), unit };
  return { amount: String(Math.round(ms / 60000)), unit: '60000' };
}

/** The section. */
export function moderationSection(ctx, { data, roleOptions, sectionForm }) {
  const m = data.moderation ?? {};
  const before = { mutedRoleId: m.mutedRoleId ?? null, suspendedRoleId: m.suspendedRoleId ?? null, warnDecayDays: m.warnDecayDays ?? null, thresholds: m.thresholds ?? [] };
  const muted = select('mutedRoleId', roleOptions, before.mutedRoleId);
  const suspended = select('suspendedRoleId', roleOptions, before.suspendedRoleId);
  const decay = h('input', { name: 'warnDecayDays', type: 'number', min: 1, max: 3650, inputmode: 'numeric', value: before.warnDecayDays ?? '', placeholder: 'never' });
  const list = h('ol', { class: 'rows', id: 'thresholds' });
  const rows = [];
  const addRow = (t = { count: 3, days: 30, action: 'timeout', durationMs: 3_600_000 }) => {
    const n = rows.length;
    const d = splitDuration(t.durationMs);
    const r = {
      count: h('input', { name: `thresholds.${n}.count`, type: 'number', min: 2, max: 50, inputmode: 'numeric', value: t.count }),
      days: h('input', { name: `thresholds.${n}.days`, type: 'number', min: 1, max: 365, inputmode: 'numeric', value: t.days }),
      action: select(`thresholds.${n}.action`, ACTIONS, t.action),
      amount: h('input', { name: `thresholds.${n}.durationMs`, type: 'number', min: 1, inputmode: 'numeric', value: d.amount }),
      unit: select(`thresholds.${n}.unit`, UNITS, d.unit, { 'aria-label': `Duration unit of rule ${n + 1}` }),
    };
    const remove = h('button', { type: 'button', class: 'small', 'aria-label': `Remove rule ${n + 1}` }, 'Remove');
    const li = h('li', { class: 'row threshold' }, h('div', { class: 'inline-fields grow' }, field('Warnings', r.count), field('Within (days)', r.days), field('Then', r.action), field('For', r.amount, { hint: 'Empty: permanent (ban only).', after: r.unit })), remove);
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
      thresholds: rows.map(({ r }) => {
        const t = { count: num(r.count), days: num(r.days), action: r.action.value };
        if (r.amount.value !== '') t.durationMs = Number(r.amount.value) * Number(r.unit.value);
        return t;
      }),
    }),
    save: (v) => put(guildPath(ctx.guildId, 'config', 'moderation'), v),
  });
}
