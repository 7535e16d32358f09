import { defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { GuildCurrencies } from '../currencies.repo';
import { checkMember, currencyOption, formatAmount } from '../economy.view';
import { awardEffects, claimAward, GuildMilestones } from '../milestones.service';
import { createMilestone } from '../manage.service';

/** `/milestone create|list|grant` (administrators create, moderators grant). */
export const milestoneCommand = defineCommandGroup({
  name: 'milestone',
  description: 'Milestones members reach once',
  subcommands: {
    create: sub({
      description: 'A milestone on a balance or on a count of messages',
      level: 'administrator',
      options: {
        name: opt.string('Name', { required: true, maxLength: 32 }),
        threshold: opt.integer('Balance (or number of messages) that reaches it', { required: true }),
        currency: currencyOption('Balance of this currency (omit for a message count)'),
        role: opt.role('Role to give'),
        reward_currency: currencyOption('Currency to reward'),
        reward_amount: opt.integer('Amount to reward'),
        channel: opt.channel('Where to announce (default: the economy_announcements channel)'),
      },
      handler: async (ctx, o) => {
        const { row, currency, reward } = await createMilestone(ctx.db, ctx.config, ctx.user.id, {
          name: o.name,
          threshold: o.threshold,
          currency: o.currency ?? null,
          roleId: o.role?.id ?? null,
          rewardCurrency: o.reward_currency ?? null,
          rewardAmount: o.reward_amount ?? null,
          channelId: o.channel?.id ?? null,
        }).catch((error: unknown) => {
          // The shared service names the dashboard's field first; the command's options differ.
          if (error instanceof UserError) throw new UserError(error.code, error.message.replace(/^\w+: /, ''));
          throw error;
        });
        const name = row.name;
        const what = currency ? `${formatAmount(currency, o.threshold)}` : `${o.threshold} messages`;
        return ctx.reply({ ephemeral: true, content: `Created the milestone \`${name}\`: reached at ${what}${row.roleId ? `, gives <@&${row.roleId}>` : ''}${reward ? `, rewards ${formatAmount(reward, o.reward_amount!)}` : ''}.` });
      },
    }),
    list: sub({
      description: "The server's milestones",
      handler: async (ctx) => {
        const rows = await new GuildMilestones(ctx.db, ctx.guild).list();
        const currencies = new Map((await new GuildCurrencies(ctx.db, ctx.guild).list()).map((c) => [c.id, c]));
        const lines = rows.map((m) => {
          const c = m.currencyId ? currencies.get(m.currencyId) : undefined;
          const at = m.kind === 'wallet' ? (c ? formatAmount(c, m.threshold) : `${m.threshold} (deleted currency)`) : `${m.threshold} messages`;
          return `\`${m.name}\`: ${at}${m.roleId ? ` → <@&${m.roleId}>` : ''} · reached by ${m.awarded}`;
        });
        return ctx.reply({ ephemeral: true, content: lines.join('\n') || 'No milestones yet: `/milestone create`.' });
      },
    }),
    grant: sub({
      description: 'Grant a milestone to a member by hand (once)',
      level: 'moderator',
      options: { name: opt.string('Milestone', { required: true, maxLength: 32 }), member: opt.user('Who', { required: true }) },
      handler: async (ctx, { name, member }) => {
        checkMember(ctx, member, 'grant a milestone to', { self: true });
        const m = await new GuildMilestones(ctx.db, ctx.guild).find(name);
        if (!m) throw new UserError('unknown_milestone', `There is no milestone \`${name.slice(0, 32)}\`. See \`/milestone list\`.`);
        if (!(await claimAward(ctx.db, m, member.id, 'granted'))) throw new UserError('already_reached', `<@${member.id}> already has \`${m.name}\`.`);
        await ctx.config.audited(ctx.user.id, 'economy.milestone.grant', null, { milestone: m.id, member: member.id });
        return ctx.defer(async () => {
          const problems = await awardEffects(ctx, m, member.id);
          await ctx.editOriginal({ content: `Granted \`${m.name}\` to <@${member.id}>.${problems.length ? ` But: ${problems.join('; ')}.` : ''}` });
        }, { ephemeral: true });
      },
    }),
  },
});
