import { opt } from '../../../../core/define';
import { COLOURS, lineChart } from '../../png/charts';
import { DAY_MS, dayOf } from '../../periods';
import { activitySeries } from '../../queries';
import { dayLabel, daysOption, defineStat, n, sendChart } from './stat';

/** `/stats activity [days]`: messages and active members per day. */
export const activityStat = defineStat('activity', {
  description: 'Messages and active members per day',
  options: { days: opt.integer('Days back (1 to 366, default 30)', { minValue: 1, maxValue: 366 }) },
  handler: async (ctx, options) => {
    const days = daysOption(options.days);
    return ctx.defer(async () => {
      const now = Date.now();
      const from = (dayOf(now) - days + 1) * DAY_MS;
      const points = await activitySeries(ctx.db, ctx.guild, { from, to: now, granularity: 'day' });
      const total = (k: 'messages' | 'reactions' | 'voiceMinutes' | 'commands') => points.reduce((s, p) => s + p[k], 0);
      const busiest = points.reduce((a, b) => (b.messages > a.messages ? b : a), points[0]!);
      const png = await lineChart({
        title: `ACTIVITY, LAST ${days} DAYS`,
        labels: points.map((p) => dayLabel(p.t)),
        series: [
          { name: 'MESSAGES', values: points.map((p) => p.messages), colour: COLOURS.blurple },
          { name: 'ACTIVE MEMBERS', values: points.map((p) => p.members), colour: COLOURS.green },
        ],
      });
      const summary =
        total('messages') + total('reactions') + total('voiceMinutes') + total('commands') === 0
          ? `No activity recorded in the last ${days} days yet (rollups run hourly from the event lake).`
          : `**${n(total('messages'))}** messages, ${n(total('reactions'))} reactions, ${n(total('voiceMinutes'))} voice minutes and ${n(total('commands'))} commands in the last ${days} days; busiest day ${dayLabel(busiest.t)} (${n(busiest.messages)} messages, ${n(busiest.members)} active members).`;
      await sendChart(ctx, png, 'activity.png', summary);
    });
  },
});
