/**
 * The staff hierarchy. Each level is mapped per guild to Discord roles; a member's level is
 * the highest mapped role they hold, and the guild owner and holders of the Administrator
 * permission are administrators.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';

/** Staff levels, lowest first. */
export const STAFF_LEVELS = [
  'everyone',
  'verified',
  'helper',
  'reviewer',
  'moderator',
  'senior_moderator',
  'administrator',
] as const;

/** A staff level name. */
export type StaffLevel = (typeof STAFF_LEVELS)[number];

/** Human names for messages. */
export const STAFF_LEVEL_LABELS: Record<StaffLevel, string> = {
  everyone: 'everyone',
  verified: 'verified member',
  helper: 'helper',
  reviewer: 'reviewer',
  moderator: 'moderator',
  senior_moderator: 'senior moderator',
  administrator: 'administrator',
};

/** The rank of a level: higher outranks lower. */
export function levelRank(level: StaffLevel): number {
  return STAFF_LEVELS.indexOf(level);
}

/** True when `level` is at least `required`. */
export function meetsLevel(level: StaffLevel, required: StaffLevel): boolean {
  return levelRank(level) >= levelRank(required);
}

/** True when `level` is a known level name. */
export function isStaffLevel(value: string): value is StaffLevel {
  return (STAFF_LEVELS as readonly string[]).includes(value);
}

/** What a member's level is computed from. */
export interface MemberStanding {
  userId: string;
  roleIds: readonly string[];
  /** The member's computed permissions bit string, when known (interactions carry it). */
  permissions?: string;
  /** The guild owner's id, when known. */
  ownerId?: string | null;
}

/**
 * A member's staff level under a guild's role mapping (`roleId → level`).
 */
export function resolveLevel(standing: MemberStanding, mapping: ReadonlyMap<string, StaffLevel>): StaffLevel {
  if (standing.ownerId && standing.ownerId === standing.userId) return 'administrator';
  if (standing.permissions && (BigInt(standing.permissions) & PermissionFlagsBits.Administrator) !== 0n) {
    return 'administrator';
  }
  let best: StaffLevel = 'everyone';
  for (const roleId of standing.roleIds) {
    const level = mapping.get(roleId);
    if (level && levelRank(level) > levelRank(best)) best = level;
  }
  return best;
}
