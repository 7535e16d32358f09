import { opt } from '../../../../core/define';
import { rankChart } from '../../png/charts';
import { channelActivity } from '../../queries';
import { daysOption, defineStat, n, sendChart } from './stat';

/** `/stats channels [days]`: the busiest channels. */
export const channelsStat = defineStat('channels', {
  description: 'The busiest channels: messages per channel',
  options: { days: opt.integer('Days back (1 to 366, default 30)', { minValue: 1, maxValue: 366 }) },
  handler: async (ctx, options) => {
    const days = daysOption(options.days);
    return ctx.defer(async () => {
      const [rows, channels] = await Promise.all([channelActivity(ctx.db, ctx.guild, { days }), ctx.discord.guilds.channels(ctx.guild).catch(() => [])]);
      const names = new Map(channels.map((c) => [c.id, 'name' in c && c.name ? c.name : c.id]));
      const total = rows.reduce((s, r) => s + r.messages, 0);
      const png = await rankChart({ title: `MESSAGES PER CHANNEL, LAST ${days} DAYS`, rows: rows.slice(0, 12).map((r) => ({ label: `#${names.get(r.channelId) ?? r.channelId}`, value: r.messages })) });
      const top = rows[0];
      const summary =
        !top || total === 0
          ? `No channel activity recorded in the last ${days} days yet.`
          : `<#${top.channelId}> leads with **${n(top.messages)}** of ${n(total)} messages (${Math.round((top.messages / total) * 100)}%) in the last ${days} days; ${rows.length} channels active.`;
      await sendChart(ctx, png, 'channels.png', summary);
    });
  },
});
