import { ButtonStyle, ChannelType, ComponentType } from 'discord-api-types/v10';
import { defineCommandGroup, opt, sub } from '../../../core/define';
import { opsModmailSubcommands } from './ops.subcommands';
import { encodeCustomId } from '../../../core/custom-id';
import { UserError } from '../../../core/errors';
import { clip } from '../card';
import { GuildCategories, MAX_CATEGORIES } from '../categories.repo';
import { MODMAIL_SETTINGS_KEY, modmailSettingsSchema } from '../config';
import { ticketMember } from '../interaction';
import { openTicket } from '../objects';
import { beginOpen, beginOpenFromDm } from '../open.flow';
import type { CategoryQuestion } from '../schema';

/** `q1 | q2 | q3` → up to five paragraph questions. */
function parseQuestions(raw: string | undefined): CategoryQuestion[] {
  if (!raw) return [];
  const labels = raw.split('|').map((s) => s.trim()).filter(Boolean);
  if (labels.length > 5) throw new UserError('too_many_questions', 'A category asks at most 5 questions (one modal).');
  const long = labels.find((l) => l.length > 45);
  if (long) throw new UserError('question_too_long', `"${clip(long, 60)}" is longer than 45 characters (Discord's limit for a question).`);
  return labels.map((label) => ({ label, style: 'paragraph', required: true, maxLength: 1000 }));
}

/** `/modmail open|panel|contact|category …|settings`. */
export const modmailCommand = defineCommandGroup({
  name: 'modmail',
  description: 'Contact the staff privately, or manage modmail',
  // `open` works in the bot's DMs too; every other subcommand stays guild-only.
  guildOnly: false,
  subcommands: {
    ...opsModmailSubcommands,
    open: sub({
      description: 'Open a private conversation with the staff',
      guildOnly: false,
      handler: async (ctx) => (ctx.guildId ? beginOpen(ctx, ctx.guildId, 'command') : beginOpenFromDm(ctx)),
    }),
    panel: sub({
      description: 'Post the "Contact staff" panel in a channel',
      guildOnly: true,
      level: 'administrator',
      options: {
        channel: opt.channel('Where to post it (default: here)', { channelTypes: [ChannelType.GuildText, ChannelType.GuildAnnouncement] }),
        text: opt.string('What the panel says', { maxLength: 1000 }),
      },
      handler: async (ctx, { channel, text }) => {
        const channelId = channel?.id ?? ctx.interaction.channel?.id ?? ctx.interaction.channel_id;
        if (!channelId) throw new UserError('no_channel', 'Name a channel to post the panel in.');
        return ctx.defer(
          async () => {
            await ctx.discord.channels.createMessage(channelId, {
              embeds: [{ title: 'Contact staff', description: text ?? 'Need to talk to the staff privately? Press the button below. Only staff read it.', color: 0x5865f2 }],
              components: [
                { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Contact staff', custom_id: encodeCustomId('modmail.panel') }] },
              ],
              allowed_mentions: { parse: [] },
            });
            await ctx.editOriginal(`Posted the panel in <#${channelId}>.`);
          },
          { ephemeral: true },
        );
      },
    }),
    contact: sub({
      description: 'Open a ticket with a member and DM them',
      guildOnly: true,
      level: 'helper',
      options: { member: opt.user('Who to contact', { required: true }), reason: opt.string('What it is about (sent to the member)', { required: true, maxLength: 1000 }) },
      handler: async (ctx, { member, reason }) => {
        if (member.user.bot) throw new UserError('bot_member', 'Bots have no DMs to write to.');
        if (!member.member) throw new UserError('not_a_member', `<@${member.id}> is not a member of this server.`);
        return ctx.defer(
          async () => {
            const outcome = await openTicket(ctx.env, {
              guildId: ctx.guild,
              member: ticketMember(member.user),
              via: 'contact',
              openedBy: ctx.user.id,
              subject: reason,
              sourceId: ctx.interaction.id,
            }, ctx);
            if (!outcome.ok) throw new UserError(outcome.refusal.code, outcome.refusal.message);
            const where = outcome.ticket.threadId ? ` in <#${outcome.ticket.threadId}>` : '';
            await ctx.editOriginal(
              outcome.created ? `Opened ticket #${outcome.ticket.id} with <@${member.id}>${where}.` : `<@${member.id}> already has an open ticket (#${outcome.ticket.id})${where}.`,
            );
          },
          { ephemeral: true },
        );
      },
    }),
  },
  groups: {
    category: {
      description: 'The kinds of request the panel offers',
      subcommands: {
        add: sub({
          description: 'Add a category',
          guildOnly: true,
          level: 'administrator',
          options: {
            name: opt.string('Its name', { required: true, maxLength: 80 }),
            questions: opt.string('Up to 5 questions separated by |', { maxLength: 250 }),
            description: opt.string('A line under its name', { maxLength: 100 }),
            role: opt.role('Staff role pinged on its tickets'),
            destination: opt.channel('Where its threads go (text channel or forum; default: the modmail channel)', {
              channelTypes: [ChannelType.GuildText, ChannelType.GuildForum],
            }),
          },
          handler: async (ctx, { name, questions, description, role, destination }) => {
            const categories = new GuildCategories(ctx.db, ctx.guild);
            if ((await categories.list()).length >= MAX_CATEGORIES) throw new UserError('too_many_categories', `A server has at most ${MAX_CATEGORIES} categories.`);
            const row = await categories.add({
              name: name.trim(),
              description: description ?? null,
              questions: parseQuestions(questions),
              staffRoleId: role?.id ?? null,
              destinationId: destination?.id ?? null,
              createdBy: ctx.user.id,
            });
            if (!row) throw new UserError('category_exists', `A category named "${clip(name, 80)}" exists already.`);
            await ctx.config.audited(ctx.user.id, 'modmail.category.add', null, { id: row.id, name: row.name });
            return ctx.reply({ content: `Added the category **${row.name}** (${row.questions.length || 1} question${row.questions.length === 1 ? '' : 's'}).`, ephemeral: true });
          },
        }),
        remove: sub({
          description: 'Remove a category (its open tickets keep it)',
          guildOnly: true,
          level: 'administrator',
          options: { name: opt.string('Its name', { required: true, maxLength: 80 }) },
          handler: async (ctx, { name }) => {
            const row = await new GuildCategories(ctx.db, ctx.guild).remove(name.trim());
            if (!row) throw new UserError('unknown_category', `There is no category named "${clip(name, 80)}".`);
            await ctx.config.audited(ctx.user.id, 'modmail.category.remove', { id: row.id, name: row.name }, null);
            return ctx.reply({ content: `Removed the category **${row.name}**.`, ephemeral: true });
          },
        }),
        list: sub({
          description: 'List the categories',
          guildOnly: true,
          level: 'helper',
          handler: async (ctx) => {
            const rows = await new GuildCategories(ctx.db, ctx.guild).list();
            const lines = rows.map((c) => `**${c.name}**${c.staffRoleId ? ` · <@&${c.staffRoleId}>` : ''}${c.destinationId ? ` · <#${c.destinationId}>` : ''} · ${c.questions.length || 1} question(s)`);
            return ctx.reply({ content: clip(lines.join('\n') || 'No categories: the panel asks one question, "How can we help?".', 2000), ephemeral: true });
          },
        }),
      },
    },
  },
  // Settings are a group of their own so the panel's options stay short.
});

/** `/modmail-settings`: the anonymous name, the staff role, the greeting, DM opening. */
export const modmailSettingsCommand = defineCommandGroup({
  name: 'modmail-settings',
  description: 'Modmail settings',
  level: 'administrator',
  subcommands: {
    show: sub({
      description: 'Show the modmail settings',
      handler: async (ctx) => {
        const s = await ctx.config.settings(MODMAIL_SETTINGS_KEY, modmailSettingsSchema);
        const channel = await ctx.config.channel('modmail');
        return ctx.reply({
          content: [
            `Channel: ${channel ? `<#${channel}>` : 'not set (`/config channel set modmail`)'}`,
            `Anonymous name: ${s.anonymousName}`,
            `Staff role: ${s.staffRoleId ? `<@&${s.staffRoleId}>` : 'none'}`,
            `Plain DMs open tickets: ${s.dmOpen ? 'yes' : 'no'}`,
            `Greeting: ${s.greeting}`,
          ].join('\n'),
          ephemeral: true,
        });
      },
    }),
    set: sub({
      description: 'Change modmail settings',
      options: {
        anonymous_name: opt.string('Name anonymous replies are signed with', { maxLength: 80 }),
        staff_role: opt.role('Role pinged on new tickets (when their category names none)'),
        greeting: opt.string('First DM to the member; {server} is the server name', { maxLength: 1500 }),
        dm_open: opt.boolean('Whether a plain DM to the bot may open a ticket here'),
      },
      handler: async (ctx, { anonymous_name, staff_role, greeting, dm_open }) => {
        await ctx.config.updateSettings(ctx.user.id, MODMAIL_SETTINGS_KEY, modmailSettingsSchema, (current) => ({
          ...current,
          ...(anonymous_name !== undefined ? { anonymousName: anonymous_name } : {}),
          ...(staff_role !== undefined ? { staffRoleId: staff_role.id } : {}),
          ...(greeting !== undefined ? { greeting } : {}),
          ...(dm_open !== undefined ? { dmOpen: dm_open } : {}),
        }));
        return ctx.reply({ content: 'Saved the modmail settings.', ephemeral: true });
      },
    }),
  },
});
