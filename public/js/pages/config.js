/**
 * Configuration: channels and staff roles mapping, modules on/off, the gate's questions and
 * settings, moderation thresholds and durations. Every section saves on its own: the change
 * is shown and confirmed first, 422 field errors appear beside the fields, and the change is
 * in the audit log (revertable there).
 */
import { ApiError, get, guildPath, put } from '../api.js';
import { changes } from '../diff.js';
import { h } from '../dom.js';
import { href } from '../router.js';
import { change, field, heading, idPicker, select } from '../ui.js';
import { pickerOptions } from '../pickers.js';
import { gateSection } from './config-gate.js';
import { moderationSection } from './config-moderation.js';

/**
 * A section form: `read()` gives the value to send, `save(value)` sends it; the confirm
 * dialog lists what differs from `before`.
 * @param {{ id: string, title: string, lead?: string, body: any[], before: any, read: () => any, save: (v: any) => Promise<any>, ctx: any, mapPath?: (p: string) => string, label?: (path: string) => string }} s
 */
export function sectionForm(s) {
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Save');
  const form = h('form', { class: 'card config-section', id: s.id, 'aria-labelledby': `${s.id}-h`, novalidate: true }, h('h2', { id: `${s.id}-h` }, s.title), s.lead ? h('p', { class: 'lead' }, s.lead) : null, s.body, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = s.read();
    const diff = changes(s.before, value);
    if (!diff.length) {
      form.querySelector('.form-error')?.remove();
      form.prepend(h('p', { class: 'form-error', role: 'status' }, 'Nothing changed.'));
      return;
    }
    const ok = await change(
      {
        title: `Save ${s.title.toLowerCase()}?`,
        details: h('ul', { class: 'diff-list' }, diff.map(([path, was, now]) => h('li', null, h('span', { class: 'path' }, s.label?.(path) ?? path), ': ', h('del', null, was ?? 'none'), ' → ', h('ins', null, now ?? 'none')))),
        confirm: 'Save',
        form,
        mapPath: s.mapPath,
        done: `${s.title} saved. Undo it from the audit log if needed.`,
      },
      () => s.save(value),
    );
    if (ok !== undefined) s.ctx.rerender();
  });
  return form;
}


/** `promise`'s value, or null when the route answers 404 (not there). */
async function optional(promise) {
  try {
    return await promise;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/**
 * Sends one call per key whose value differs from `before`, in order; a 422 from one call has
 * its fields renamed to that key's input (`fieldName(key)`), so the message lands beside it.
 */
async function eachChanged(before, after, call, fieldName) {
  const done = [];
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(before[key] ?? null) === JSON.stringify(value ?? null)) continue;
    try {
      done.push(await call(key, value));
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        e.fields = Object.fromEntries(Object.values(e.fields).map((message) => [fieldName(key), message]));
      } else if (e instanceof ApiError && e.status === 404) {
        e.fields = { [fieldName(key)]: e.message };
      }
      throw e;
    }
  }
  return done;
}

/** The page. */
export default async function render(ctx) {
  const [platform, questions, gateSettings, modSettings, pickers] = await Promise.all([
    optional(get(guildPath(ctx.guildId, 'config'))),
    get(guildPath(ctx.guildId, 'gate', 'questions')),
    get(guildPath(ctx.guildId, 'gate', 'settings')),
    get(guildPath(ctx.guildId, 'moderation', 'settings')),
    pickerOptions(ctx.guildId),
  ]);
  const data = platform ?? {};
  // The server's roles and channels by name (ids as values); id fields if the list failed.
  const channelOptions = pickers.channels;
  const roleOptions = pickers.roles;
  const levels = data.levels ?? ['helper', 'reviewer', 'moderator', 'senior_moderator', 'administrator'];

  // Channels: one PUT per changed purpose.
  const purposes = data.channels ?? [];
  const channelsBefore = Object.fromEntries(purposes.map((p) => [p.purpose, p.channelId ?? null]));
  const channelInputs = purposes.map((p) => [p.purpose, idPicker(`channels.${p.purpose}`, channelOptions, p.channelId)]);
  const channelsForm = sectionForm({
    ctx,
    id: 'config-channels',
    title: 'Channels',
    lead: 'Where each feature posts.',
    before: channelsBefore,
    body: channelInputs.map(([purpose, input]) => field(purpose.replace(/_/g, ' '), input, { hint: purposes.find((p) => p.purpose === purpose)?.description })),
    read: () => Object.fromEntries(channelInputs.map(([purpose, input]) => [purpose, input.value.trim() || null])),
    save: (v) => eachChanged(channelsBefore, v, (purpose, channelId) => put(guildPath(ctx.guildId, 'config', 'channels', purpose), { channelId }), (purpose) => `channels.${purpose}`),
  });

  // Staff roles: the mapping role → level; one PUT per changed role (level null removes it).
  const mapped = data.staffRoles ?? [];
  const rolesBefore = Object.fromEntries(mapped.map((r) => [r.roleId, r.level]));
  const levelOptions = [['', '(not staff)'], ...levels.map((l) => [l, l.replace('_', ' ')])];
  const roleName = (id) => roleOptions.find(([v]) => v === id)?.[1] ?? id;
  const roleRows = mapped.map((r) => [r.roleId, select(`roles.${r.roleId}`, levelOptions, r.level, { 'aria-label': `Level of role ${roleName(r.roleId)}` })]);
  const newRole = idPicker('roleId', roleOptions, '', { 'aria-label': 'Role to add' });
  const newLevel = select('newLevel', levelOptions, '');
  const rolesForm = sectionForm({
    ctx,
    id: 'config-roles',
    title: 'Staff roles',
    lead: 'Roles that give a staff level (higher levels include the lower ones).',
    before: rolesBefore,
    body: [
      mapped.length ? h('ul', { class: 'rows' }, roleRows.map(([roleId, sel]) => h('li', { class: 'row' }, h('span', { class: 'grow' }, roleName(roleId), roleName(roleId) !== roleId ? null : h('code', null, roleId)), sel))) : h('p', { class: 'muted' }, 'No staff roles yet.'),
      h('div', { class: 'inline-fields' }, field('Add a role', newRole), field('Level', newLevel)),
    ],
    read: () => {
      const v = Object.fromEntries(roleRows.map(([roleId, sel]) => [roleId, sel.value || null]));
      if (newRole.value.trim() && newLevel.value) v[newRole.value.trim()] = newLevel.value;
      return v;
    },
    save: (v) => eachChanged(rolesBefore, v, (roleId, level) => put(guildPath(ctx.guildId, 'config', 'staff-roles', roleId), { level }), (roleId) => (roleId in rolesBefore ? `roles.${roleId}` : 'roleId')),
    mapPath: (p) => (p === 'params.roleId' ? 'roleId' : p),
  });

  // Modules: one PUT per changed module.
  const modules = (data.modules ?? ctx.guild?.modules ?? []).filter((m) => m.toggleable !== false);
  const modulesBefore = Object.fromEntries(modules.map((m) => [m.name, Boolean(m.enabled)]));
  const moduleBoxes = modules.map((m) => [m.name, h('input', { type: 'checkbox', name: `modules.${m.name}`, checked: m.enabled }), m.description]);
  const modulesForm = sectionForm({
    ctx,
    id: 'config-modules',
    title: 'Modules',
    lead: 'Turn a feature off to stop its commands and events in this server.',
    before: modulesBefore,
    body: h('div', { class: 'grid grid-2' }, moduleBoxes.map(([m, box, description]) => field(m.replace(/-/g, ' '), box, { hint: description }))),
    read: () => Object.fromEntries(moduleBoxes.map(([m, box]) => [m, box.checked])),
    save: async (v) => {
      const saved = await eachChanged(modulesBefore, v, (module, enabled) => put(guildPath(ctx.guildId, 'config', 'modules', module), { enabled }), (module) => `modules.${module}`);
      ctx.forgetSummary(); // the navigation hides pages of modules turned off
      return saved;
    },
  });

  const jump = h(
    'nav',
    { class: 'toolbar', 'aria-label': 'Configuration sections' },
    [
      ['config-channels', 'Channels'],
      ['config-roles', 'Staff roles'],
      ['config-modules', 'Modules'],
      ['config-questions', 'Gate questions'],
      ['config-gate', 'Gate settings'],
      ['config-moderation', 'Moderation'],
    ].map(([id, label]) => {
      const a = h('a', { class: 'button small', href: href(`/g/${ctx.guildId}/config`) }, label);
      a.addEventListener('click', (e) => {
        e.preventDefault();
        const target = document.getElementById(id);
        target?.scrollIntoView({ behavior: 'smooth', block: 'start' });
        target?.querySelector('h2')?.setAttribute('tabindex', '-1');
        target?.querySelector('h2')?.focus({ preventScroll: true });
      });
      return a;
    }),
  );

  return [
    heading('Configuration', 'The same settings as /config, /gate and /modconfig in Discord.'),
    jump,
    h('div', { class: 'grid grid-2' }, channelsForm, rolesForm),
    modulesForm,
    gateSection(ctx, { questions, settings: gateSettings, roleOptions, sectionForm }),
    moderationSection(ctx, { settings: modSettings, roleOptions, sectionForm }),
  ];
}
