import { ButtonStyle, ChannelType, ComponentType, type APIRole } from 'discord-api-types/v10';
import type { CommandContext } from '../../../core/context';
import { encodeCustomId } from '../../../core/custom-id';
import { defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { DiscordApiError, describeDiscordError } from '../../../discord';
import { ApplicationsRepo } from '../applications.repo';
import { GATE_SETTINGS_KEY, gateSettingsSchema, roleProblem, unverifiedProblem, type GateSettings } from '../config';
import { MAX_QUESTIONS, QuestionsRepo } from '../questions.repo';
import { addQuestion, removeQuestion } from '../questions.service';

const textChannels = [ChannelType.GuildText, ChannelType.GuildAnnouncement];

function assertAssignable(ctx: CommandContext, role: APIRole, what: string): void {
  const problem = roleProblem(ctx.guild, role, what);
  if (problem) throw new UserError('gate_bad_role', problem);
}

/** Changes the gate settings from their current value (reread and retried if another change lands first). */
function updateSettings(ctx: CommandContext, change: (current: GateSettings) => GateSettings): Promise<GateSettings> {
  return ctx.config.updateSettings(ctx.user.id, GATE_SETTINGS_KEY, gateSettingsSchema, change);
}

function describeSettings(s: GateSettings, review: string | null, welcome: string | null): string {
  const role = (id: string | null) => (id ? `<@&${id}>` : '*none*');
  return [
    `**Review channel:** ${review ? `<#${review}>` : '*not set*'}`,
    `**Accepted roles:** ${s.acceptedRoleIds.map((r) => `<@&${r}>`).join(' ') || '*none*'}`,
    `**Unverified role:** ${role(s.unverifiedRoleId)}`,
    `**Welcome channel:** ${welcome ? `<#${welcome}>` : '*not set*'}`,
    `**Welcome message:** ${s.welcomeTemplate}`,
    `**Cooldown after rejection:** ${s.cooldownHours} h`,
    `**Flag accounts younger than:** ${s.youngAccountDays > 0 ? `${s.youngAccountDays} days` : '*off*'}`,
    `**Stale alerts ping:** ${role(s.reviewerRoleId)} (24 h, 48 h), ${role(s.adminRoleId)} (72 h)`,
  ].join('\n');
}

/** `/gate …`: set up the gate, edit the form, post the gate message, lift blocks. */
export const gateCommand = defineCommandGroup({
  name: 'gate',
  description: 'Set up the application gate',
  level: 'administrator',
  defaultMemberPermissions: '32',
  subcommands: {
    setup: sub({
      description: 'Channels, roles, welcome message and limits of the gate',
      options: {
        review_channel: opt.channel('Where review cards are posted', { required: true, channelTypes: textChannels }),
        accepted_role: opt.role('Role given on acceptance', { required: true }),
        accepted_role_2: opt.role('Another role given on acceptance'),
        accepted_role_3: opt.role('Another role given on acceptance'),
        unverified_role: opt.role('Role new members hold until accepted (removed on acceptance)'),
        welcome_channel: opt.channel('Where accepted members are welcomed', { channelTypes: textChannels }),
        welcome_message: opt.string('Welcome text; placeholders {user}, {server}, {memberCount}', { maxLength: 1500 }),
        cooldown_hours: opt.integer('Hours before a rejected applicant may apply again', { minValue: 0, maxValue: 8760 }),
        young_account_days: opt.integer('Flag accounts younger than this many days (0: off)', { minValue: 0, maxValue: 3650 }),
        reviewer_role: opt.role('Pinged when applications wait 24 h and 48 h'),
        admin_role: opt.role('Pinged when applications wait 72 h'),
      },
      handler: async (ctx, o) => {
        const accepted = [o.accepted_role, o.accepted_role_2, o.accepted_role_3].filter((r): r is APIRole => Boolean(r));
        for (const role of accepted) assertAssignable(ctx, role, 'accepted role');
        if (o.unverified_role) assertAssignable(ctx, o.unverified_role, 'unverified role');
        const clash = unverifiedProblem(accepted.map((r) => r.id), o.unverified_role?.id ?? null);
        if (clash) throw new UserError('gate_bad_role', clash);
        const next = await updateSettings(ctx, (current) => ({
          ...current,
          acceptedRoleIds: [...new Set(accepted.map((r) => r.id))],
          unverifiedRoleId: o.unverified_role?.id ?? current.unverifiedRoleId,
          welcomeTemplate: o.welcome_message ?? current.welcomeTemplate,
          cooldownHours: o.cooldown_hours ?? current.cooldownHours,
          youngAccountDays: o.young_account_days ?? current.youngAccountDays,
          reviewerRoleId: o.reviewer_role?.id ?? current.reviewerRoleId,
          adminRoleId: o.admin_role?.id ?? current.adminRoleId,
        }));
        await ctx.config.setChannel(ctx.user.id, 'review', o.review_channel.id);
        if (o.welcome_channel) await ctx.config.setChannel(ctx.user.id, 'welcome', o.welcome_channel.id);
        const welcome = await ctx.config.channel('welcome');
        return ctx.reply({ content: `Gate settings saved.\n${describeSettings(next, o.review_channel.id, welcome)}`, ephemeral: true });
      },
    }),
    post: sub({
      description: 'Post the gate message with its Apply button',
      options: {
        channel: opt.channel('Where to post it', { required: true, channelTypes: textChannels }),
        message: opt.string('Text of the gate message', { maxLength: 2000 }),
      },
      handler: async (ctx, { channel, message }) => {
        const questions = await new QuestionsRepo(ctx.db, ctx.guild).list();
        if (questions.length === 0) throw new UserError('gate_no_questions', 'Add at least one question first: `/gate questions add`.');
        let posted;
        try {
          posted = await ctx.discord.channels.createMessage(channel.id, {
            embeds: [{ title: 'Apply to join', description: message ?? 'This server reviews new members. Press **Apply** and answer a few questions; staff will get back to you.' }],
            components: [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Success, label: 'Apply', custom_id: encodeCustomId('gate.apply') }] }],
            allowed_mentions: { parse: [] },
          });
        } catch (error) {
          if (error instanceof DiscordApiError) throw new UserError('gate_post_failed', describeDiscordError(error, `post in <#${channel.id}>`));
          throw error;
        }
        await updateSettings(ctx, (current) => ({ ...current, gateChannelId: channel.id, gateMessageId: posted.id }));
        return ctx.reply({ content: `Gate message posted in <#${channel.id}>.`, ephemeral: true });
      },
    }),
    unblock: sub({
      description: 'Let a permanently rejected user apply again',
      level: 'moderator',
      options: { user: opt.user('Who', { required: true }) },
      handler: async (ctx, { user }) => {
        const repo = new ApplicationsRepo(ctx.db, ctx.guild);
        const block = await repo.block(user.id);
        if (!block) throw new UserError('gate_not_blocked', `<@${user.id}> is not blocked.`);
        await ctx.config.audited(ctx.user.id, 'gate.unblock', { userId: user.id, reason: block.reason }, null, repo.unblockStatement(user.id));
        return ctx.reply({ content: `<@${user.id}> may apply again.`, ephemeral: true });
      },
    }),
  },
  groups: {
    questions: {
      description: 'Edit the application form',
      subcommands: {
        add: sub({
          description: `Add a question (at most ${MAX_QUESTIONS})`,
          options: {
            label: opt.string('The question', { required: true, maxLength: 45 }),
            style: opt.string('Answer box', { choices: [{ name: 'one line', value: 'short' }, { name: 'paragraph', value: 'paragraph' }] }),
            required: opt.boolean('Must be answered (default yes)'),
            min_length: opt.integer('Shortest answer', { minValue: 0, maxValue: 4000 }),
            max_length: opt.integer('Longest answer', { minValue: 1, maxValue: 4000 }),
          },
          handler: async (ctx, o) => {
            const question = { label: o.label, style: o.style === 'paragraph' ? 'paragraph' : 'short', required: o.required ?? true, minLength: o.min_length ?? null, maxLength: o.max_length ?? null };
            const after = await addQuestion(ctx, ctx.user.id, question);
            return ctx.reply({ content: `Question ${after.length} added. The form has ${after.length} question(s) on ${Math.ceil(after.length / 5)} page(s).`, ephemeral: true });
          },
        }),
        remove: sub({
          description: 'Remove a question by its number',
          options: { number: opt.integer('Number shown by /gate questions list', { required: true, minValue: 1, maxValue: MAX_QUESTIONS }) },
          handler: async (ctx, { number }) => {
            const listed = (await new QuestionsRepo(ctx.db, ctx.guild).list())[number - 1];
            if (!listed) throw new UserError('gate_no_question', `There is no question ${number}.`);
            const question = await removeQuestion(ctx, ctx.user.id, listed.id);
            return ctx.reply({ content: `Removed question ${number}: "${question.label}".`, ephemeral: true });
          },
        }),
        list: sub({
          description: 'Show the form',
          handler: async (ctx) => {
            const questions = await new QuestionsRepo(ctx.db, ctx.guild).list();
            const lines = questions.map(
              (q, i) =>
                `**${i + 1}.** ${q.label} · ${q.style}${q.required ? ' · required' : ''}${q.minLength !== null ? ` · min ${q.minLength}` : ''}${q.maxLength !== null ? ` · max ${q.maxLength}` : ''}`,
            );
            return ctx.reply({ content: lines.join('\n') || 'The form has no questions yet: `/gate questions add`.', ephemeral: true });
          },
        }),
        clear: sub({
          description: 'Remove every question',
          handler: async (ctx) => {
            const repo = new QuestionsRepo(ctx.db, ctx.guild);
            const before = await repo.list();
            await ctx.config.audited(ctx.user.id, 'gate.question.clear', before, null, repo.clearStatement());
            return ctx.reply({ content: `Removed ${before.length} question(s).`, ephemeral: true });
          },
        }),
      },
    },
  },
});
