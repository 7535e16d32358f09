/**
 * Guild-level permissions and role positions computed from Discord payloads, the way Discord
 * decides who may act on whom (no channel overwrites). Pure functions.
 */
import { PermissionFlagsBits, type APIGuild, type APIRole } from 'discord-api-types/v10';

/** The position of the highest of `roleIds` (0: only @everyone). */
export function highestPosition(roles: readonly APIRole[], roleIds: readonly string[]): number {
  const wanted = new Set(roleIds);
  let top = 0;
  for (const role of roles) if (wanted.has(role.id) && role.position > top) top = role.position;
  return top;
}

/** Guild-level permissions of a member holding `roleIds` (owner: everything). */
export function memberPermissions(guild: Pick<APIGuild, 'id' | 'owner_id'>, roles: readonly APIRole[], userId: string, roleIds: readonly string[]): bigint {
  const all = Object.values(PermissionFlagsBits).reduce((a, b) => a | b, 0n);
  if (guild.owner_id === userId) return all;
  const held = new Set([...roleIds, guild.id]);
  let perms = 0n;
  for (const role of roles) if (held.has(role.id)) perms |= BigInt(role.permissions);
  return (perms & PermissionFlagsBits.Administrator) !== 0n ? all : perms;
}
