/**
 * Which permissions make a role dangerous, as BigInt bits (a bitfield is a decimal string on
 * the wire and may exceed 2^53), and their names for alerts and pages.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';

/** The permissions the drift watch follows, with the names owners read. */
export const DANGEROUS: readonly (readonly [bigint, string])[] = [
  [PermissionFlagsBits.Administrator, 'Administrator'],
  [PermissionFlagsBits.ManageGuild, 'Manage Server'],
  [PermissionFlagsBits.ManageRoles, 'Manage Roles'],
  [PermissionFlagsBits.ManageChannels, 'Manage Channels'],
  [PermissionFlagsBits.ManageWebhooks, 'Manage Webhooks'],
  [PermissionFlagsBits.BanMembers, 'Ban Members'],
  [PermissionFlagsBits.KickMembers, 'Kick Members'],
  [PermissionFlagsBits.MentionEveryone, 'Mention Everyone'],
];

/** Every dangerous bit at once. */
export const DANGEROUS_MASK = DANGEROUS.reduce((mask, [bit]) => mask | bit, 0n);

/** A bitfield from the wire (decimal string), 0 for anything unreadable. */
export function bits(permissions: string | null | undefined): bigint {
  if (!permissions || !/^\d{1,30}$/.test(permissions)) return 0n;
  return BigInt(permissions);
}

/** Only the dangerous bits of a bitfield, as a decimal string ("0" when none). */
export function dangerousPart(permissions: string | null | undefined): string {
  return (bits(permissions) & DANGEROUS_MASK).toString();
}

/** Whether a role with these permissions is followed. */
export function isDangerous(permissions: string | null | undefined): boolean {
  return (bits(permissions) & DANGEROUS_MASK) !== 0n;
}

/** The names of the dangerous permissions in a bitfield. */
export function dangerousNames(permissions: string | null | undefined): string[] {
  const b = bits(permissions);
  return DANGEROUS.filter(([bit]) => (b & bit) !== 0n).map(([, name]) => name);
}

/** The dangerous permissions gained and lost between two bitfields. */
export function permissionDelta(before: string | null | undefined, after: string | null | undefined): { gained: string[]; lost: string[] } {
  const b = bits(before) & DANGEROUS_MASK;
  const a = bits(after) & DANGEROUS_MASK;
  return { gained: dangerousNames((a & ~b).toString()), lost: dangerousNames((b & ~a).toString()) };
}

/** The millisecond timestamp inside a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + 1420070400000n);
}

/** Snowflake order (numeric, not by string). */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
