/**
 * The platform's dashboard configuration routes (managers): channels by purpose, staff-role
 * mapping and modules, changed through `GuildConfig` exactly as `/config` does (each change
 * audited with before and after in its own batch).
 */
import { ChannelType } from 'discord-api-types/v10';
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { ApiError } from '../../core/api/errors';
import { STAFF_LEVELS, type StaffLevel } from '../../core/staff';
import { channelPurposes, toggleableModules } from './config.service';

const snowflake = z.string().regex(/^\d{15,21}$/, 'must be a Discord id');
const TEXT_CHANNELS: readonly number[] = [ChannelType.GuildText, ChannelType.GuildAnnouncement];
const STAFF = STAFF_LEVELS.filter((l) => l !== 'everyone') as [Exclude<StaffLevel, 'everyone'>, ...Exclude<StaffLevel, 'everyone'>[]];

/** A 422 naming one field, in the platform's `{ error: 'invalid', fields }` shape. */
export function fieldError(field: string, message: string): ApiError {
  return new ApiError(422, 'invalid', 'Some fields are not valid.', { fields: { [field]: message } });
}

const configResponse = z.object({
  channels: z.array(z.object({ purpose: z.string(), description: z.string(), channelId: z.string().nullable() })),
  staffRoles: z.array(z.object({ roleId: z.string(), level: z.enum(STAFF_LEVELS) })),
  modules: z.array(z.object({ name: z.string(), description: z.string(), enabled: z.boolean(), toggleable: z.boolean() })),
  /** Levels a role may be mapped to, lowest first. */
  levels: z.array(z.string()),
});

/** `GET /config`: channels, staff roles, modules. */
export const getConfigRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/config',
  access: 'manager',
  summary: 'Channels by purpose, staff-role mapping and modules',
  response: configResponse,
  handler: async (ctx) => {
    const snapshot = await ctx.config.snapshot();
    return {
      channels: [...channelPurposes(ctx.registry)].map(([purpose, description]) => ({ purpose, description, channelId: snapshot.channels[purpose] ?? null })),
      staffRoles: snapshot.staffRoles,
      modules: ctx.registry.features.map((f) => ({
        name: f.name,
        description: f.description,
        enabled: snapshot.modules[f.name] ?? f.enabledByDefault ?? true,
        toggleable: f.toggleable !== false,
      })),
      levels: [...STAFF],
    };
  },
});

/** `PUT /config/channels/{purpose}`: as `/config channel set|unset`. */
export const setChannelRoute = defineApiRoute({
  method: 'put',
  path: '/guilds/{guildId}/config/channels/{purpose}',
  access: 'manager',
  summary: 'Map a channel to a purpose (null unmaps it)',
  request: { params: z.object({ purpose: z.string().min(1).max(64) }), body: z.object({ channelId: snowflake.nullable() }) },
  response: z.object({ purpose: z.string(), channelId: z.string().nullable() }),
  handler: async (ctx, { params, body }) => {
    if (!channelPurposes(ctx.registry).has(params.purpose)) throw new ApiError(404, 'unknown_purpose', `No feature uses a channel for "${params.purpose}".`);
    if (body.channelId) {
      const channel = (await ctx.discord.guilds.channels(ctx.guild)).find((c) => c.id === body.channelId);
      if (!channel) throw fieldError('channelId', 'There is no such channel in this server.');
      if (!TEXT_CHANNELS.includes(channel.type)) throw fieldError('channelId', 'Choose a text or announcement channel.');
    }
    await ctx.config.setChannel(ctx.user.id, params.purpose, body.channelId);
    return { purpose: params.purpose, channelId: body.channelId };
  },
});

/** `PUT /config/staff-roles/{roleId}`: as `/config role set|unset`. */
export const setStaffRoleRoute = defineApiRoute({
  method: 'put',
  path: '/guilds/{guildId}/config/staff-roles/{roleId}',
  access: 'manager',
  summary: 'Give a role a staff level (null removes it from the mapping)',
  request: { params: z.object({ roleId: snowflake }), body: z.object({ level: z.enum(STAFF).nullable() }) },
  response: z.object({ roleId: z.string(), level: z.enum(STAFF_LEVELS).nullable() }),
  handler: async (ctx, { params, body }) => {
    if (body.level !== null) {
      if (params.roleId === ctx.guild) throw fieldError('roleId', 'The @everyone role cannot be a staff role.');
      const roles = await ctx.discord.guilds.roles(ctx.guild);
      if (!roles.some((r) => r.id === params.roleId)) throw new ApiError(404, 'unknown_role', 'There is no such role in this server.');
    }
    await ctx.config.setStaffRole(ctx.user.id, params.roleId, body.level);
    return { roleId: params.roleId, level: body.level };
  },
});

/** `PUT /config/modules/{module}`: as `/config module enable|disable`. */
export const setModuleRoute = defineApiRoute({
  method: 'put',
  path: '/guilds/{guildId}/config/modules/{module}',
  access: 'manager',
  summary: 'Turn a module on or off',
  request: { params: z.object({ module: z.string().min(1).max(64) }), body: z.object({ enabled: z.boolean() }) },
  response: z.object({ module: z.string(), enabled: z.boolean() }),
  handler: async (ctx, { params, body }) => {
    if (!toggleableModules(ctx.registry).includes(params.module)) throw new ApiError(404, 'unknown_module', `There is no module "${params.module}" that can be turned off.`);
    await ctx.config.setModule(ctx.user.id, params.module, body.enabled);
    return { module: params.module, enabled: body.enabled };
  },
});
