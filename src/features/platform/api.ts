/**
 * The platform's dashboard routes: the guild summary every page starts from (the server, the
 * caller's access, the modules and whether each is on).
 */
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { STAFF_LEVELS } from '../../core/staff';

/** `GET /api/guilds/{guildId}/summary`: the server, your access, its modules. */
export const guildSummaryRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/summary',
  access: 'helper',
  summary: 'The server, your access in it, and its modules',
  response: z.object({
    guild: z.object({ id: z.string(), name: z.string(), icon: z.string().nullable() }),
    access: z.object({ manager: z.boolean(), level: z.enum(STAFF_LEVELS) }),
    modules: z.array(z.object({ name: z.string(), description: z.string(), enabled: z.boolean(), toggleable: z.boolean() })),
  }),
  handler: async (ctx) => {
    const snapshot = await ctx.config.snapshot();
    return {
      guild: { id: ctx.guild, name: ctx.guildInfo.name, icon: ctx.guildInfo.icon },
      access: ctx.access,
      modules: ctx.registry.features.map((f) => ({
        name: f.name,
        description: f.description,
        enabled: snapshot.modules[f.name] ?? f.enabledByDefault ?? true,
        toggleable: f.toggleable ?? true,
      })),
    };
  },
});
