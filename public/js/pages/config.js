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

const channelLabel = (c) => `#${c.name}`;

/** `promise`'s value, or null when the route answers 404 (not there). */
async function optional(promise) {
  try {
    return await promise;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** The page. */
export default async function render(ctx) {
  const [platform, questions, gateSettings, modSettings] = await Promise.all([
    optional(get(guildPath(ctx.guildId, 'config'))),
    get(guildPath(ctx.guildId, 'gate', 'questions')),
    get(guildPath(ctx.guildId, 'gate', 'settings')),
    get(guildPath(ctx.guildId, 'moderation', 'settings')),
  ]);
  const data = platform ?? {};
  const channels = data.guildChannels ?? data.discord?.channels ?? [];
  const roles = (data.guildRoles ?? data.discord?.roles ?? []).filter((r) => r.id !== ctx.guildId);
  const purposes = data.purposes ?? Object.keys(data.channels ?? {}).map((name) => ({ name, description: '' }));
  const levels = data.levels ?? ['helper', 'reviewer', 'moderator', 'senior_moderator', 'administrator'];
  const channelOptions = [['', '(none)'], ...channels.filter((c) => c.type === undefined || c.type === 0 || c.type === 5).map((c) => [c.id, channelLabel(c)])];
  const roleOptions = [['', '(none)'], ...roles.map((r) => [r.id, r.name])];

  const channelsBefore = Object.fromEntries(purposes.map((p) => [p.name, data.channels?.[p.name] ?? null]));
  const channelSelects = purposes.map((p) => [p.name, select(`channels.${p.name}`, channelOptions, channelsBefore[p.name])]);
  const channelsForm = sectionForm({
    ctx,
    id: 'config-channels',
    title: 'Channels',
    lead: 'Where each feature posts.',
    before: channelsBefore,
    body: channelSelects.map(([name, sel]) => field(name.replace(/_/g, ' '), sel, { hint: purposes.find((p) => p.name === name)?.description })),
    read: () => Object.fromEntries(channelSelects.map(([name, sel]) => [name, sel.value || null])),
    save: (v) => put(guildPath(ctx.guildId, 'config', 'channels'), { channels: v }),
    mapPath: (p) => p,
  });

  const rolesBefore = Object.fromEntries(levels.map((l) => [l, data.roles?.[l] ?? null]));
  const roleSelects = levels.map((l) => [l, select(`roles.${l}`, roleOptions, rolesBefore[l])]);
  const rolesForm = sectionForm({
    ctx,
    id: 'config-roles',
    title: 'Staff roles',
    lead: 'The Discord role that gives each staff level (higher levels include the lower ones).',
    before: rolesBefore,
    body: roleSelects.map(([level, sel]) => field(level.replace('_', ' '), sel)),
    read: () => Object.fromEntries(roleSelects.map(([level, sel]) => [level, sel.value || null])),
    save: (v) => put(guildPath(ctx.guildId, 'config', 'roles'), { roles: v }),
  });

  // Modules: the config's list, else the guild summary's ([{ name, description, enabled, toggleable }]).
  const rawModules = data.modules ?? ctx.guild?.modules ?? [];
  const modules = Array.isArray(rawModules) ? rawModules : Object.entries(rawModules).map(([name, enabled]) => ({ name, enabled: Boolean(enabled) }));
  const toggleable = modules.filter((m) => m.toggleable !== false);
  const modulesBefore = Object.fromEntries(toggleable.map((m) => [m.name, Boolean(m.enabled)]));
  const moduleBoxes = toggleable.map((m) => [m.name, h('input', { type: 'checkbox', name: `modules.${m.name}`, checked: m.enabled }), m.description]);
  const modulesForm = sectionForm({
    ctx,
    id: 'config-modules',
    title: 'Modules',
    lead: 'Turn a feature off to stop its commands and events in this server.',
    before: modulesBefore,
    body: h('div', { class: 'grid grid-2' }, moduleBoxes.map(([m, box, description]) => field(m.replace(/-/g, ' '), box, { hint: description }))),
    read: () => Object.fromEntries(moduleBoxes.map(([m, box]) => [m, box.checked])),
    save: async (v) => {
      const saved = await put(guildPath(ctx.guildId, 'config', 'modules'), { modules: v });
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
    platform ? h('div', { class: 'grid grid-2' }, channelsForm, rolesForm) : null,
    modulesForm,
    gateSection(ctx, { questions, settings: gateSettings, roleOptions, sectionForm }),
    moderationSection(ctx, { settings: modSettings, roleOptions, sectionForm }),
  ];
}
