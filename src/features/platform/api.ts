/**
 * The platform's dashboard routes: the guild summary every page starts from (the server, the
 * caller's access, the modules and whether each is on), and delegated access (managers grant a
 * user or role a level, read-only or not, until a date; audited).
 */
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { ApiError } from '../../core/api/errors';
import { GuildGrants } from '../../core/api/grants.repo';
import { STAFF_LEVELS } from '../../core/staff';

/** `GET /api/guilds/{guildId}/summary`: the server, your access, its modules. */
export const guildSummaryRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/summary',
  access: 'helper',
  keyScope: 'guild:read',
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

const DELEGABLE = ['helper', 'reviewer', 'moderator', 'senior_moderator', 'administrator'] as const;
const MAX_GRANT_MS = 366 * 24 * 3600_000;
const grantSchema = z.object({
  subjectKind: z.enum(['user', 'role']),
  subjectId: z.string(),
  level: z.enum(STAFF_LEVELS),
  write: z.boolean(),
  expiresAt: z.number(),
  grantedBy: z.string(),
  expired: z.boolean(),
});
const subjectParams = z.object({ kind: z.enum(['user', 'role']), subjectId: z.string().regex(/^\d{17,20}$/, 'must be a Discord id') });

/** `GET /api/guilds/{guildId}/access-grants`: delegated dashboard access, live and expired. */
export const listGrantsRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/access-grants',
  access: 'manager',
  summary: 'Delegated dashboard access (users and roles granted a level until a date)',
  response: z.object({ grants: z.array(grantSchema) }),
  handler: async (ctx) => {
    const now = Date.now();
    return { grants: (await new GuildGrants(ctx.db, ctx.guild).list()).map((g) => ({ ...g, expired: g.expiresAt <= now })) };
  },
});

/** `PUT /api/guilds/{guildId}/access-grants/{kind}/{subjectId}`: grant or replace, audited. */
export const putGrantRoute = defineApiRoute({
  method: 'put',
  path: '/guilds/{guildId}/access-grants/{kind}/{subjectId}',
  access: 'manager',
  summary: 'Grant a user or role a dashboard level (read-only unless write) until expiresAt',
  request: {
    params: subjectParams,
    body: z.object({
      level: z.enum(DELEGABLE),
      write: z.boolean().default(false),
      expiresAt: z.iso.datetime({ offset: true }).refine((v) => Date.parse(v) > Date.now(), 'must be in the future').refine((v) => Date.parse(v) <= Date.now() + MAX_GRANT_MS, 'must be within a year'),
    }),
  },
  response: grantSchema,
  handler: async (ctx, { params, body }) => {
    const grant = await new GuildGrants(ctx.db, ctx.guild).put(ctx.config, ctx.user.id, params.kind, params.subjectId, { level: body.level, write: body.write, expiresAt: Date.parse(body.expiresAt) });
    return { ...grant, expired: false };
  },
});

/** `DELETE /api/guilds/{guildId}/access-grants/{kind}/{subjectId}`: revoke, audited. */
export const deleteGrantRoute = defineApiRoute({
  method: 'delete',
  path: '/guilds/{guildId}/access-grants/{kind}/{subjectId}',
  access: 'manager',
  summary: 'Remove a delegated access',
  request: { params: subjectParams },
  response: z.object({ ok: z.literal(true) }),
  handler: async (ctx, { params }) => {
    if (!(await new GuildGrants(ctx.db, ctx.guild).remove(ctx.config, ctx.user.id, params.kind, params.subjectId))) {
      throw new ApiError(404, 'not_found', 'There is no such grant.');
    }
    return { ok: true as const };
  },
});
