import { defineComponent } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { readPagerArgs } from '../../../core/pager';
import { GuildCurrencies } from '../currencies.repo';
import { LEADERBOARD_PAGE, leaderboardMessage } from '../leaderboard.view';

/** Previous/Next on a leaderboard. */
export const leaderboardPageComponent = defineComponent({
  key: LEADERBOARD_PAGE,
  handler: async (ctx, raw) => {
    const { args, page } = readPagerArgs(ctx, raw, '/leaderboard');
    const [currencyId, season] = args;
    const currency = currencyId ? ((await new GuildCurrencies(ctx.db, ctx.guild).cachedList()).find((c) => c.id === currencyId) ?? (await new GuildCurrencies(ctx.db, ctx.guild).find(currencyId))) : undefined;
    if (!currency) throw new UserError('unknown_currency', 'That currency no longer exists. Run `/leaderboard` again.');
    return ctx.update(await leaderboardMessage(ctx, currency, Number(season), page));
  },
});
