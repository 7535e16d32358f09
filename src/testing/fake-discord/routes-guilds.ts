/**
 * Guild routes: guild, roles, channels, members (incl. role changes, timeouts, kicks) and bans,
 * enforcing Discord's permission and role-hierarchy rules for the bot.
 *
 * Portable: no Node APIs.
 */
import type { APIRole, RESTPatchAPIGuildMemberJSONBody, RESTPostAPIGuildRoleJSONBody, RESTPutAPIGuildBanJSONBody } from 'discord-api-types/v10';
import { BanUserFromGuildRequestSchema, CreateRoleRequestSchema, SnowflakeTypeSchema } from 'discord-api-spec/zod';
import * as z from 'zod/mini';
import { errorTree, errors, ViolationError, type FlatIssue } from './errors.ts';
import { Permission } from './permissions.ts';
import { type AnyRoute, intQuery, route, snowflakeQuery } from './route-table.ts';
import { compareSnowflakes } from './snowflake.ts';
import type { GuildRec, MemberRec, SessionState } from './state.ts';
import { combine, requireGuild } from './routes-channels.ts';
import { LIMITS, specIssues, unknownKeys } from './validate.ts';

/**
 * Modify Guild Member body. The spec declares it inline (no named zod schema), so it is mirrored
 * here from discord-api-spec's `Paths["/guilds/{guild_id}/members/{user_id}"]["patch"]`, plus
 * Discord's documented 32-character nickname limit.
 */
const ModifyMemberSchema = z.object({
  nick: z.nullish(z.string().check(z.maxLength(LIMITS.nick))),
  roles: z.nullish(z.array(z.nullable(SnowflakeTypeSchema))),
  mute: z.nullish(z.boolean()),
  deaf: z.nullish(z.boolean()),
  channel_id: z.nullish(SnowflakeTypeSchema),
  communication_disabled_until: z.nullish(z.string().check(z.iso.datetime({ offset: true }))),
  flags: z.nullish(z.number()),
});

function requireMember(guild: GuildRec, userId: string | undefined): MemberRec {
  const m = userId === undefined ? undefined : guild.members.get(userId);
  if (!m) throw errors.unknownMember();
  return m;
}

function requireRole(guild: GuildRec, roleId: string | undefined): APIRole {
  const r = roleId === undefined ? undefined : guild.roles.get(roleId);
  if (!r) throw errors.unknownRole();
  return r;
}

function requireBotPermission(state: SessionState, guild: GuildRec, flag: bigint): void {
  if (!state.botCan(guild, flag)) throw errors.missingPermissions();
}

/** The bot may act on the target only if it outranks them (and the target is not the owner). */
function requireOutranks(state: SessionState, guild: GuildRec, userId: string): void {
  if (userId !== state.botUserId && !state.botOutranks(guild, userId)) throw errors.missingPermissions();
}

function requireManageableRole(state: SessionState, guild: GuildRec, role: APIRole): void {
  requireBotPermission(state, guild, Permission.ManageRoles);
  if (!state.botCanManageRole(guild, role)) throw errors.missingPermissions();
}

function sortedRoles(guild: GuildRec): APIRole[] {
  return [...guild.roles.values()].sort((a, b) => a.position - b.position || compareSnowflakes(a.id, b.id));
}

/** Guild routes. */
export const guildRoutes: AnyRoute[] = [
  route()({
    method: 'GET',
    path: '/guilds/{guild_id}',
    auth: 'bot',
    handler: ({ state, params }) => ({ status: 200, body: state.renderGuild(requireGuild(state, params.guild_id)) }),
  }),

  route()({
    method: 'GET',
    path: '/guilds/{guild_id}/roles',
    auth: 'bot',
    handler: ({ state, params }) => ({ status: 200, body: sortedRoles(requireGuild(state, params.guild_id)) }),
  }),

  route<RESTPostAPIGuildRoleJSONBody>()({
    method: 'POST',
    path: '/guilds/{guild_id}/roles',
    auth: 'bot',
    body: (body) => combine(specIssues(CreateRoleRequestSchema, body ?? {}), unknownKeys(CreateRoleRequestSchema, body)),
    handler: ({ state, params, body }) => {
      const guild = requireGuild(state, params.guild_id);
      requireBotPermission(state, guild, Permission.ManageRoles);
      const perms = BigInt(body?.permissions ?? 0);
      // Discord refuses a role with permissions the bot itself lacks.
      if (perms !== 0n && !state.botCan(guild, perms)) throw errors.missingPermissions();
      // A new role goes at the bottom, just above @everyone (Discord's behaviour); later roles shift up.
      for (const r of guild.roles.values()) if (r.id !== guild.id) r.position += 1;
      const role = state.putRole(guild, { name: body?.name ?? 'new role', position: 1, permissions: perms, color: body?.color ?? 0, hoist: body?.hoist ?? false, mentionable: body?.mentionable ?? false });
      return { status: 200, body: role };
    },
  }),

  route()({
    method: 'DELETE',
    path: '/guilds/{guild_id}/roles/{role_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const guild = requireGuild(state, params.guild_id);
      const role = requireRole(guild, params.role_id);
      requireManageableRole(state, guild, role);
      if (role.id === guild.id || role.managed) throw new ViolationError('invalid_path', 'the @everyone or a managed role cannot be deleted', 400, 50028);
      state.deleteRole(guild, role.id);
      return { status: 204 };
    },
  }),

  // Active threads (public and private, forum posts too), newest first, with the bot's own
  // thread-member rows, as Discord answers it.
  route()({
    method: 'GET',
    path: '/guilds/{guild_id}/threads/active',
    auth: 'bot',
    handler: ({ state, params }) => {
      const guild = requireGuild(state, params.guild_id);
      const threads = [...state.channels.values()]
        .filter((ch) => ch.guildId === guild.id && ch.thread && !ch.thread.archived)
        .sort((a, b) => compareSnowflakes(b.id, a.id));
      const members = threads
        .filter((ch) => ch.thread!.memberIds.has(state.botUserId))
        .map((ch) => ({ id: ch.id, user_id: state.botUserId, join_timestamp: new Date(ch.thread!.createdAt).toISOString(), flags: 0 }));
      return { status: 200, body: { threads: threads.map((ch) => state.renderChannel(ch)), members } };
    },
  }),

  route()({
    method: 'GET',
    path: '/guilds/{guild_id}/channels',
    auth: 'bot',
    handler: ({ state, params }) => {
      const guild = requireGuild(state, params.guild_id);
      const channels = guild.channelIds.flatMap((id) => {
        const ch = state.channels.get(id);
        return ch ? [state.renderChannel(ch)] : [];
      });
      return { status: 200, body: channels };
    },
  }),

  route()({
    method: 'GET',
    path: '/guilds/{guild_id}/members',
    auth: 'bot',
    query: (q) => [...intQuery(q, 'limit', 1, 1000), ...snowflakeQuery(q, 'after')],
    handler: ({ state, params, query }) => {
      const guild = requireGuild(state, params.guild_id);
      const limit = Number(query.get('limit') ?? '1');
      const after = query.get('after') ?? '0';
      const members = [...guild.members.values()]
        .filter((m) => compareSnowflakes(m.userId, after) > 0)
        .sort((a, b) => compareSnowflakes(a.userId, b.userId))
        .slice(0, limit)
        .map((m) => state.renderMember(guild, m));
      return { status: 200, body: members };
    },
  }),

  route()({
    method: 'GET',
    path: '/guilds/{guild_id}/members/{user_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const guild = requireGuild(state, params.guild_id);
      return { status: 200, body: state.renderMember(guild, requireMember(guild, params.user_id)) };
    },
  }),

  route<RESTPatchAPIGuildMemberJSONBody>()({
    method: 'PATCH',
    path: '/guilds/{guild_id}/members/{user_id}',
    auth: 'bot',
    body: (body) => combine(specIssues(ModifyMemberSchema, body), unknownKeys(ModifyMemberSchema, body)),
    handler: ({ state, params, body }) => {
      const guild = requireGuild(state, params.guild_id);
      const member = requireMember(guild, params.user_id);

      if (body.communication_disabled_until !== undefined) {
        const until = body.communication_disabled_until;
        if (until !== null) {
          const ms = Date.parse(until);
          if (ms > Date.now() + LIMITS.maxTimeoutMs) {
            const issue: FlatIssue = {
              path: 'communication_disabled_until',
              code: 'BASE_TYPE_BAD_TIMEOUT',
              message: 'Timeouts cannot be longer than 28 days.',
            };
            throw new ViolationError('invalid_body', 'communication_disabled_until is more than 28 days ahead', 400, 50035, undefined, errorTree([issue]), [issue]);
          }
        }
        requireBotPermission(state, guild, Permission.ModerateMembers);
        requireOutranks(state, guild, member.userId);
        if (state.isAdmin(guild, member.userId) || member.userId === state.botUserId) throw errors.missingPermissions();
      }

      if (body.nick !== undefined && member.userId !== state.botUserId) {
        requireBotPermission(state, guild, Permission.ManageNicknames);
        requireOutranks(state, guild, member.userId);
      }

      let nextRoles: string[] | null = null;
      if (body.roles !== undefined && body.roles !== null) {
        const wanted = [...new Set(body.roles.filter((r): r is string => r !== null))];
        for (const id of wanted) requireRole(guild, id);
        const added = wanted.filter((id) => !member.roles.includes(id));
        const removed = member.roles.filter((id) => !wanted.includes(id));
        for (const id of [...added, ...removed]) requireManageableRole(state, guild, requireRole(guild, id));
        nextRoles = wanted;
      }

      // All checks passed: apply.
      if (body.communication_disabled_until !== undefined) member.communicationDisabledUntil = body.communication_disabled_until;
      if (body.nick !== undefined) member.nick = body.nick === '' ? null : body.nick;
      if (nextRoles) member.roles = nextRoles;
      return { status: 200, body: state.renderMember(guild, member) };
    },
  }),

  route()({
    method: 'PUT',
    path: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const guild = requireGuild(state, params.guild_id);
      const member = requireMember(guild, params.user_id);
      const role = requireRole(guild, params.role_id);
      requireManageableRole(state, guild, role);
      if (!member.roles.includes(role.id)) member.roles.push(role.id);
      return { status: 204 };
    },
  }),

  route()({
    method: 'DELETE',
    path: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const guild = requireGuild(state, params.guild_id);
      const member = requireMember(guild, params.user_id);
      const role = requireRole(guild, params.role_id);
      requireManageableRole(state, guild, role);
      member.roles = member.roles.filter((id) => id !== role.id);
      return { status: 204 };
    },
  }),

  route()({
    method: 'DELETE',
    path: '/guilds/{guild_id}/members/{user_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const guild = requireGuild(state, params.guild_id);
      const member = requireMember(guild, params.user_id);
      requireBotPermission(state, guild, Permission.KickMembers);
      if (member.userId === state.botUserId) throw errors.missingPermissions();
      requireOutranks(state, guild, member.userId);
      guild.members.delete(member.userId);
      return { status: 204 };
    },
  }),

  route<RESTPutAPIGuildBanJSONBody>()({
    method: 'PUT',
    path: '/guilds/{guild_id}/bans/{user_id}',
    auth: 'bot',
    body: (body) => combine(specIssues(BanUserFromGuildRequestSchema, body ?? {}), unknownKeys(BanUserFromGuildRequestSchema, body)),
    handler: ({ state, params, body, reason }) => {
      const guild = requireGuild(state, params.guild_id);
      const userId = params.user_id ?? '';
      if (!state.users.has(userId)) throw errors.unknownUser();
      requireBotPermission(state, guild, Permission.BanMembers);
      if (userId === state.botUserId || userId === guild.ownerId) throw errors.missingPermissions();
      if (guild.members.has(userId)) requireOutranks(state, guild, userId);
      const seconds = body?.delete_message_seconds ?? (body?.delete_message_days ?? 0) * 86400;
      if (seconds > 0) {
        const since = Date.now() - seconds * 1000;
        for (const chId of guild.channelIds) {
          const doomed = (state.messages.get(chId) ?? []).filter((m) => m.author.id === userId && Date.parse(m.timestamp) >= since);
          state.deleteMessages(chId, new Set(doomed.map((m) => m.id)));
        }
      }
      guild.members.delete(userId);
      guild.bans.set(userId, { userId, reason });
      return { status: 204 };
    },
  }),

  route()({
    method: 'DELETE',
    path: '/guilds/{guild_id}/bans/{user_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const guild = requireGuild(state, params.guild_id);
      requireBotPermission(state, guild, Permission.BanMembers);
      if (!guild.bans.delete(params.user_id ?? '')) throw errors.unknownBan();
      return { status: 204 };
    },
  }),

  route()({
    method: 'GET',
    path: '/guilds/{guild_id}/bans/{user_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const guild = requireGuild(state, params.guild_id);
      requireBotPermission(state, guild, Permission.BanMembers);
      const ban = guild.bans.get(params.user_id ?? '');
      if (!ban) throw errors.unknownBan();
      return { status: 200, body: state.renderBan(ban) };
    },
  }),
];
