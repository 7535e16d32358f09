import type {
  APIBan,
  APIGuildMember,
  RESTGetAPIGuildMembersQuery,
  RESTPatchAPIGuildMemberJSONBody,
} from 'discord-api-types/v10';
import type { RestClient } from '../rest';

/** Guild members: roles, timeouts, kicks, bans. */
export function members(rest: RestClient) {
  return {
    /** @see https://discord.com/developers/docs/resources/guild#get-guild-member */
    get: (guildId: string, userId: string) => rest.get<APIGuildMember>(`/guilds/${guildId}/members/${userId}`),
    /** @see https://discord.com/developers/docs/resources/guild#list-guild-members */
    list: (guildId: string, query: RESTGetAPIGuildMembersQuery = {}) =>
      rest.get<APIGuildMember[]>(`/guilds/${guildId}/members`, { query: { ...query } }),
    /** @see https://discord.com/developers/docs/resources/guild#modify-guild-member */
    edit: (guildId: string, userId: string, body: RESTPatchAPIGuildMemberJSONBody, reason?: string) =>
      rest.patch<APIGuildMember>(`/guilds/${guildId}/members/${userId}`, { body, ...(reason ? { reason } : {}) }),
    /** @see https://discord.com/developers/docs/resources/guild#add-guild-member-role */
    addRole: (guildId: string, userId: string, roleId: string, reason?: string) =>
      rest.put<void>(`/guilds/${guildId}/members/${userId}/roles/${roleId}`, reason ? { reason } : {}),
    /** @see https://discord.com/developers/docs/resources/guild#remove-guild-member-role */
    removeRole: (guildId: string, userId: string, roleId: string, reason?: string) =>
      rest.delete<void>(`/guilds/${guildId}/members/${userId}/roles/${roleId}`, reason ? { reason } : {}),
    /** @see https://discord.com/developers/docs/resources/guild#remove-guild-member */
    kick: (guildId: string, userId: string, reason?: string) =>
      rest.delete<void>(`/guilds/${guildId}/members/${userId}`, reason ? { reason } : {}),
    /** @see https://discord.com/developers/docs/resources/guild#create-guild-ban */
    ban: (guildId: string, userId: string, deleteMessageSeconds = 0, reason?: string) =>
      rest.put<void>(`/guilds/${guildId}/bans/${userId}`, {
        body: { delete_message_seconds: deleteMessageSeconds },
        ...(reason ? { reason } : {}),
      }),
    /** @see https://discord.com/developers/docs/resources/guild#get-guild-ban */
    getBan: (guildId: string, userId: string) => rest.get<APIBan>(`/guilds/${guildId}/bans/${userId}`),
    /** @see https://discord.com/developers/docs/resources/guild#remove-guild-ban */
    unban: (guildId: string, userId: string, reason?: string) =>
      rest.delete<void>(`/guilds/${guildId}/bans/${userId}`, reason ? { reason } : {}),
  };
}
