import { defineCommand } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { GuildCurrencies } from '../currencies.repo';
import { currencyOption, formatAmount } from '../economy.view';
import { applyChangeAndNotify } from '../public';

/**
 * `/daily [currency]`: claims the daily reward of every currency that has one (or one). The
 * cooldown is a window per currency (`daily_cooldown_s`, a UTC day by default): the ledger key
 * `daily:<currency>:<member>:<window>` lets one claim per window through, however many race.
 */
export const dailyCommand = defineCommand({
  name: 'daily',
  description: 'Claim your daily reward',
  options: { currency: currencyOption('Only this currency') },
  handler: async (ctx, { currency: name }) => {
    const repo = new GuildCurrencies(ctx.db, ctx.guild);
    let list = (await repo.list()).filter((c) => !c.archived && c.kind === 'spendable' && c.dailyAmount);
    if (name) {
      const wanted = name.trim().toLowerCase();
      list = list.filter((c) => c.name === wanted || c.id === name.trim());
      if (list.length === 0) throw new UserError('no_daily', `\`${name.trim().slice(0, 40)}\` has no daily reward. See \`/currency list\`.`);
    }
    if (list.length === 0) throw new UserError('no_daily', 'No currency of this server has a daily reward.');
    const now = Date.now();
    const lines: string[] = [];
    for (const c of list) {
      const windowMs = c.dailyCooldownS * 1000;
      const window = Math.floor(now / windowMs);
      const result = await applyChangeAndNotify(ctx, {
        guildId: ctx.guild,
        currencyId: c.id,
        userId: ctx.user.id,
        amount: c.dailyAmount!,
        direction: 'credit',
        source: 'daily',
        idempotencyKey: `daily:${c.id}:${ctx.user.id}:${window}`,
        actorId: ctx.user.id,
      });
      const next = `<t:${Math.floor(((window + 1) * windowMs) / 1000)}:R>`;
      if (result.ok && !result.duplicate) lines.push(`+${formatAmount(c, c.dailyAmount!)} (balance ${result.balance.toLocaleString('en-US')}). Next ${next}.`);
      else if (result.ok) lines.push(`${c.name}: already claimed; next ${next}.`);
      else lines.push(`${c.name}: refused (${result.reason === 'max_balance' ? 'your balance is at the maximum' : result.reason}).`);
    }
    return ctx.reply({ ephemeral: true, content: lines.join('\n') });
  },
});
