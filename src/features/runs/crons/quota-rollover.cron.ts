import { defineCron } from '../../../core/define';
import { closePeriod, guildsWithQuota } from '../quota-panel.service';

/** Hourly: announces each closed quota period once and refreshes the panels. */
export const quotaRolloverCron = defineCron({
  name: 'quota-rollover',
  schedule: '0 * * * *',
  handler: async (ctx) => {
    const guilds = await guildsWithQuota(ctx);
    // Each guild costs a few statements and two REST calls; what does not fit waits an hour.
    const limit = ctx.budget.fit(8, 50, 0);
    let done = 0;
    for (const guildId of guilds.slice(0, limit)) {
      try {
        if (await closePeriod(ctx, guildId, ctx.scheduledTime)) done++;
      } catch (error) {
        console.error(JSON.stringify({ msg: 'quota rollover failed', guild: guildId, error: String(error) }));
      }
    }
    return { claimed: Math.min(limit, guilds.length), done, left: Math.max(0, guilds.length - limit) };
  },
});
