/**
 * The Discord side of a moderation case, as data: what a pending case is about to do
 * (`ModAction`, stored on the case before the call), how to do it, and how to tell whether it
 * is in effect. The action service performs it right after writing the intent; the reconcile
 * cron checks it and repeats it for cases left pending.
 */
import { RESTJSONErrorCodes, type APIGuildMember } from 'discord-api-types/v10';
import * as z from 'zod';
import { DiscordApiError, RateLimitedError, type Discord } from '../../discord';
import type { CaseType, PunishmentKind } from './schema';

const snowflake = z.string().regex(/^\d{17,20}$/);

/** A Discord action a case makes. `until` is ms since epoch. */
export const modActionSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('ban'), deleteMessageSeconds: z.number().int().min(0) }),
  z.object({ op: z.literal('softban'), deleteMessageSeconds: z.number().int().min(0) }),
  z.object({ op: z.literal('unban') }),
  z.object({ op: z.literal('kick') }),
  z.object({ op: z.literal('timeout'), until: z.number().int() }),
  z.object({ op: z.literal('untimeout') }),
  z.object({ op: z.literal('addRole'), roleId: snowflake }),
  z.object({ op: z.literal('removeRole'), roleId: snowflake }),
  /** Replace the member's roles; `marker` is present afterwards (suspend) or absent (unsuspend). */
  z.object({ op: z.literal('setRoles'), roles: z.array(snowflake), marker: snowflake, markerPresent: z.boolean() }),
]);

/** A Discord action a case makes. */
export type ModAction = z.infer<typeof modActionSchema>;

/** Where an action lands and what the audit log says. */
export interface ActionTarget {
  guildId: string;
  targetId: string;
  auditReason: string;
}

/**
 * Performs `action`. Resolves with a follow-up failure that did not undo it (a softban whose
 * unban Discord refused: the ban stands, so the case does too), else null.
 */
export async function performAction(discord: Discord, t: ActionTarget, action: ModAction): Promise<DiscordApiError | RateLimitedError | null> {
  const { guildId, targetId, auditReason } = t;
  switch (action.op) {
    case 'ban':
      await discord.members.ban(guildId, targetId, action.deleteMessageSeconds, auditReason);
      return null;
    case 'softban':
      await discord.members.ban(guildId, targetId, action.deleteMessageSeconds, auditReason);
      try {
        await discord.members.unban(guildId, targetId, `softban: ${auditReason}`);
      } catch (error) {
        if (error instanceof DiscordApiError || error instanceof RateLimitedError) return error;
        throw error;
      }
      return null;
    case 'unban':
      await discord.members.unban(guildId, targetId, auditReason);
      return null;
    case 'kick':
      await discord.members.kick(guildId, targetId, auditReason);
      return null;
    case 'timeout':
      await discord.members.edit(guildId, targetId, { communication_disabled_until: new Date(action.until).toISOString() }, auditReason);
      return null;
    case 'untimeout':
      await discord.members.edit(guildId, targetId, { communication_disabled_until: null }, auditReason);
      return null;
    case 'addRole':
      await discord.members.addRole(guildId, targetId, action.roleId, auditReason);
      return null;
    case 'removeRole':
      await discord.members.removeRole(guildId, targetId, action.roleId, auditReason);
      return null;
    case 'setRoles':
      await discord.members.edit(guildId, targetId, { roles: action.roles }, auditReason);
      return null;
  }
}

function hasCode(error: unknown, code: number): boolean {
  return error instanceof DiscordApiError && error.code === code;
}

async function memberOrNull(discord: Discord, guildId: string, userId: string): Promise<APIGuildMember | null> {
  try {
    return await discord.members.get(guildId, userId);
  } catch (error) {
    if (hasCode(error, RESTJSONErrorCodes.UnknownMember) || hasCode(error, RESTJSONErrorCodes.UnknownUser)) return null;
    throw error;
  }
}

/** Whether the user is banned from the guild (one GET). */
export async function isBanned(discord: Discord, guildId: string, userId: string): Promise<boolean> {
  try {
    await discord.members.getBan(guildId, userId);
    return true;
  } catch (error) {
    if (hasCode(error, RESTJSONErrorCodes.UnknownBan)) return false;
    throw error;
  }
}

/**
 * Whether `action` is in effect on Discord now (read back, one or two GETs). A kick counts
 * as in effect once they are not a member; a softban once they are not banned.
 */
export async function actionInEffect(discord: Discord, t: ActionTarget, action: ModAction, now = Date.now()): Promise<boolean> {
  const { guildId, targetId } = t;
  switch (action.op) {
    case 'ban':
      return isBanned(discord, guildId, targetId);
    case 'softban':
    case 'unban':
      return !(await isBanned(discord, guildId, targetId));
    case 'kick':
      return (await memberOrNull(discord, guildId, targetId)) === null;
    case 'timeout': {
      const until = (await memberOrNull(discord, guildId, targetId))?.communication_disabled_until;
      return !!until && Date.parse(until) > now;
    }
    case 'untimeout': {
      const until = (await memberOrNull(discord, guildId, targetId))?.communication_disabled_until;
      return !until || Date.parse(until) <= now;
    }
    case 'addRole':
      return (await memberOrNull(discord, guildId, targetId))?.roles.includes(action.roleId) ?? false;
    case 'removeRole':
      return !((await memberOrNull(discord, guildId, targetId))?.roles.includes(action.roleId) ?? false);
    case 'setRoles': {
      const member = await memberOrNull(discord, guildId, targetId);
      if (!member) return false;
      return member.roles.includes(action.marker) === action.markerPresent;
    }
  }
}

/**
 * True when Discord clearly did not perform the call: a 4xx answer (missing permission,
 * unknown member, …) or a rate limit the client gave up on before sending. A 5xx, a timeout
 * or a network error is not a refusal: the action may have happened, so the case stays
 * pending for the reconcile cron.
 */
export function isDiscordRefusal(error: unknown): boolean {
  if (error instanceof RateLimitedError) return true;
  return error instanceof DiscordApiError && error.status >= 400 && error.status < 500;
}

/** The live punishment kinds a confirmed case of each type replaces (a ban replaces a pending unban, …). */
export const CANCELS: Record<CaseType, PunishmentKind[]> = {
  warn: [],
  kick: [],
  softban: [],
  ban: ['ban'],
  unban: ['ban'],
  timeout: ['timeout'],
  untimeout: ['timeout'],
  mute: ['mute'],
  unmute: ['mute'],
  suspend: [], // never replaced: a second suspension is refused (mod_punishments_one_suspension)
  unsuspend: ['suspend'],
};
