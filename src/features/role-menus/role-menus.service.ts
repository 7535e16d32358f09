/**
 * What role menus do beyond storage: refuse at setup a role the bot could never hand out,
 * keep a posted menu's message in step with the menu, and turn a member's pick into role
 * changes (through the REST client, with an audit-log reason) and an ephemeral answer that
 * says what changed, or why Discord refused.
 */
import { PermissionFlagsBits, RESTJSONErrorCodes, type APIRole } from 'discord-api-types/v10';
import type { InteractionContext } from '../../core/context';
import { UserError } from '../../core/errors';
import { DiscordApiError } from '../../discord';
import { highestPosition, memberPermissions } from '../moderation/public';
import { menuMessage } from './menu-message';
import { GuildRoleMenus } from './role-menus.repo';
import type { RoleMenu } from './schema';

/** Throws a `UserError` unless the bot can assign `roleId` today (exists, not managed, below its top role). */
export async function assertAssignable(ctx: InteractionContext, roleId: string): Promise<APIRole> {
  const [roles, bot] = await Promise.all([ctx.discord.guilds.roles(ctx.guild), ctx.discord.members.get(ctx.guild, ctx.discord.applicationId)]);
  const role = roles.find((r) => r.id === roleId);
  if (!role) throw new UserError('role_gone', 'That role no longer exists.');
  if (role.id === ctx.guild) throw new UserError('role_everyone', 'Everyone already has @everyone; pick another role.');
  if (role.managed) {
    throw new UserError('role_managed', `<@&${role.id}> is managed by an integration (a bot's role, the booster role, …); Discord lets nobody hand it out.`);
  }
  const top = highestPosition(roles, bot.roles);
  if (role.position >= top) {
    throw new UserError(
      'role_above_bot',
      `I can't hand out <@&${role.id}>: it is not below my highest role. Move my role above it in Server Settings → Roles, then add it again.`,
    );
  }
  const perms = memberPermissions({ id: ctx.guild, owner_id: '' }, roles, ctx.discord.applicationId, bot.roles);
  if ((perms & PermissionFlagsBits.ManageRoles) === 0n) throw new UserError('bot_missing_permission', "I'm missing the **Manage Roles** permission in this server.");
  return role;
}

/**
 * Edits the menu's posted message to match the menu. Returns a sentence for staff when the
 * message could not be updated (gone: the record is cleared), or null.
 */
export async function refreshPosted(ctx: InteractionContext, menu: RoleMenu): Promise<string | null> {
  if (!menu.channelId || !menu.messageId) return null;
  try {
    const { allowed_mentions: _, ...body } = menuMessage(menu);
    await ctx.discord.channels.editMessage(menu.channelId, menu.messageId, body);
    return 'The posted menu was updated.';
  } catch (error) {
    if (error instanceof DiscordApiError && (error.code === RESTJSONErrorCodes.UnknownMessage || error.code === RESTJSONErrorCodes.UnknownChannel)) {
      await new GuildRoleMenus(ctx.db, ctx.guild).setPosted(menu.id, null, null);
      return 'The posted menu was deleted, so there was nothing to update; post it again with `/rolemenu post`.';
    }
    if (error instanceof DiscordApiError) return `I couldn't update the posted menu (Discord ${error.status}${error.code ? `, code ${error.code}` : ''}).`;
    throw error;
  }
}

/** Role changes a pick asks for. */
export interface Plan {
  add: string[];
  remove: string[];
  /** Picked roles the member already has, in add-only menus. */
  kept: string[];
}

/**
 * What picking `picked` changes for a member holding `held`, under the menu's mode and
 * limits; throws a `UserError` when the pick is not allowed. Pure.
 */
export function planPick(menu: RoleMenu, held: ReadonlySet<string>, picked: readonly string[]): Plan {
  const onMenu = new Set(menu.options.map((o) => o.roleId));
  const valid = [...new Set(picked)].filter((id) => onMenu.has(id));
  if (valid.length === 0) throw new UserError('role_not_on_menu', 'That role is no longer on this menu. Staff may have changed it; ask them to post it again.');
  const plan: Plan = { add: [], remove: [], kept: [] };
  if (menu.mode === 'unique') {
    const pick = valid[0]!;
    if (held.has(pick)) plan.remove.push(pick);
    else {
      plan.add.push(pick);
      for (const id of onMenu) if (id !== pick && held.has(id)) plan.remove.push(id);
    }
    return plan;
  }
  for (const id of valid) {
    if (!held.has(id)) plan.add.push(id);
    else if (menu.mode === 'toggle') plan.remove.push(id);
    else plan.kept.push(id);
  }
  if (menu.maxPerMember && plan.add.length > 0) {
    const after = [...onMenu].filter((id) => (held.has(id) || plan.add.includes(id)) && !plan.remove.includes(id)).length;
    if (after > menu.maxPerMember) {
      throw new UserError(
        'menu_limit',
        `You can have at most ${menu.maxPerMember} of this menu's roles${menu.mode === 'toggle' ? '; drop one first (pick it again)' : ''}.`,
      );
    }
  }
  return plan;
}

function refusal(error: DiscordApiError, roleId: string, adding: boolean): string {
  const verb = adding ? 'give you' : 'take away';
  if (error.code === RESTJSONErrorCodes.UnknownRole) return `I couldn't ${verb} that role: it was deleted after this menu was posted. Please tell staff.`;
  if (error.code === RESTJSONErrorCodes.MissingPermissions) {
    return `Discord refused to let me ${verb} <@&${roleId}>: my highest role is no longer above it (or I lost Manage Roles). Please tell staff.`;
  }
  return `Discord refused to ${verb} <@&${roleId}> (${error.status}${error.code ? `, code ${error.code}` : ''}). Try again later.`;
}

/** Applies a member's pick on `menuId` and answers them ephemerally with what changed. */
export async function pick(ctx: InteractionContext, menuId: number, picked: readonly string[]) {
  const menu = await new GuildRoleMenus(ctx.db, ctx.guild).byId(menuId);
  if (!menu) throw new UserError('menu_gone', 'This role menu no longer exists.');
  const held = new Set(ctx.member?.roles ?? []);
  if (menu.requiredRoleId && !held.has(menu.requiredRoleId)) {
    throw new UserError('menu_requires_role', `You need the <@&${menu.requiredRoleId}> role to use this menu.`);
  }
  const plan = planPick(menu, held, picked);
  const reason = `Role menu "${menu.name}"`;
  const added: string[] = [];
  const removed: string[] = [];
  let problem: string | null = null;
  for (const [list, adding] of [[plan.add, true], [plan.remove, false]] as const) {
    for (const roleId of list) {
      if (problem) break;
      try {
        if (adding) await ctx.discord.members.addRole(ctx.guild, ctx.user.id, roleId, reason);
        else await ctx.discord.members.removeRole(ctx.guild, ctx.user.id, roleId, reason);
        (adding ? added : removed).push(roleId);
      } catch (error) {
        if (!(error instanceof DiscordApiError)) throw error;
        problem = refusal(error, roleId, adding);
      }
    }
  }
  const mentions = (ids: string[]) => ids.map((id) => `<@&${id}>`).join(', ');
  const lines: string[] = [];
  if (added.length) lines.push(`Added ${mentions(added)}.`);
  if (removed.length) lines.push(`Removed ${mentions(removed)}.`);
  if (plan.kept.length) lines.push(`You already have ${mentions(plan.kept)}.`);
  if (problem) lines.push(problem);
  if (lines.length === 0) lines.push('Nothing changed.');
  return ctx.reply({ ephemeral: true, content: lines.join('\n') });
}
