import { ChannelType, type APIEmbed } from 'discord-api-types/v10';
import { defineCommandGroup, opt, sub } from '../../../core/define';
import type { AutocompleteContext } from '../../../core/context';
import { UserError } from '../../../core/errors';
import { STAFF_LEVELS, STAFF_LEVEL_LABELS, type StaffLevel } from '../../../core/staff';
import { assertModule, assertPurpose, channelPurposes, toggleableModules } from '../config.service';

const levelChoices = STAFF_LEVELS.filter((l) => l !== 'everyone').map((l) => ({ name: STAFF_LEVEL_LABELS[l], value: l }));

const suggest = (values: string[], typed: string) =>
  values.filter((v) => v.includes(typed.toLowerCase())).slice(0, 25).map((v) => ({ name: v, value: v }));

const purposeOption = opt.string('What the channel is for', {
  required: true,
  autocomplete: async (ctx: AutocompleteContext, typed) => suggest([...channelPurposes(ctx.registry).keys()], typed),
});

const moduleOption = opt.string('Module name', {
  required: true,
  autocomplete: async (ctx: AutocompleteContext, typed) => suggest(toggleableModules(ctx.registry), typed),
});

/** `/config …`: the server's channels, staff roles and modules (administrators). */
export const configCommand = defineCommandGroup({
  name: 'config',
  description: 'Configure Gatehouse for this server',
  level: 'administrator',
  defaultMemberPermissions: '32', // Manage Server: hides the command from members in Discord's UI.
  subcommands: {
    show: sub({
      description: 'Show the configuration of this server',
      handler: async (ctx) => {
        const snapshot = await ctx.config.snapshot();
        const purposes = channelPurposes(ctx.registry);
        const channels = [...purposes.keys()].map((p) => `\`${p}\` → ${snapshot.channels[p] ? `<#${snapshot.channels[p]}>` : '*not set*'}`);
        const byLevel = new Map<StaffLevel, string[]>();
        for (const { roleId, level } of snapshot.staffRoles) byLevel.set(level, [...(byLevel.get(level) ?? []), `<@&${roleId}>`]);
        const roles = [...STAFF_LEVELS]
          .reverse()
          .filter((l) => byLevel.has(l))
          .map((l) => `**${STAFF_LEVEL_LABELS[l]}**: ${byLevel.get(l)!.join(' ')}`);
        const modules = ctx.registry.features
          .filter((f) => f.toggleable !== false)
          .map((f) => `${(snapshot.modules[f.name] ?? f.enabledByDefault ?? true) ? '✅' : '⛔'} \`${f.name}\``);
        const embed: APIEmbed = {
          title: 'Gatehouse configuration',
          fields: [
            { name: 'Channels', value: channels.join('\n') || '*none declared*' },
            { name: 'Staff roles', value: roles.join('\n') || '*none: only administrators are staff*' },
            { name: 'Modules', value: modules.join('\n') || '*none*' },
          ],
        };
        return ctx.reply({ embeds: [embed], ephemeral: true });
      },
    }),
  },
  groups: {
    channel: {
      description: 'Map a channel to a purpose',
      subcommands: {
        set: sub({
          description: 'Use a channel for a purpose',
          options: {
            purpose: purposeOption,
            channel: opt.channel('The channel', { required: true, channelTypes: [ChannelType.GuildText, ChannelType.GuildAnnouncement] }),
          },
          handler: async (ctx, { purpose, channel }) => {
            assertPurpose(ctx.registry, purpose);
            await ctx.config.setChannel(ctx.user.id, purpose, channel.id);
            return ctx.reply({ content: `\`${purpose}\` now goes to <#${channel.id}>.`, ephemeral: true });
          },
        }),
        unset: sub({
          description: 'Stop using a channel for a purpose',
          options: { purpose: purposeOption },
          handler: async (ctx, { purpose }) => {
            assertPurpose(ctx.registry, purpose);
            await ctx.config.setChannel(ctx.user.id, purpose, null);
            return ctx.reply({ content: `\`${purpose}\` is no longer set.`, ephemeral: true });
          },
        }),
      },
    },
    role: {
      description: 'Map a role to a staff level',
      subcommands: {
        set: sub({
          description: 'Give a role a staff level',
          options: {
            level: opt.string('Staff level', { required: true, choices: levelChoices }),
            role: opt.role('The role', { required: true }),
          },
          handler: async (ctx, { level, role }) => {
            if (!(STAFF_LEVELS as readonly string[]).includes(level) || level === 'everyone') {
              throw new UserError('unknown_level', `Unknown staff level \`${level}\`.`);
            }
            if (role.id === ctx.guild) throw new UserError('everyone_role', 'The @everyone role cannot be a staff role.');
            await ctx.config.setStaffRole(ctx.user.id, role.id, level as StaffLevel);
            return ctx.reply({ content: `<@&${role.id}> is now **${STAFF_LEVEL_LABELS[level as StaffLevel]}**.`, ephemeral: true });
          },
        }),
        unset: sub({
          description: 'Remove a role from the staff levels',
          options: { role: opt.role('The role', { required: true }) },
          handler: async (ctx, { role }) => {
            await ctx.config.setStaffRole(ctx.user.id, role.id, null);
            return ctx.reply({ content: `<@&${role.id}> no longer grants a staff level.`, ephemeral: true });
          },
        }),
      },
    },
    module: {
      description: 'Turn a module on or off',
      subcommands: {
        enable: sub({
          description: 'Turn a module on',
          options: { name: moduleOption },
          handler: async (ctx, { name }) => {
            assertModule(ctx.registry, name);
            await ctx.config.setModule(ctx.user.id, name, true);
            return ctx.reply({ content: `Module \`${name}\` is on.`, ephemeral: true });
          },
        }),
        disable: sub({
          description: 'Turn a module off',
          options: { name: moduleOption },
          handler: async (ctx, { name }) => {
            assertModule(ctx.registry, name);
            await ctx.config.setModule(ctx.user.id, name, false);
            return ctx.reply({ content: `Module \`${name}\` is off.`, ephemeral: true });
          },
        }),
      },
    },
  },
});
