import { opt } from '../../../../core/define';
import { DiscordApiError, describeDiscordError } from '../../../../discord/errors';
import { COLOURS, rankChart } from '../../png/charts';
import { DAY_MS } from '../../periods';
import { lurkers, prunePreview, type RosterMember } from '../../queries';
import { daysOption, defineStat, n, sendChart } from './stat';

/** Members read for the prune preview (one page of Discord's member list). */
export const ROSTER_LIMIT = 1000;

/** `/stats lurkers [days] [tenure] [include_role]`: who has done nothing for N days, and what Discord's prune would do. */
export const lurkersStat = defineStat('lurkers', {
  description: 'Members with no activity for N days, and a role-aware prune preview',
  options: {
    days: opt.integer('Days without any activity (1 to 366, default 30; the prune preview uses at most 30)', { minValue: 1, maxValue: 366 }),
    tenure: opt.integer('Leave out members who joined less than this many days ago (default 7)', { minValue: 0, maxValue: 3650 }),
    include_role: opt.role('Preview the prune as if this role were listed in include_roles'),
  },
  handler: async (ctx, options) => {
    const days = daysOption(options.days);
    const tenure = options.tenure ?? 7;
    const includeRoles = options.include_role ? [options.include_role.id] : [];
    return ctx.defer(
      async () => {
        const now = Date.now();
        const [found, roster] = await Promise.all([
          lurkers(ctx.db, ctx.guild, { days, minTenureDays: tenure, now }),
          ctx.discord.members.list(ctx.guild, { limit: ROSTER_LIMIT }).then(
            (members) => ({ members, error: null as string | null }),
            (error: unknown) => {
              if (!(error instanceof DiscordApiError)) throw error;
              return { members: [], error: describeDiscordError(error, 'list the members') };
            },
          ),
        ]);
        const pruneDays = Math.min(days, 30);
        const list: RosterMember[] = roster.members.map((m) => ({ userId: m.user.id, roleIds: m.roles, joinedAt: m.joined_at ? Date.parse(m.joined_at) : null, bot: m.user.bot === true }));
        const preview = await prunePreview(ctx.db, ctx.guild, { days: pruneDays, includeRoles, roster: list, now });
        const buckets = [
          { label: 'NEVER SEEN ACTIVE', test: (t: number) => t === 0 },
          { label: `${days}-${days * 2} DAYS`, test: (t: number) => t > 0 && t >= now - days * 2 * DAY_MS },
          { label: `${days * 2}+ DAYS`, test: (t: number) => t > 0 && t < now - days * 2 * DAY_MS },
        ];
        const png = await rankChart({ title: `SILENT FOR ${days}+ DAYS`, colour: COLOURS.amber, rows: buckets.map((b) => ({ label: b.label, value: found.members.filter((m) => b.test(m.lastActiveAt)).length })) });
        const names = found.members.slice(0, 20).map((m) => `<@${m.userId}>`);
        const lines = [
          found.total === 0
            ? `No lurkers: every member Gatehouse has seen (and who joined ${tenure}+ days ago) did something in the last ${days} days.`
            : `**${n(found.total)}** members silent for ${days}+ days (joined ${tenure}+ days ago): ${names.join(' ')}${found.total > names.length ? ` and ${n(found.total - names.length)} more` : ''}.`,
          roster.error
            ? `Prune preview unavailable: ${roster.error}`
            : `Prune preview (${pruneDays} days${includeRoles.length ? `, including <@&${includeRoles[0]}>` : ''}, first ${n(list.length)} members): Discord's prune would remove **${n(preview.counts.remove)}**; it keeps ${n(preview.counts.has_roles)} with roles, ${n(preview.counts.active)} active, ${n(preview.counts.joined_recently)} who joined recently${preview.counts.bot ? `, ${n(preview.counts.bot)} bots` : ''}. Activity is what Gatehouse saw (messages, reactions, voice, commands); Discord judges by its own last-seen.`,
        ];
        await sendChart(ctx, png, 'lurkers.png', lines.join('\n'));
      },
      { ephemeral: true },
    );
  },
});
