import { opt } from '../../../../core/define';
import { COLOURS, barChart } from '../../png/charts';
import { memberFlow } from '../../queries';
import { dayLabel, daysOption, defineStat, n, sendChart } from './stat';

/** `/stats members [days]`: joins (up) and leaves (down) per day. */
export const membersStat = defineStat('members', {
  description: 'Members joining and leaving per day',
  options: { days: opt.integer('Days back (1 to 366, default 30)', { minValue: 1, maxValue: 366 }) },
  handler: async (ctx, options) => {
    const days = daysOption(options.days);
    return ctx.defer(async () => {
      const flow = await memberFlow(ctx.db, ctx.guild, { days });
      const png = await barChart({
        title: `JOINS (UP) AND LEAVES (DOWN), LAST ${days} DAYS`,
        values: flow.days.map((d) => d.joins),
        labels: flow.days.map((d) => dayLabel(d.t)),
        colour: COLOURS.green,
        negative: { values: flow.days.map((d) => d.leaves), colour: COLOURS.red },
      });
      const net = flow.joins - flow.leaves;
      const summary =
        flow.joins + flow.leaves === 0
          ? `Nobody joined or left in the last ${days} days (as far as the event lake saw).`
          : `**${n(flow.joins)}** joined and **${n(flow.leaves)}** left in the last ${days} days (net ${net >= 0 ? '+' : ''}${n(net)}).`;
      await sendChart(ctx, png, 'members.png', summary);
    });
  },
});
