import { defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { GuildCurrencies } from '../currencies.repo';
import { checkMember, currencyOption, formatAmount } from '../economy.view';
import { awardEffects, claimAward, GuildMilestones } from '../milestones.service';

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
        const name = o.name.trim().toLowerCase();
        if (!/^[\p{L}\p{N} _-]{1,32}$/u.test(name)) throw new UserError('bad_name', 'A milestone name is 1–32 letters, digits, spaces, - or _.');
        if (!Number.isInteger(o.threshold) || o.threshold < 1 || o.threshold > 1_000_000_000_000) throw new UserError('bad_threshold', 'The threshold is a whole number from 1.');
        const repo = new GuildCurrencies(ctx.db, ctx.guild);
        const currency = o.currency ? await repo.find(o.currency) : undefined;
        if (o.currency && !currency) throw new UserError('unknown_currency', `There is no currency \`${o.currency.slice(0, 40)}\`.`);
        const reward = o.reward_currency ? await repo.find(o.reward_currency) : undefined;
        if (o.reward_currency && !reward) throw new UserError('unknown_currency', `There is no currency \`${o.reward_currency.slice(0, 40)}\`.`);
        if ((reward === undefined) !== (o.reward_amount === undefined)) throw new UserError('reward_pair', 'Give both `reward_currency` and `reward_amount`, or neither.');
        if (o.reward_amount !== undefined && (!Number.isInteger(o.reward_amount) || o.reward_amount < 1 || o.reward_amount > 1_000_000_000)) throw new UserError('bad_amount', 'The reward is a whole number from 1 to 1,000,000,000.');
        const row = await new GuildMilestones(ctx.db, ctx.guild).create({
          name,
          kind: currency ? 'wallet' : 'events',
          currencyId: currency?.id ?? null,
          eventType: currency ? null : 'MESSAGE_CREATE',
          threshold: o.threshold,
          roleId: o.role?.id ?? null,
          rewardCurrencyId: reward?.id ?? null,
          rewardAmount: o.reward_amount ?? null,
          announceChannelId: o.channel?.id ?? null,
          createdBy: ctx.user.id,
        });
        if (!row) throw new UserError('milestone_exists', `A milestone named \`${name}\` already exists.`);
        await ctx.config.audited(ctx.user.id, 'economy.milestone.create', null, { id: row.id, name, threshold: o.threshold, currency: currency?.name ?? 'messages' });
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
