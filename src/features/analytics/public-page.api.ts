/**
 * The opt-in public activity page: managers turn it on (`PUT /analytics/public`, audited), and
 * `GET /api/public/guilds/{guildId}/activity` then answers anyone with daily counts of the
 * last 30 days: messages, active members, joins, leaves. Counts only, never a member. A guild
 * that did not opt in (or does not exist) is a 404, the same answer either way.
 */
import * as z from 'zod';
import { defineApiRoute, definePublicApiRoute } from '../../core/api/define';
import { ApiError } from '../../core/api/errors';
import { GuildConfig } from '../../core/guild-config.repo';
import { activitySeries, DAY_MS } from './public';
import { PUBLIC_PAGE_KEY, publicPageSchema } from './public-page.settings';

const flag = z.object({ enabled: z.boolean() });

export const publicPageGetRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/analytics/public',
  access: 'manager',
  summary: 'Whether the public activity page is on',
  response: flag,
  handler: async (ctx) => ctx.config.settings(PUBLIC_PAGE_KEY, publicPageSchema),
});

export const publicPagePutRoute = defineApiRoute({
  method: 'put',
  path: '/guilds/{guildId}/analytics/public',
  access: 'manager',
  summary: 'Turn the public activity page on or off (audited)',
  request: { body: flag },
  response: flag,
  handler: async (ctx, { body }) => ctx.config.updateSettings(ctx.user.id, PUBLIC_PAGE_KEY, publicPageSchema, (current) => ({ ...current, enabled: body.enabled })),
});

export const publicActivityRoute = definePublicApiRoute({
  path: '/public/guilds/{guildId}/activity',
  summary: 'Daily counts of the last 30 days, for guilds that published them (404 otherwise)',
  response: z.object({ days: z.array(z.object({ t: z.number(), messages: z.number(), members: z.number(), joins: z.number(), leaves: z.number() })) }),
  handler: async (ctx) => {
    const { enabled } = await new GuildConfig(ctx.db, ctx.guild).settings(PUBLIC_PAGE_KEY, publicPageSchema);
    if (!enabled) throw new ApiError(404, 'not_found', 'There is no such page.');
    const to = Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS;
    const points = await activitySeries(ctx.db, ctx.guild, { from: to - 30 * DAY_MS, to, granularity: 'day' });
    return { days: points.map((p) => ({ t: p.t, messages: p.messages, members: p.members, joins: p.joins, leaves: p.leaves })) };
  },
});

export const publicPageApi = [publicPageGetRoute, publicPagePutRoute];
