import { ChannelType, RESTJSONErrorCodes } from 'discord-api-types/v10';
import type { AutocompleteContext, InteractionContext } from '../../../core/context';
import { defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { DiscordApiError, describeDiscordError } from '../../../discord';
import { menuMessage, MODE_HELP, parseEmoji } from '../menu-message';
import { GuildRoleMenus, MAX_MENU_ROLES } from '../role-menus.repo';
import { assertAssignable, refreshPosted } from '../role-menus.service';
import { ROLE_MENU_MODES, ROLE_MENU_STYLES, type RoleMenu } from '../schema';

async function suggestMenus(ctx: AutocompleteContext, typed: string) {
  if (!ctx.guildId) return [];
  const needle = typed.trim().toLowerCase();
  const rows = await new GuildRoleMenus(ctx.db, ctx.guildId).list();
  return rows.filter((r) => r.name.toLowerCase().includes(needle)).slice(0, 25).map((r) => ({ name: r.name, value: r.name }));
}

const nameOption = opt.string('The menu', { required: true, maxLength: 64, autocomplete: suggestMenus });

async function menuNamed(ctx: InteractionContext, name: string): Promise<RoleMenu> {
  const menu = await new GuildRoleMenus(ctx.db, ctx.guild).byName(name.trim());
  if (!menu) throw new UserError('unknown_menu', `There is no role menu named \`${name.trim().slice(0, 64)}\`. See \`/rolemenu list\`.`);
  return menu;
}

/** `/rolemenu create|add|remove|post|list|delete` (administrators). */
export const rolemenuCommand = defineCommandGroup({
  name: 'rolemenu',
  description: 'Menus of roles members pick themselves',
  level: 'administrator',
  subcommands: {
    create: sub({
      description: 'Create a role menu',
      options: {
        name: opt.string('A name for the menu (also its title)', { required: true, maxLength: 64 }),
        mode: opt.string('toggle: pick any · unique: one at a time · add-only: never removed', {
          required: true,
          choices: ROLE_MENU_MODES.map((m) => ({ name: m, value: m })),
        }),
        style: opt.string('Buttons (default) or a select menu', { choices: ROLE_MENU_STYLES.map((s) => ({ name: s, value: s })) }),
        description: opt.string('Text above the roles', { maxLength: 1000 }),
        required_role: opt.role('Only members with this role may use the menu'),
        max: opt.integer('Roles of this menu one member may hold at once', { minValue: 1, maxValue: MAX_MENU_ROLES }),
      },
      handler: async (ctx, { name, mode, style, description, required_role, max }) => {
        const clean = name.trim();
        if (!clean) throw new UserError('bad_menu_name', 'Give the menu a name.');
        const row = await new GuildRoleMenus(ctx.db, ctx.guild).create(ctx.user.id, {
          name: clean,
          mode: mode as RoleMenu['mode'],
          style: (style ?? 'buttons') as RoleMenu['style'],
          description: description ?? null,
          requiredRoleId: required_role?.id ?? null,
          maxPerMember: max ?? null,
        });
        if (!row) throw new UserError('menu_exists', `A role menu named \`${clean}\` already exists.`);
        return ctx.reply({
          ephemeral: true,
          content: `Created the role menu **${clean}** (${row.mode}: ${MODE_HELP[row.mode]}). Add roles with \`/rolemenu add\`, then \`/rolemenu post\`.`,
        });
      },
    }),
    add: sub({
      description: 'Add a role to a menu',
      options: {
        name: nameOption,
        role: opt.role('The role members can pick', { required: true }),
        emoji: opt.string('An emoji for its button or option', { maxLength: 64 }),
        description: opt.string('A few words about the role', { maxLength: 100 }),
      },
      handler: async (ctx, { name, role, emoji, description }) =>
        ctx.defer(
          async () => {
            const menu = await menuNamed(ctx, name);
            const stored = emoji ? parseEmoji(emoji) : null;
            const current = await assertAssignable(ctx, role.id);
            const repo = new GuildRoleMenus(ctx.db, ctx.guild);
            const result = await repo.addOption(menu.id, { roleId: role.id, label: current.name, emoji: stored, description: description ?? null });
            if (result === 'full') {
              throw new UserError('menu_full', `**${menu.name}** already has ${MAX_MENU_ROLES} roles, Discord's limit for one menu (25 buttons or select options). Make a second menu.`);
            }
            if (result === 'duplicate') throw new UserError('role_on_menu', `<@&${role.id}> is already on **${menu.name}**.`);
            const note = await refreshPosted(ctx, (await repo.byId(menu.id))!);
            await ctx.editOriginal({ content: [`Added <@&${role.id}> to **${menu.name}**.`, note].filter(Boolean).join(' ') });
          },
          { ephemeral: true },
        ),
    }),
    remove: sub({
      description: 'Remove a role from a menu',
      options: { name: nameOption, role: opt.role('The role to take off the menu', { required: true }) },
      handler: async (ctx, { name, role }) =>
        ctx.defer(
          async () => {
            const menu = await menuNamed(ctx, name);
            const repo = new GuildRoleMenus(ctx.db, ctx.guild);
            if (!(await repo.removeOption(menu.id, role.id))) throw new UserError('role_not_on_menu', `<@&${role.id}> is not on **${menu.name}**.`);
            const note = await refreshPosted(ctx, (await repo.byId(menu.id))!);
            await ctx.editOriginal({ content: [`Removed <@&${role.id}> from **${menu.name}**. Members keep the role.`, note].filter(Boolean).join(' ') });
          },
          { ephemeral: true },
        ),
    }),
    edit: sub({
      description: "Change a menu's mode, style, text or limits (the posted menu follows)",
      options: {
        name: nameOption,
        mode: opt.string('toggle · unique · add-only', { choices: ROLE_MENU_MODES.map((m) => ({ name: m, value: m })) }),
        style: opt.string('Buttons or a select menu', { choices: ROLE_MENU_STYLES.map((s) => ({ name: s, value: s })) }),
        description: opt.string('Text above the roles', { maxLength: 1000 }),
        required_role: opt.role('Only members with this role may use the menu'),
        max: opt.integer('Roles of this menu one member may hold at once (0: no limit)', { minValue: 0, maxValue: MAX_MENU_ROLES }),
        anyone: opt.boolean('True: drop the required role'),
      },
      handler: async (ctx, { name, mode, style, description, required_role, max, anyone }) =>
        ctx.defer(
          async () => {
            const menu = await menuNamed(ctx, name);
            const patch = {
              ...(mode ? { mode: mode as RoleMenu['mode'] } : {}),
              ...(style ? { style: style as RoleMenu['style'] } : {}),
              ...(description !== undefined ? { description } : {}),
              ...(required_role ? { requiredRoleId: required_role.id } : anyone ? { requiredRoleId: null } : {}),
              ...(max !== undefined ? { maxPerMember: max === 0 ? null : max } : {}),
            };
            if (Object.keys(patch).length === 0) throw new UserError('nothing_to_change', 'Say what to change: mode, style, description, required_role, anyone or max.');
            const repo = new GuildRoleMenus(ctx.db, ctx.guild);
            await repo.update(menu.id, patch);
            const note = await refreshPosted(ctx, (await repo.byId(menu.id))!);
            await ctx.editOriginal({ content: [`Updated **${menu.name}**.`, note].filter(Boolean).join(' ') });
          },
          { ephemeral: true },
        ),
    }),
    post: sub({
      description: 'Post a menu in a channel',
      options: {
        name: nameOption,
        channel: opt.channel('Where to post it', { required: true, channelTypes: [ChannelType.GuildText, ChannelType.GuildAnnouncement] }),
      },
      handler: async (ctx, { name, channel }) =>
        ctx.defer(
          async () => {
            const menu = await menuNamed(ctx, name);
            if (menu.options.length === 0) throw new UserError('menu_empty', `**${menu.name}** has no roles yet. Add some with \`/rolemenu add\`.`);
            let messageId: string;
            try {
              messageId = (await ctx.discord.channels.createMessage(channel.id, menuMessage(menu))).id;
            } catch (error) {
              if (error instanceof DiscordApiError) throw new UserError('post_failed', describeDiscordError(error, `post in <#${channel.id}>`));
              throw error;
            }
            await new GuildRoleMenus(ctx.db, ctx.guild).setPosted(menu.id, channel.id, messageId);
            const moved = menu.messageId && menu.channelId ? ` The earlier post in <#${menu.channelId}> keeps working but is no longer updated.` : '';
            await ctx.editOriginal({ content: `Posted **${menu.name}** in <#${channel.id}>.${moved}` });
          },
          { ephemeral: true },
        ),
    }),
    list: sub({
      description: "List the server's role menus",
      handler: async (ctx) => {
        const rows = await new GuildRoleMenus(ctx.db, ctx.guild).list();
        if (rows.length === 0) return ctx.reply({ ephemeral: true, content: 'There are no role menus yet. Create one with `/rolemenu create`.' });
        const lines = rows.map(
          (m) =>
            `**${m.name}** · ${m.mode} · ${m.style}${m.maxPerMember ? ` · max ${m.maxPerMember}` : ''}${m.requiredRoleId ? ` · needs <@&${m.requiredRoleId}>` : ''} · ${m.channelId && m.messageId ? `[posted](https://discord.com/channels/${m.guildId}/${m.channelId}/${m.messageId})` : 'not posted'}`,
        );
        return ctx.reply({ ephemeral: true, embeds: [{ title: `Role menus (${rows.length})`, description: lines.join('\n').slice(0, 4096) }] });
      },
    }),
    delete: sub({
      description: 'Delete a menu (and its posted message)',
      options: { name: nameOption },
      handler: async (ctx, { name }) =>
        ctx.defer(
          async () => {
            const row = await new GuildRoleMenus(ctx.db, ctx.guild).delete(name.trim());
            if (!row) throw new UserError('unknown_menu', `There is no role menu named \`${name.trim().slice(0, 64)}\`.`);
            let note = '';
            if (row.channelId && row.messageId) {
              try {
                await ctx.discord.channels.deleteMessage(row.channelId, row.messageId, `Role menu "${row.name}" deleted`);
              } catch (error) {
                const gone = error instanceof DiscordApiError && (error.code === RESTJSONErrorCodes.UnknownMessage || error.code === RESTJSONErrorCodes.UnknownChannel);
                if (!gone) note = ` I couldn't delete its posted message; its buttons now answer that the menu is gone.`;
              }
            }
            await ctx.editOriginal({ content: `Deleted the role menu **${row.name}**. Members keep their roles.${note}` });
          },
          { ephemeral: true },
        ),
    }),
  },
});
