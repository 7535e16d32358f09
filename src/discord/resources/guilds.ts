import type { APIChannel, APIGuild, APIRole } from 'discord-api-types/v10';
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
    /** @see https://discord.com/developers/docs/resources/guild#get-guild-channels */
    channels: (guildId: string) => rest.get<APIChannel[]>(`/guilds/${guildId}/channels`),
  };
}
