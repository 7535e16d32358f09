/**
 * Who may do what in a guild, decided on the server on every request from facts fetched with
 * the bot token: the guild (owner, roles; its absence means the bot is not there) and the
 * caller's member record (roles). Facts are kept per isolate for at most
 * `ACCESS_FACTS_MAX_AGE_MS`; a write asks for facts no older than `WRITE_FACTS_MAX_AGE_MS`, so a
 * demoted manager cannot change anything once Discord says so.
 */
import { PermissionFlagsBits, RESTJSONErrorCodes, type APIRole } from 'discord-api-types/v10';
import { DiscordApiError, type Discord } from '../../discord';
import { memberPermissions } from '../../discord/permissions';
import { levelRank, meetsLevel, resolveLevel, type StaffLevel } from '../staff';
import type { Delegation } from './grants.repo';
import type { ApiAccess, ApiGrant, ApiGuildInfo } from './define';
import { ApiError } from './errors';

/** The oldest access facts a read may use. */
export const ACCESS_FACTS_MAX_AGE_MS = 60_000;
/** The oldest access facts a write may use: none, a write always asks Discord again. */
export const WRITE_FACTS_MAX_AGE_MS = 0;
const MAX_CACHED = 2000;

/** What access is decided from. `memberRoles` is null when the user is not in the guild. */
export interface AccessFacts {
  guild: ApiGuildInfo;
  roles: APIRole[];
  memberRoles: string[] | null;
  /** When they were fetched (ms). */
  at: number;
}

const cache = new Map<string, { at: number; value: Promise<AccessFacts> }>();

/** The answer when the bot cannot see the guild (it left, was kicked, or the guild is gone). */
export function guildUnavailable(): ApiError {
  return new ApiError(404, 'guild_unavailable', 'Gatehouse is not in this server any more (it was removed, or the server was deleted). Add the bot again to manage it here.');
}

async function fetchFacts(discord: Discord, guildId: string, userId: string): Promise<AccessFacts> {
  const at = Date.now();
  const [guild, member] = await Promise.all([
    discord.guilds.get(guildId).catch((error: unknown) => {
      if (error instanceof DiscordApiError && (error.status === 404 || error.code === RESTJSONErrorCodes.MissingAccess)) throw guildUnavailable();
      throw error;
    }),
    discord.members.get(guildId, userId).catch((error: unknown) => {
      if (error instanceof DiscordApiError && (error.isUnknownMember || error.status === 404 || error.code === RESTJSONErrorCodes.MissingAccess)) return null;
      throw error;
    }),
  ]);
  return {
    guild: { id: guild.id, name: guild.name, icon: guild.icon, ownerId: guild.owner_id },
    roles: guild.roles,
    memberRoles: member ? member.roles : null,
    at,
  };
}

/** `userId`'s access facts in `guildId`, fetched unless a copy at most `maxAgeMs` old is cached. */
export function accessFacts(discord: Discord, guildId: string, userId: string, maxAgeMs = ACCESS_FACTS_MAX_AGE_MS): Promise<AccessFacts> {
  const key = `${guildId}:${userId}`;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at <= maxAgeMs) return hit.value;
  const value = fetchFacts(discord, guildId, userId);
  cache.delete(key);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, { at: now, value });
  value.catch(() => cache.get(key)?.value === value && cache.delete(key));
  return value;
}

/** Forgets the cached facts of a user (all guilds), e.g. at logout. */
export function forgetAccessFacts(userId: string): void {
  for (const key of cache.keys()) if (key.endsWith(`:${userId}`)) cache.delete(key);
}

const MANAGE = PermissionFlagsBits.Administrator | PermissionFlagsBits.ManageGuild;

/**
 * What `userId` holds: manager (owner, Administrator 0x8 or Manage Server 0x20, as BigInt),
 * else the highest level their roles map to. Null when they are not a member.
 */
export function grantOf(facts: AccessFacts, userId: string, mapping: ReadonlyMap<string, StaffLevel>): ApiGrant | null {
  if (facts.memberRoles === null) return null;
  const permissions = memberPermissions({ id: facts.guild.id, owner_id: facts.guild.ownerId }, facts.roles, userId, facts.memberRoles);
  if ((permissions & MANAGE) !== 0n) return { manager: true, level: 'administrator' };
  return { manager: false, level: resolveLevel({ userId, roleIds: facts.memberRoles, permissions: permissions.toString(), ownerId: facts.guild.ownerId }, mapping) };
}

/** Raises a non-manager's grant by a delegation stronger than their roles (never to manager). */
export function withDelegation(grant: ApiGrant, delegated: Delegation | null): ApiGrant {
  if (grant.manager || !delegated || levelRank(delegated.level) <= levelRank(grant.level)) return grant;
  return { manager: false, level: delegated.level, delegated, ...(delegated.write ? {} : { writeLevel: grant.level }) };
}

/** True when `grant` satisfies `access` for a read or a `write` (managers pass every level). */
export function allows(grant: ApiGrant, access: ApiAccess, write = false): boolean {
  if (grant.manager) return true;
  return access !== 'manager' && meetsLevel(write ? (grant.writeLevel ?? grant.level) : grant.level, access);
}
