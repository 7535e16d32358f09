import type { PermissionFlagsBits } from 'discord-api-types/v10';

/**
 * The permission bits the fake checks. Values mirror `PermissionFlagsBits` from
 * discord-api-types (imported as a type only; the `satisfies` clause checks the names).
 */
export const Permission = {
  CreateInstantInvite: 1n << 0n,
  KickMembers: 1n << 1n,
  BanMembers: 1n << 2n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ChangeNickname: 1n << 26n,
  ManageNicknames: 1n << 27n,
  ManageRoles: 1n << 28n,
  UseApplicationCommands: 1n << 31n,
  ManageEvents: 1n << 33n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  SendMessagesInThreads: 1n << 38n,
  ModerateMembers: 1n << 40n,
  CreateEvents: 1n << 44n,
} as const satisfies Partial<Record<keyof typeof PermissionFlagsBits, bigint>>;

/** The names accepted wherever the control API takes permissions by name. */
export type PermissionName = keyof typeof Permission;

/** Default permissions of @everyone in a seeded guild. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  Permission.CreateInstantInvite | Permission.AddReactions | Permission.ViewChannel | Permission.SendMessages |
  Permission.EmbedLinks | Permission.AttachFiles | Permission.ReadMessageHistory | Permission.UseExternalEmojis |
  Permission.ChangeNickname | Permission.UseApplicationCommands;

/** Default permissions of the bot's managed role in a seeded guild (a moderation bot, not Administrator). */
export const DEFAULT_BOT_PERMISSIONS =
  DEFAULT_EVERYONE_PERMISSIONS | Permission.KickMembers | Permission.BanMembers | Permission.ManageMessages |
  Permission.ManageNicknames | Permission.ManageRoles | Permission.ModerateMembers | Permission.ManageChannels |
  Permission.ManageEvents |
  Permission.ManageThreads | Permission.CreatePublicThreads | Permission.CreatePrivateThreads | Permission.SendMessagesInThreads;

/** Parse a permissions value given as a decimal string, a number, or a list of names. */
export function parsePermissions(value: string | number | readonly PermissionName[] | undefined, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  if (typeof value === 'string') return BigInt(value);
  if (typeof value === 'number') return BigInt(value);
  return value.reduce((acc, name) => acc | Permission[name], 0n);
}

/** True when `perms` includes `flag` (Administrator implies everything). */
export function hasPermission(perms: bigint, flag: bigint): boolean {
  return (perms & Permission.Administrator) !== 0n || (perms & flag) === flag;
}
