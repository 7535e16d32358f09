/**
 * The guild picker: servers the user manages or is staff in (open the dashboard), and
 * manageable servers without the bot (an "Add Gatehouse" link).
 */
import { allows } from '../access.js';
import { h } from '../dom.js';
import { guildGrant, guildIconUrl, guildId, guildInstalled, guildInvite, guildName } from '../guild.js';
import { pages } from './index.js';
import { href } from '../router.js';
import { empty, heading, notify } from '../ui.js';

function roleText(grant) {
  if (!grant) return '';
  if (grant.manager) return 'Manager';
  return grant.level ? grant.level.replace('_', ' ').replace(/^./, (c) => c.toUpperCase()) : '';
}

function icon(g) {
  const url = guildIconUrl(g);
  const initials = guildName(g).split(/\s+/).map((w) => w[0]).join('').slice(0, 3);
  return h('span', { class: 'icon', 'aria-hidden': 'true' }, url ? h('img', { src: url, alt: '' }) : initials);
}

/** The picker. */
export default async function render(ctx) {
  const guilds = ctx.guilds().length ? ctx.guilds() : await ctx.loadGuilds();
  const installed = guilds.filter(guildInstalled);
  const addable = guilds.filter((g) => !guildInstalled(g) && guildInvite(g));
  const refresh = h('button', { type: 'button', class: 'small', id: 'refresh-guilds' }, 'Refresh list');
  refresh.addEventListener('click', async () => {
    refresh.disabled = true;
    try {
      await ctx.reloadGuilds();
      ctx.rerender();
    } catch (e) {
      notify(e.message, 'error');
      refresh.disabled = false;
    }
  });
  const note = ctx.note();
  return [
    heading('Your servers', 'Pick a server to open its dashboard.'),
    note ? h('p', { class: 'note', role: 'status' }, note) : null,
    installed.length
      ? h(
          'ul',
          { class: 'guilds', 'aria-label': 'Servers with Gatehouse' },
          installed.map((g) => {
            const grant = guildGrant(g);
            const first = pages.find((p) => p.nav && allows(grant, p.access ?? 'everyone'));
            const target = first ? href(first.path.replace(':guild', guildId(g))) : href(`/g/${guildId(g)}`);
            return h(
              'li',
              { class: 'guild', data: { guild: guildId(g) } },
              icon(g),
              h('div', { class: 'body' }, h('a', { class: 'open name', href: target }, guildName(g)), h('div', { class: 'role' }, roleText(grant))),
            );
          }),
        )
      : empty('None of your servers has Gatehouse with you as a manager or staff member yet.'),
    addable.length
      ? [
          h('h2', null, 'Add Gatehouse to a server'),
          h('p', { class: 'lead' }, 'Servers you manage that Gatehouse is not in.'),
          h(
            'ul',
            { class: 'guilds', 'aria-label': 'Servers without Gatehouse' },
            addable.map((g) =>
              h(
                'li',
                { class: 'guild', data: { guild: guildId(g) } },
                icon(g),
                h('div', { class: 'body' }, h('div', { class: 'name' }, guildName(g))),
                h('a', { class: 'button small', href: guildInvite(g), rel: 'noopener', 'aria-label': `Add Gatehouse to ${guildName(g)}` }, 'Add the bot'),
              ),
            ),
          ),
        ]
      : null,
    h('div', { class: 'actions' }, refresh),
  ];
}
