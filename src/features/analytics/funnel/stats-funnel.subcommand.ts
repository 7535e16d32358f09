/**
 * `/stats funnel [weeks] [level]`: joined → applied → accepted → first message → level N per
 * weekly cohort, with the gate's decision times.
 */
import { opt, sub } from '../../../core/define';
import { COLOURS, lineChart } from '../png/charts';
import { formatDuration } from '../../moderation/public';
import { joinFunnel, MAX_FUNNEL_WEEKS, type Funnel } from './funnel.query';

/** The funnel as a monospace table (one line per cohort). */
export function funnelTable(f: Funnel): string {
  const head = `week of     joined applied accepted  msg  L${String(f.level).padEnd(3)} decision (median)`;
  const rows = f.cohorts.map((c) => {
    const d = new Date(c.week).toISOString().slice(0, 10);
    const dec = c.decisionMedianMs === null ? '—' : formatDuration(Math.max(60_000, c.decisionMedianMs));
    return `${d} ${String(c.joined).padStart(6)} ${String(c.applied).padStart(7)} ${String(c.accepted).padStart(8)} ${String(c.firstMessage).padStart(4)} ${String(c.reachedLevel).padStart(4)} ${dec}`;
  });
  return ['```', head, ...rows, '```'].join('\n');
}

export const statsFunnelSubcommand = sub({
  description: 'The join funnel per weekly cohort: joined, applied, accepted, first message, level N',
  level: 'moderator',
  options: {
    weeks: opt.integer(`Weekly cohorts to show (1–${MAX_FUNNEL_WEEKS}, default 8)`, { minValue: 1, maxValue: MAX_FUNNEL_WEEKS }),
    level: opt.integer('The level to count (default 5)', { minValue: 1, maxValue: 1000 }),
  },
  handler: async (ctx, { weeks, level }) => {
    const f = await joinFunnel(ctx.db, ctx.guild, { weeks, level });
    const joined = f.cohorts.reduce((n, c) => n + c.joined, 0);
    if (!joined) return ctx.reply({ content: `No joins recorded in the last ${f.weeks} week(s) yet: the funnel counts members who joined since analytics was on.`, ephemeral: true });
    return ctx.defer(async () => {
      const accepted = f.cohorts.reduce((n, c) => n + c.accepted, 0);
      const step = (name: string, colour: (typeof COLOURS)[keyof typeof COLOURS], pick: (c: Funnel['cohorts'][number]) => number) => ({ name, colour, values: f.cohorts.map(pick) });
      const png = await lineChart({
        title: `JOIN FUNNEL, LAST ${f.weeks} WEEKS`,
        labels: f.cohorts.map((c) => new Date(c.week).toISOString().slice(5, 10)),
        series: [
          step('JOINED', COLOURS.blurple, (c) => c.joined),
          step('APPLIED', COLOURS.amber, (c) => c.applied),
          step('ACCEPTED', COLOURS.green, (c) => c.accepted),
          step('FIRST MESSAGE', COLOURS.red, (c) => c.firstMessage),
          step(`LEVEL ${f.level}`, COLOURS.muted, (c) => c.reachedLevel),
        ],
      });
      const summary = `**Join funnel**, last ${f.weeks} week(s): ${joined} joined, ${accepted} accepted (${Math.round((100 * accepted) / joined)}%).\n${funnelTable(f)}`;
      await ctx.editOriginal({ content: summary.slice(0, 2000), attachments: [{ id: 0, filename: 'funnel.png' }] } as never, [{ name: 'funnel.png', data: png, contentType: 'image/png' }]);
    });
  },
});
