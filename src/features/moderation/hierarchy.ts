/**
 * Who may act on whom: staff level, Discord role hierarchy (actor and bot), and the people
 * nobody acts on (oneself, the owner, the bot). Pure functions over Discord payloads.
 */
import { PermissionFlagsBits, type APIGuild, type APIGuildMember, type APIRole } from 'discord-api-types/v10';
import { UserError } from '../../core/errors';
import { STAFF_LEVEL_LABELS, levelRank, resolveLevel, type StaffLevel } from '../../core/staff';
import { highestPosition, memberPermissions } from '../../discord/permissions';

/** The permissions moderation actions need, with the names Discord's UI shows. */
export const PERMISSION_NAMES = {
  ModerateMembers: 'Timeout Members',
  ManageRoles: 'Manage Roles',
  KickMembers: 'Kick Members',
  BanMembers: 'Ban Members',
  ManageMessages: 'Manage Messages',
  ReadMessageHistory: 'Read Message History',
} as const satisfies Partial<Record<keyof typeof PermissionFlagsBits, string>>;

/** A permission moderation checks for. */
export type ModPermission = keyof typeof PERMISSION_NAMES;

export { highestPosition, memberPermissions } from '../../discord/permissions';

/** The invoker, as the interaction describes them. */
export interface Actor {
  id: string;
  roleIds: readonly string[];
  level: StaffLevel;
}

/** Everything the checks look at. */
export interface Scene {
  guild: Pick<APIGuild, 'id' | 'owner_id' | 'name'>;
  roles: readonly APIRole[];
  botId: string;
  botMember: APIGuildMember;
  targetId: string;
  /** The target's membership; null when they are not in the guild. */
  targetMember: APIGuildMember | null;
  staffRoles: ReadonlyMap<string, StaffLevel>;
}

/** The target's staff level under the guild's mapping (owner and Administrator included). */
export function targetLevel(scene: Scene): StaffLevel {
  if (!scene.targetMember) return 'everyone';
  const roleIds = scene.targetMember.roles;
  return resolveLevel(
    {
      userId: scene.targetId,
      roleIds,
      ownerId: scene.guild.owner_id,
      permissions: memberPermissions(scene.guild, scene.roles, scene.targetId, roleIds).toString(),
    },
    scene.staffRoles,
  );
}

/**
 * Throws a `UserError` unless `actor` may act on the scene's target: not themselves, the
 * owner or the bot; staff level above theirs; highest role above theirs; and the bot's
 * highest role above theirs. Role checks apply only when the target is a member.
 */
export function assertCanAct(actor: Actor, scene: Scene): void {
  if (scene.targetId === actor.id) throw new UserError('self', "You can't act on yourself.");
  if (scene.targetId === scene.botId) throw new UserError('bot', "I won't act on myself.");
  if (scene.targetId === scene.guild.owner_id) throw new UserError('owner', "Nobody can act on the server owner.");
  const member = scene.targetMember;
  if (!member) return;
  const theirs = targetLevel(scene);
  if (levelRank(actor.level) <= levelRank(theirs)) {
    throw new UserError(
      'target_outranks_level',
      `You can't act on that member: your staff level (${STAFF_LEVEL_LABELS[actor.level]}) is not above theirs (${STAFF_LEVEL_LABELS[theirs]}).`,
    );
  }
  const targetTop = highestPosition(scene.roles, member.roles);
  if (actor.id !== scene.guild.owner_id && highestPosition(scene.roles, actor.roleIds) <= targetTop) {
    throw new UserError('target_outranks_role', "You can't act on that member: your highest role is not above theirs.");
  }
  if (highestPosition(scene.roles, scene.botMember.roles) <= targetTop) {
    throw new UserError('bot_below_target', "I can't act on that member: my highest role is below theirs.");
  }
}

/** Throws a `UserError` naming the permission when the bot lacks it. */
export function assertBotCan(scene: Scene, permission: ModPermission): void {
  const perms = memberPermissions(scene.guild, scene.roles, scene.botId, scene.botMember.roles);
  if ((perms & PermissionFlagsBits[permission]) === 0n) {
    throw new UserError('bot_missing_permission', `I'm missing the **${PERMISSION_NAMES[permission]}** permission in this server.`);
  }
}

/** Throws a `UserError` when the bot cannot assign or remove `roleId`. */
export function assertBotCanManageRole(scene: Scene, roleId: string, what: string): void {
  const role = scene.roles.find((r) => r.id === roleId);
  if (!role) throw new UserError('role_gone', `The ${what} role no longer exists. An administrator can set it again with \`/modconfig roles\`.`);
  if (role.managed || role.position >= highestPosition(scene.roles, scene.botMember.roles)) {
    throw new UserError('role_above_bot', `I can't assign the ${what} role <@&${roleId}>: it is not below my highest role.`);
  }
}
