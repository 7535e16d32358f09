/**
 * Dashboard routes over the analytics rollups (managers): activity over time, the weekly
 * heatmap, channels; lurkers with the prune preview (moderators: it lists members, as
 * `/stats lurkers` does for them). Every figure comes from `public.ts`'s queries.
 */
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { activitySeries, channelActivity, DAY_MS, heatmap, lurkers, MAX_DAYS, MAX_HOURLY_SPAN_DAYS, prunePreview, type RosterMember } from './public';

const days = (fallback: number, max = MAX_DAYS) => z.coerce.number().int().min(1).max(max).default(fallback);

const point = z.object({
  t: z.number(),
  messages: z.number(),
  members: z.number(),
  reactions: z.number(),
  voiceMinutes: z.number(),
  joins: z.number(),
  leaves: z.number(),
  commands: z.number(),
  partial: z.boolean().optional(),
});

/** `GET /analytics/activity?days=&granularity=`: one point per UTC day (or hour, up to 31 days). */
export const activityRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/analytics/activity',
  keyScope: 'stats:read',
  access: 'manager',
  summary: 'Activity over time (messages, active members, reactions, voice minutes, joins, leaves, commands)',
  request: { query: z.object({ days: days(30), granularity: z.enum(['day', 'hour']).default('day') }) },
  response: z.object({ days: z.number(), granularity: z.enum(['day', 'hour']), points: z.array(point) }),
  handler: async (ctx, { query }) => {
    const granularity: 'hour' | 'day' = query.granularity === 'hour' && query.days <= MAX_HOURLY_SPAN_DAYS ? 'hour' : 'day';
    const step = granularity === 'hour' ? 3_600_000 : DAY_MS;
    const to = Math.floor(Date.now() / step) * step + step;
    const points = await activitySeries(ctx.db, ctx.guild, { from: to - (granularity === 'hour' ? query.days * 24 : query.days) * step, to, granularity });
    return { days: query.days, granularity, points };
  },
});

/** `GET /analytics/heatmap?days=&tz=`: messages by local weekday × hour. */
export const heatmapRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/analytics/heatmap',
  keyScope: 'stats:read',
  access: 'manager',
  summary: 'Messages by weekday (0 = Monday) and hour in a timezone',
  request: { query: z.object({ days: days(30), tz: z.string().min(1).max(64).default('UTC') }) },
  response: z.object({ timezone: z.string(), days: z.number(), cells: z.array(z.array(z.number())), total: z.number(), max: z.number() }),
  handler: async (ctx, { query }) => heatmap(ctx.db, ctx.guild, { days: query.days, timezone: query.tz }),
});

/** `GET /analytics/channels?days=`: per-channel totals, busiest first. */
export const channelsRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/analytics/channels',
  keyScope: 'stats:read',
  access: 'manager',
  summary: 'Per-channel totals over a range, busiest first',
  request: { query: z.object({ days: days(30) }) },
  response: z.object({ channels: z.array(z.object({ channelId: z.string(), messages: z.number(), reactions: z.number(), voiceMinutes: z.number(), peakMembers: z.number() })) }),
  handler: async (ctx, { query }) => ({ channels: (await channelActivity(ctx.db, ctx.guild, { days: query.days })).slice(0, 100) }),
});

/** `GET /analytics/lurkers?days=&tenure=&prune=`: members with no activity, and what Discord's prune would do. */
export const lurkersRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/analytics/lurkers',
  access: 'moderator',
  summary: 'Members with no activity for N days (recent joiners left out), and a role-aware prune preview',
  request: { query: z.object({ days: days(30), tenure: z.coerce.number().int().min(0).max(3650).default(14), prune: z.coerce.number().int().min(1).max(30).default(30) }) },
  response: z.object({
    lurkers: z.array(z.object({ userId: z.string(), lastActiveAt: z.number(), joinedAt: z.number().nullable() })),
    total: z.number(),
    truncated: z.boolean(),
    prune: z.object({
      days: z.number(),
      remove: z.array(z.object({ userId: z.string(), lastActiveAt: z.number(), kept: z.array(z.string()) })),
      counts: z.record(z.string(), z.number()),
      /** The roster read was one page of 1,000 members: more exist. */
      partial: z.boolean(),
    }),
  }),
  handler: async (ctx, { query }) => {
    const found = await lurkers(ctx.db, ctx.guild, { days: query.days, minTenureDays: query.tenure, limit: 200 });
    const page = await ctx.discord.members.list(ctx.guild, { limit: 1000 });
    const roster: RosterMember[] = page.map((m) => ({ userId: m.user.id, roleIds: m.roles, joinedAt: m.joined_at ? Date.parse(m.joined_at) : null, bot: m.user.bot === true }));
    const preview = await prunePreview(ctx.db, ctx.guild, { days: query.prune, roster });
    return {
      lurkers: found.members.map((m) => ({ userId: m.userId, lastActiveAt: m.lastActiveAt, joinedAt: m.joinedAt })),
      total: found.total,
      truncated: found.truncated,
      prune: { days: query.prune, remove: preview.remove.slice(0, 200), counts: preview.counts, partial: page.length === 1000 },
    };
  },
});

export const activityApi = [activityRoute, heatmapRoute, channelsRoute, lurkersRoute];
