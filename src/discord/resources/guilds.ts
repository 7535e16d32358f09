import type {
  APIChannel,
  APIGuild,
  APIGuildScheduledEvent,
  APIRole,
  RESTGetAPIGuildThreadsResult,
  RESTPatchAPIGuildScheduledEventJSONBody,
  RESTPostAPIGuildRoleJSONBody,
  RESTPostAPIGuildScheduledEventJSONBody,
} from 'discord-api-types/v10';
import type { RestClient } from '../rest';

/** Guilds, their roles and channels. */
export function guilds(rest: RestClient) {
  return {
    /** @see https://discord.com/developers/docs/resources/guild#get-guild */
    get: (guildId: string) => rest.get<APIGuild>(`/guilds/${guildId}`),
    /**
     * The guild with `approximate_member_count` / `approximate_presence_count` filled in.
     * @see https://discord.com/developers/docs/resources/guild#get-guild
     */
    getWithCounts: (guildId: string) => rest.get<APIGuild>(`/guilds/${guildId}`, { query: { with_counts: true } }),
    /** @see https://discord.com/developers/docs/resources/guild#get-guild-roles */
    roles: (guildId: string) => rest.get<APIRole[]>(`/guilds/${guildId}/roles`),
    /** Active threads, public and private (forum posts too), newest first. @see https://discord.com/developers/docs/resources/guild#list-active-guild-threads */
    activeThreads: (guildId: string) => rest.get<RESTGetAPIGuildThreadsResult>(`/guilds/${guildId}/threads/active`),
    /** @see https://discord.com/developers/docs/resources/guild#get-guild-channels */
    channels: (guildId: string) => rest.get<APIChannel[]>(`/guilds/${guildId}/channels`),
    /** @see https://discord.com/developers/docs/resources/guild#create-guild-role */
    createRole: (guildId: string, body: RESTPostAPIGuildRoleJSONBody, reason?: string) =>
      rest.post<APIRole>(`/guilds/${guildId}/roles`, { body, ...(reason ? { reason } : {}) }),
    /** @see https://discord.com/developers/docs/resources/guild#delete-guild-role */
    deleteRole: (guildId: string, roleId: string, reason?: string) => rest.delete<void>(`/guilds/${guildId}/roles/${roleId}`, reason ? { reason } : {}),
    /** @see https://discord.com/developers/docs/resources/guild-scheduled-event#create-guild-scheduled-event */
    createScheduledEvent: (guildId: string, body: RESTPostAPIGuildScheduledEventJSONBody, reason?: string) =>
      rest.post<APIGuildScheduledEvent>(`/guilds/${guildId}/scheduled-events`, { body, ...(reason ? { reason } : {}) }),
    /** @see https://discord.com/developers/docs/resources/guild-scheduled-event#list-scheduled-events-for-guild */
    scheduledEvents: (guildId: string) => rest.get<APIGuildScheduledEvent[]>(`/guilds/${guildId}/scheduled-events`),
    /** @see https://discord.com/developers/docs/resources/guild-scheduled-event#modify-guild-scheduled-event */
    editScheduledEvent: (guildId: string, eventId: string, body: RESTPatchAPIGuildScheduledEventJSONBody, reason?: string) =>
      rest.patch<APIGuildScheduledEvent>(`/guilds/${guildId}/scheduled-events/${eventId}`, { body, ...(reason ? { reason } : {}) }),
    /** @see https://discord.com/developers/docs/resources/guild-scheduled-event#delete-guild-scheduled-event */
    deleteScheduledEvent: (guildId: string, eventId: string) => rest.delete<void>(`/guilds/${guildId}/scheduled-events/${eventId}`),
  };
}
