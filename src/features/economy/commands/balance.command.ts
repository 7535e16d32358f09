import { defineCommand, opt } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { GuildCurrencies } from '../currencies.repo';
import { currencyOption, formatAmount } from '../economy.view';
import { balanceOf } from '../public';

/** `/balance [member] [currency]`: a member's balances (yours by default). */
export const balanceCommand = defineCommand({
  name: 'balance',
  description: "Show your balance, or another member's",
  options: { member: opt.user('Whose balance (default: yours)'), currency: currencyOption('Only this currency') },
  handler: async (ctx, { member, currency }) => {
    const userId = member?.id ?? ctx.user.id;
    const repo = new GuildCurrencies(ctx.db, ctx.guild);
    let list = (await repo.list()).filter((c) => !c.archived);
    if (currency) {
      const one = await repo.find(currency);
      if (!one) throw new UserError('unknown_currency', `There is no currency \`${currency.trim().slice(0, 40)}\`. See \`/currency list\`.`);
      list = [one];
    }
    if (list.length === 0) throw new UserError('no_currency', 'This server has no currency yet. An administrator can add one with `/currency create`.');
    const lines = await Promise.all(
      list.map(async (c) => {
        const now = await balanceOf(ctx.db, ctx.guild, c.id, userId);
        const all = c.seasonal ? await balanceOf(ctx.db, ctx.guild, c.id, userId, 'all') : null;
        return `${formatAmount(c, now)}${all !== null ? ` (season ${c.season}; all-time ${all.toLocaleString('en-US')})` : ''}`;
      }),
    );
    return ctx.reply({ ephemeral: true, content: `**<@${userId}>**\n${lines.join('\n')}` });
  },
});
