/**
 * Gateway events as the relay queues them, for tests that feed the EVENTS consumer directly.
 */
import type { APIUser, GatewayGuildMemberAddDispatchData, GatewayGuildMemberRemoveDispatchData } from 'discord-api-types/v10';
import type { QueuedEvent } from '../discord/gateway/wire';

/** A `GUILD_MEMBER_ADD` of `user` (an id, or user fields) with the relay's deterministic source id. */
export function memberJoinEvent(guildId: string, user: string | (Partial<APIUser> & { id: string }), joinedAt = new Date().toISOString()): QueuedEvent {
  const fields = typeof user === 'string' ? { id: user } : user;
  const payload: GatewayGuildMemberAddDispatchData = {
    guild_id: guildId,
    user: { username: 'newbie', discriminator: '0', global_name: null, avatar: null, ...fields },
    roles: [],
    joined_at: joinedAt,
    deaf: false,
    mute: false,
    flags: 0 as GatewayGuildMemberAddDispatchData['flags'],
  };
  return { type: 'GUILD_MEMBER_ADD', sourceId: `${guildId}:${fields.id}:${joinedAt}`, guildId, payload, receivedAt: Date.now() };
}

/** A `GUILD_MEMBER_REMOVE` of `userId` (the member left, or was kicked). */
export function memberRemoveEvent(guildId: string, userId: string, at = Date.now()): QueuedEvent {
  const payload: GatewayGuildMemberRemoveDispatchData = { guild_id: guildId, user: { id: userId, username: 'leaver', discriminator: '0', global_name: null, avatar: null } };
  return { type: 'GUILD_MEMBER_REMOVE', sourceId: `${guildId}:${userId}:left:${at}`, guildId, payload, receivedAt: at };
}
