/**
 * The guild picker's list: the guilds the user can manage or is staff in (bot present), and the
 * guilds they could manage that the bot is not in yet (with an invite link). The user's guilds
 * come from `/users/@me/guilds`, cached in the session (Discord limits that route per IP for all
 * users of a backend) and read again only on `refresh`; on a 429 the cached list is answered
 * with a note. Bot presence and staff levels come from the same access facts as every guild
 * route (bot token, ≤ 60 s old).
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { inArray } from 'drizzle-orm';
import type { Context } from 'hono';
import { getDb } from '../../db/client';
import { DiscordApiError, RateLimitedError } from '../../discord';
import { appConfig } from '../env';
import { staffRoles } from '../schema';
import { meetsLevel, type StaffLevel } from '../staff';
import { GuildConfig } from '../guild-config.repo';
import { accessFacts, grantOf } from './access';
import { discordOf, type ApiEnv } from './context';
import { ApiError } from './errors';
import { currentUserGuilds } from './oauth';
import { saveSessionGuilds, type Session, type SessionGuild } from './session';
import { decryptToken } from './token-crypto';

/** At most this many guilds are checked with the bot token per list. */
export const PICKER_MAX_CHECKED = 50;

/** Permissions the invite link asks for: what the features use. */
export const BOT_INVITE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.ManageMessages |
  PermissionFlagsBits.ManageRoles |
  PermissionFlagsBits.KickMembers |
  PermissionFlagsBits.BanMembers |
  PermissionFlagsBits.ModerateMembers;

/** One entry of the picker. */
export interface PickerGuild {
  id: string;
  name: string;
  icon: string | null;
  botPresent: boolean;
  manager: boolean;
  level: StaffLevel;
  /** For a manageable guild without the bot: the link that adds it. */
  invite?: string;
}

const MANAGE = PermissionFlagsBits.Administrator | PermissionFlagsBits.ManageGuild;
const canManage = (g: SessionGuild) => g.owner || (BigInt(g.permissions) & MANAGE) !== 0n;

function inviteUrl(apiBase: string, applicationId: string, guildId: string): string {
  const url = new URL(`${apiBase.replace(/\/api(\/v\d+)?$/, '')}/oauth2/authorize`);
  url.searchParams.set('client_id', applicationId);
  url.searchParams.set('scope', 'bot applications.commands');
  url.searchParams.set('permissions', BOT_INVITE_PERMISSIONS.toString());
  url.searchParams.set('guild_id', guildId);
  url.searchParams.set('disable_guild_select', 'true');
  return url.toString();
}

/** The session's guild list, read from Discord again when asked (or never read). */
async function userGuilds(c: Context<ApiEnv>, session: Session, refresh: boolean): Promise<{ guilds: SessionGuild[]; at: number | null; note: string | null }> {
  const cached = { guilds: session.guilds ?? [], at: session.guildsAt };
  if (!refresh && session.guilds) return { ...cached, note: null };
  const config = appConfig(c.env);
  const token = session.tokenEnc && config.DASHBOARD_SECRET ? await decryptToken(config.DASHBOARD_SECRET, session.tokenEnc) : null;
  if (!token) return { ...cached, note: 'To refresh this list, log out and log in again.' };
  try {
    const guilds = await currentUserGuilds(config, token);
    const now = Date.now();
    await saveSessionGuilds(getDb(c.env), session.idHash, guilds, now);
    return { guilds, at: now, note: null };
  } catch (error) {
    if ((error instanceof DiscordApiError && error.status === 429) || error instanceof RateLimitedError) {
      return { ...cached, note: 'Discord is busy (rate limited): this is the list from your last refresh. Try again in a minute.' };
    }
    if (error instanceof DiscordApiError && error.status === 401) {
      throw new ApiError(401, 'login_required', 'Discord no longer accepts your login. Log in again.', { login: '/api/auth/login' });
    }
    throw error;
  }
}

/** The picker's answer. */
export async function guildPicker(c: Context<ApiEnv>, session: Session, refresh: boolean): Promise<{ guilds: PickerGuild[]; fetchedAt: string | null; note: string | null }> {
  const { guilds, at, note } = await userGuilds(c, session, refresh);
  const db = getDb(c.env);
  const ids = guilds.map((g) => g.id);
  const mapped = new Set(
    ids.length ? (await db.selectDistinct({ guildId: staffRoles.guildId }).from(staffRoles).where(inArray(staffRoles.guildId, ids.slice(0, 90)))).map((r) => r.guildId) : [],
  );
  const candidates = guilds.filter((g) => canManage(g) || mapped.has(g.id)).slice(0, PICKER_MAX_CHECKED);
  const config = appConfig(c.env);
  const discord = discordOf(c.env);
  const entries = await Promise.all(
    candidates.map(async (g): Promise<PickerGuild | null> => {
      const base = { id: g.id, name: g.name, icon: g.icon };
      try {
        const facts = await accessFacts(discord, g.id, session.user.id);
        const grant = grantOf(facts, session.user.id, await new GuildConfig(db, g.id).staffRoleMap());
        if (!grant || (!grant.manager && !meetsLevel(grant.level, 'helper'))) return null;
        return { ...base, botPresent: true, ...grant };
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'guild_unavailable')) throw error;
        return canManage(g) ? { ...base, botPresent: false, manager: true, level: 'administrator', invite: inviteUrl(config.DISCORD_API_BASE, config.DISCORD_APPLICATION_ID, g.id) } : null;
      }
    }),
  );
  const list = entries.filter((e): e is PickerGuild => e !== null).sort((a, b) => Number(b.botPresent) - Number(a.botPresent) || a.name.localeCompare(b.name));
  return { guilds: list, fetchedAt: at ? new Date(at).toISOString() : null, note };
}
