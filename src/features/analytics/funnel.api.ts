/** The join funnel on the dashboard (managers): weekly cohorts, as `/stats funnel`. */
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { joinFunnel, MAX_FUNNEL_WEEKS } from './funnel/funnel.query';

export const funnelRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/analytics/funnel',
  keyScope: 'stats:read',
  access: 'manager',
  summary: 'Joined → applied → accepted → first message → level N per weekly cohort, with decision times',
  request: { query: z.object({ weeks: z.coerce.number().int().min(1).max(MAX_FUNNEL_WEEKS).default(8), level: z.coerce.number().int().min(1).max(1000).default(5) }) },
  response: z.object({
    weeks: z.number(),
    level: z.number(),
    cohorts: z.array(
      z.object({
        week: z.number(),
        joined: z.number(),
        applied: z.number(),
        accepted: z.number(),
        firstMessage: z.number(),
        reachedLevel: z.number(),
        decided: z.number(),
        decisionMedianMs: z.number().nullable(),
        decisionP90Ms: z.number().nullable(),
      }),
    ),
  }),
  handler: async (ctx, { query }) => joinFunnel(ctx.db, ctx.guild, query),
});

export const funnelApi = [funnelRoute];
