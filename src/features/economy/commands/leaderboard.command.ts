import { defineCommand, opt } from '../../../core/define';
import { currencyOption } from '../economy.view';
import { setOptOut } from '../leaderboard.service';
import { boardCurrency, boardSeason, leaderboardMessage } from '../leaderboard.view';

/** `/leaderboard [currency] [season]`: top 10 with pages, and your own rank. */
export const leaderboardCommand = defineCommand({
  name: 'leaderboard',
  description: 'Top members of a currency, and your rank',
  options: { currency: currencyOption(), season: opt.string('A season number, `current` (default) or `all`', { maxLength: 16 }) },
  handler: async (ctx, { currency: name, season }) => {
    const currency = await boardCurrency(ctx, name);
    return ctx.reply(await leaderboardMessage(ctx, currency, boardSeason(currency, season), 0));
  },
});

/** `/leaderboard-privacy hidden`: leave (or rejoin) every leaderboard of the server. */
export const leaderboardPrivacyCommand = defineCommand({
  name: 'leaderboard-privacy',
  description: 'Hide yourself from (or show yourself on) the leaderboards',
  options: { hidden: opt.boolean('True: leave the leaderboards; false: be listed again', { required: true }) },
  handler: async (ctx, { hidden }) => {
    await setOptOut(ctx.db, ctx.guild, ctx.user.id, hidden);
    return ctx.reply({ ephemeral: true, content: hidden ? 'You will be left off the leaderboards from their next refresh (within a minute).' : 'You will be listed on the leaderboards again from their next refresh.' });
  },
});
