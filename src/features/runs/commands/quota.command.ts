import { defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { formatPoints, parseWeight } from '../catalog';
import { MAX_ADJUST, RUNS_KEY, readRunsSettings, runsSettingsSchema } from '../config';
import { isPeriodKey, periodAt, previousPeriod } from '../quota-period';
import { leaderboardEmbed, refreshQuotaPanel } from '../quota-panel.service';
import { adjustQuota, pointsOf, requiredFor, ruleOf, standings } from '../quota.service';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Reads signed points such as `-2.5` into hundredths. */
function signedPoints(raw: string): number {
  const match = /^([+-]?)(\d{1,6})(?:\.(\d{1,2}))?$/.exec(raw.trim());
  if (!match) throw new UserError('bad_points', `\`${raw.slice(0, 20)}\` is not a weight of points: use a number with at most two decimals, e.g. \`2.5\` or \`-1\`.`);
  const value = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -value : value;
}

/** `/quota show|leaderboard|adjust|config|panel`. */
export const quotaCommand = defineCommandGroup({
  name: 'quota',
  description: "Staff quota points earned by organizing runs, per period",
  subcommands: {
    show: sub({
      description: 'Points this period, and what is required',
      options: { member: opt.user('Whose (default: yours)') },
      handler: async (ctx, { member }) => {
        const settings = await readRunsSettings(ctx);
        const userId = member?.id ?? ctx.user.id;
        const roles = member ? (member.member?.roles ?? []) : (ctx.member?.roles ?? []);
        const period = periodAt(ruleOf(settings), Date.now());
        const points = await pointsOf(ctx.db, ctx.guild, userId, period.key);
        const required = requiredFor(settings, roles);
        const need = required === null ? 'No quota applies.' : points >= required ? `Quota met (${formatPoints(required)} required). ✅` : `${formatPoints(required - points)} to go of ${formatPoints(required)}.`;
        return ctx.reply({ ephemeral: true, content: `<@${userId}> has **${formatPoints(points)}** quota points in ${period.key} (resets <t:${Math.floor(period.end / 1000)}:R>). ${need}` });
      },
    }),
    leaderboard: sub({
      description: 'Who earned the most points',
      options: { period: opt.string('current (default), previous, or a period such as W2026-11-30', { maxLength: 11 }) },
      handler: async (ctx, { period: which }) => {
        const settings = await readRunsSettings(ctx);
        const rule = ruleOf(settings);
        const now = Date.now();
        const text = which?.trim() ?? 'current';
        let period;
        if (text === 'current' || text === '') period = periodAt(rule, now);
        else if (text === 'previous') period = previousPeriod(rule, now);
        else if (isPeriodKey(text)) {
          const [, y, m, d] = /^[WM](\d{4})-(\d{2})-(\d{2})$/.exec(text)!;
          period = periodAt(rule, Date.UTC(Number(y), Number(m) - 1, Number(d), 12));
          if (period.key !== text) throw new UserError('bad_period', `There is no period \`${text}\` under this server's rules; the one around that date is \`${period.key}\`.`);
        } else throw new UserError('bad_period', 'Name a period as `current`, `previous` or its key, e.g. `W2026-11-30`.');
        const rows = await standings(ctx.db, ctx.guild, period.key);
        return ctx.reply({ ephemeral: true, embeds: [leaderboardEmbed(period, rows, period.end > now, settings)] });
      },
    }),
    adjust: sub({
      description: "Add or remove a member's points this period (audited)",
      level: 'moderator',
      options: {
        member: opt.user('Whose', { required: true }),
        points: opt.string(`Points to add, negative to remove (at most ±${formatPoints(MAX_ADJUST)})`, { required: true, maxLength: 8 }),
        reason: opt.string('Why (kept with the change)', { required: true, minLength: 3, maxLength: 200 }),
      },
      handler: async (ctx, { member, points, reason }) => {
        const value = signedPoints(points);
        if (value === 0) throw new UserError('zero_adjust', 'Adjust by something other than zero.');
        if (Math.abs(value) > MAX_ADJUST) throw new UserError('adjust_bounds', `One adjustment moves at most ${formatPoints(MAX_ADJUST)} points.`);
        if (member.user.bot) throw new UserError('adjust_bot', 'Bots have no quota.');
        const settings = await readRunsSettings(ctx);
        const { result, period } = await adjustQuota(ctx.db, settings, { guildId: ctx.guild, actorId: ctx.user.id, userId: member.id, points: value, reason, sourceId: ctx.interaction.id });
        if (!result.ok) throw new UserError(`adjust_${result.reason}`, result.reason === 'max_balance' ? 'That would go past the largest balance allowed.' : 'The quota currency is not available (archived?).');
        ctx.waitUntil(refreshQuotaPanel(ctx, ctx.guild));
        const total = await pointsOf(ctx.db, ctx.guild, member.id, period.key);
        return ctx.reply({ ephemeral: true, content: `${value > 0 ? 'Added' : 'Removed'} **${formatPoints(Math.abs(value))}** points ${value > 0 ? 'to' : 'from'} <@${member.id}> (${period.key}): now **${formatPoints(total)}**. Reason: ${reason}` });
      },
    }),
    config: sub({
      description: 'Periods and required points per staff role',
      level: 'administrator',
      options: {
        period: opt.string('Weekly or monthly', { choices: [{ name: 'weekly', value: 'weekly' }, { name: 'monthly', value: 'monthly' }] }),
        reset_day: opt.integer('Weekly: 0 (Sunday) … 6; monthly: 1 … 28', { minValue: 0, maxValue: 28 }),
        reset_hour: opt.integer('Hour of the reset, server timezone (see /run config)', { minValue: 0, maxValue: 23 }),
        role: opt.role('A staff role to set the requirement of'),
        required: opt.string('Points that role must earn per period (0 removes it)', { maxLength: 8 }),
      },
      handler: async (ctx, { period, reset_day, reset_hour, role, required }) => {
        if ((role === undefined) !== (required === undefined)) throw new UserError('quota_role', 'Give both `role` and `required`.');
        const need = required === undefined ? undefined : parseWeight(required);
        const saved = await ctx.config.updateSettings(ctx.user.id, RUNS_KEY, runsSettingsSchema, (s) => {
          const kind = (period as 'weekly' | 'monthly' | undefined) ?? s.quota.period;
          const day = reset_day ?? (period && period !== s.quota.period ? 1 : s.quota.resetDay);
          if (kind === 'weekly' && day > 6) throw new UserError('bad_reset_day', 'A weekly reset day is 0 (Sunday) to 6 (Saturday).');
          if (kind === 'monthly' && day < 1) throw new UserError('bad_reset_day', 'A monthly reset day is 1 to 28.');
          const roles = { ...s.quota.roles };
          if (role && need !== undefined) {
            if (need === 0) delete roles[role.id];
            else roles[role.id] = need;
          }
          return { ...s, quota: { ...s.quota, period: kind, resetDay: day, resetHour: reset_hour ?? s.quota.resetHour, roles } };
        });
        const q = saved.quota;
        const when = q.period === 'weekly' ? `every ${DAYS[q.resetDay]}` : `on day ${q.resetDay} of each month`;
        const roles = Object.entries(q.roles).map(([id, n]) => `<@&${id}>: ${formatPoints(n)}`).join(', ') || 'none';
        return ctx.reply({ ephemeral: true, content: `Quota resets ${when} at ${String(q.resetHour).padStart(2, '0')}:00 (${saved.timezone}). Required per period: ${roles}.` });
      },
    }),
    panel: sub({
      description: 'Post the self-updating leaderboard here',
      level: 'moderator',
      handler: async (ctx) => {
        const settings = await readRunsSettings(ctx);
        const channelId = ctx.interaction.channel?.id ?? ctx.interaction.channel_id;
        if (!channelId) throw new UserError('no_channel', 'Run this in the channel for the panel.');
        const period = periodAt(ruleOf(settings), Date.now());
        const message = await ctx.discord.channels.createMessage(channelId, { embeds: [leaderboardEmbed(period, await standings(ctx.db, ctx.guild, period.key), true, settings)], allowed_mentions: { parse: [] } });
        await ctx.config.updateSettings(ctx.user.id, RUNS_KEY, runsSettingsSchema, (s) => ({ ...s, quota: { ...s.quota, panel: { channelId, messageId: message.id }, closedPeriod: s.quota.closedPeriod ?? previousPeriod(ruleOf(s), Date.now()).key } }));
        return ctx.reply({ ephemeral: true, content: 'Leaderboard posted; it updates itself after every run and adjustment, and at each reset.' });
      },
    }),
  },
});
