/**
 * The guild's roles and channels for the dashboard's pickers and for checking ids a page
 * sends: roles from the access facts the guild middleware already fetched (at most
 * `ACCESS_FACTS_MAX_AGE_MS` old, no extra call), channels from Discord with the bot token,
 * kept per isolate for `CHANNELS_TTL_MS` (a page that opens several pickers costs one call).
 */
import { ChannelType, type APIChannel, type APIRole } from 'discord-api-types/v10';
import { accessFacts } from './access';
import type { ApiContext } from './define';

/** How long an isolate reuses a guild's channel list. */
export const CHANNELS_TTL_MS = 30_000;
const MAX_CACHED = 500;
const channelCache = new Map<string, { at: number; value: Promise<APIChannel[]> }>();

/** The guild's channels (cached briefly per isolate). */
export function guildChannels(ctx: Pick<ApiContext, 'discord' | 'guild'>, maxAgeMs = CHANNELS_TTL_MS): Promise<APIChannel[]> {
  const hit = channelCache.get(ctx.guild);
  const now = Date.now();
  if (hit && now - hit.at <= maxAgeMs) return hit.value;
  const value = ctx.discord.guilds.channels(ctx.guild);
  channelCache.delete(ctx.guild);
  if (channelCache.size >= MAX_CACHED) channelCache.delete(channelCache.keys().next().value!);
  channelCache.set(ctx.guild, { at: now, value });
  value.catch(() => channelCache.get(ctx.guild)?.value === value && channelCache.delete(ctx.guild));
  return value;
}

/** Drops the cached channel list of a guild (tests, or after creating one). */
export function forgetGuildChannels(guildId: string): void {
  channelCache.delete(guildId);
}

/** The guild's roles, from the caller's access facts (the same the middleware used). */
export async function guildRoles(ctx: Pick<ApiContext, 'discord' | 'guild' | 'user'>): Promise<APIRole[]> {
  return (await accessFacts(ctx.discord, ctx.guild, ctx.user.id)).roles;
}

/** Channel types a feature can post in. */
export const POSTABLE_CHANNEL_TYPES: readonly ChannelType[] = [ChannelType.GuildText, ChannelType.GuildAnnouncement];
