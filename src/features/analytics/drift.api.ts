/**
 * Role drift on the dashboard: the drift since the baseline and the timeline of changes
 * (moderators: the same reach as `/stats roles`), and accepting a new baseline (managers,
 * audited, the same service as `/stats roles accept`).
 */
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { GuildDrift } from './drift/drift.repo';
import { acceptBaseline } from './drift/drift.service';
import { dangerousNames } from './drift/permissions';

const item = z.object({ kind: z.string(), roleId: z.string(), roleName: z.string(), userId: z.string().optional(), before: z.array(z.string()).optional(), after: z.array(z.string()).optional() });
const change = z.object({
  id: z.number(),
  kind: z.string(),
  roleId: z.string(),
  roleName: z.string(),
  userId: z.string().nullable(),
  before: z.array(z.string()),
  after: z.array(z.string()),
  actorId: z.string().nullable(),
  source: z.string(),
  occurredAt: z.number(),
});

export const driftRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/analytics/drift',
  access: 'moderator',
  summary: 'Dangerous roles and their holders: the drift since the baseline and the timeline of changes',
  request: { query: z.object({ days: z.coerce.number().int().min(1).max(366).default(90) }) },
  response: z.object({ baselineAt: z.number().nullable(), baselineBy: z.string().nullable(), roles: z.number(), holders: z.number(), items: z.array(item), timeline: z.array(change) }),
  handler: async (ctx, { query }) => {
    const drift = new GuildDrift(ctx.db, ctx.guild);
    const [report, timeline] = await Promise.all([drift.drift(), drift.timeline(Date.now() - query.days * 86_400_000, 500)]);
    return {
      ...report,
      items: report.items.map((i) => ({ ...i, before: i.before === undefined ? undefined : dangerousNames(i.before), after: i.after === undefined ? undefined : dangerousNames(i.after) })),
      timeline: timeline.map((c) => ({ ...c, before: dangerousNames(c.before), after: dangerousNames(c.after) })),
    };
  },
});

export const driftAcceptRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/analytics/drift/accept',
  access: 'manager',
  summary: 'Make the current dangerous roles and holders the new baseline (audited)',
  request: { body: z.object({}).passthrough() },
  response: z.object({ cleared: z.number() }),
  handler: async (ctx) => ({ cleared: await acceptBaseline(ctx.db, ctx.config, ctx.guild, ctx.user.id, 'dashboard') }),
});

export const driftApi = [driftRoute, driftAcceptRoute];
