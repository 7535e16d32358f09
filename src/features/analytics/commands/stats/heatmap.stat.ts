import { opt } from '../../../../core/define';
import { ANALYTICS_SETTINGS, analyticsSettings } from '../../config';
import { heatmapChart } from '../../png/charts';
import { heatmap } from '../../queries';
import { requireTimezone } from '../../timezone';
import { daysOption, defineStat, n, sendChart } from './stat';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** `/stats heatmap [days] [timezone]`: messages by weekday and hour in the guild's timezone. */
export const heatmapStat = defineStat('heatmap', {
  description: 'When the server is busy: messages by weekday and hour',
  options: {
    days: opt.integer('Days back (1 to 366, default 30)', { minValue: 1, maxValue: 366 }),
    timezone: opt.string('IANA timezone, e.g. Europe/Paris (default: the server’s, see /stats timezone)', { maxLength: 64 }),
  },
  handler: async (ctx, options) => {
    const days = daysOption(options.days);
    const timezone = requireTimezone(options.timezone ?? (await ctx.config.settings(ANALYTICS_SETTINGS, analyticsSettings)).timezone);
    return ctx.defer(async () => {
      const map = await heatmap(ctx.db, ctx.guild, { days, timezone });
      const png = await heatmapChart({ title: `MESSAGES BY HOUR, LAST ${days} DAYS (${timezone.toUpperCase()})`, cells: map.cells });
      let summary = `No messages recorded in the last ${days} days yet (rollups run hourly from the event lake).`;
      if (map.total > 0) {
        let best = { d: 0, h: 0 };
        map.cells.forEach((row, d) => row.forEach((v, h) => v > map.cells[best.d]![best.h]! && (best = { d, h })));
        summary = `Busiest hour: **${WEEKDAYS[best.d]} ${String(best.h).padStart(2, '0')}:00** (${timezone}), ${n(map.max)} of ${n(map.total)} messages in the last ${days} days.`;
      }
      await sendChart(ctx, png, 'heatmap.png', summary);
    });
  },
});
