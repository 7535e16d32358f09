/**
 * The member card of `/userinfo` and the "User info" context menu. Everything comes from the
 * interaction (resolved user and member) plus the guild's staff-role map; staff also see
 * the member's moderation summary, in an ephemeral reply.
 */
import type { APIEmbed, APIEmbedField, APIInteractionDataResolvedGuildMember, APIUser } from 'discord-api-types/v10';
import type { InteractionContext, MessageData } from '../../core/context';
import { meetsLevel, resolveLevel, STAFF_LEVEL_LABELS } from '../../core/staff';
import { snowflakeTime } from '../../discord/snowflake';
import { caseSummary } from '../moderation/public';
import { fitList, when } from './embed-text';

const CDN = 'https://cdn.discordapp.com';

/** The user's global avatar (or Discord's default one) at `size`. */
export function globalAvatarUrl(user: APIUser, size = 256): string {
  if (!user.avatar) return `${CDN}/embed/avatars/${Number((BigInt(user.id) >> 22n) % 6n)}.png`;
  return `${CDN}/avatars/${user.id}/${user.avatar}.${user.avatar.startsWith('a_') ? 'gif' : 'png'}?size=${size}`;
}

/** The member's server avatar at `size`, or null when they have none. */
export function serverAvatarUrl(guildId: string, user: APIUser, member: { avatar?: string | null } | undefined, size = 256): string | null {
  const hash = member?.avatar;
  if (!hash) return null;
  return `${CDN}/guilds/${guildId}/users/${user.id}/avatars/${hash}.${hash.startsWith('a_') ? 'gif' : 'png'}?size=${size}`;
}

/** The card for `user` (and their membership, when they are in the guild). */
export async function userInfo(ctx: InteractionContext, user: APIUser, member: APIInteractionDataResolvedGuildMember | undefined): Promise<MessageData> {
  const staffMap = await ctx.config.staffRoleMap();
  const viewerIsStaff = meetsLevel(await ctx.level(), 'helper');
  const fields: APIEmbedField[] = [{ name: 'Account created', value: when(snowflakeTime(user.id) ?? 0), inline: true }];
  if (member) {
    fields.push({ name: 'Joined', value: member.joined_at ? when(Date.parse(member.joined_at)) : 'Unknown', inline: true });
    if (member.nick) fields.push({ name: 'Nickname', value: member.nick.slice(0, 100), inline: true });
    const level = resolveLevel({ userId: user.id, roleIds: member.roles, permissions: member.permissions }, staffMap);
    fields.push({ name: 'Staff level', value: STAFF_LEVEL_LABELS[level], inline: true });
    if (member.communication_disabled_until && Date.parse(member.communication_disabled_until) > Date.now()) {
      fields.push({ name: 'Timed out until', value: when(Date.parse(member.communication_disabled_until)), inline: true });
    }
    const roles = member.roles.filter((id) => id !== ctx.guild).map((id) => `<@&${id}>`);
    fields.push({ name: `Roles (${roles.length})`, value: fitList(roles) });
  } else {
    fields.push({ name: 'Member', value: 'Not in this server', inline: true });
  }
  if (viewerIsStaff && (await ctx.config.moduleEnabled('moderation', true))) {
    const summary = await caseSummary(ctx.db, ctx.guild, user.id);
    const parts = Object.entries(summary.byType).map(([type, n]) => `${n} ${type}`);
    fields.push({
      name: 'Moderation (staff only)',
      value: summary.total === 0 ? 'No cases.' : `${summary.total} case${summary.total === 1 ? '' : 's'}: ${fitList(parts, 700, ', ')}. Last ${when(summary.lastAt ?? 0)}. See \`/cases\`.`,
    });
  }
  const embed: APIEmbed = {
    title: `${user.global_name ?? user.username}${user.bot ? ' [bot]' : ''}`.slice(0, 256),
    description: `<@${user.id}> · \`${user.username}\` · ID \`${user.id}\``,
    thumbnail: { url: serverAvatarUrl(ctx.guild, user, member) ?? globalAvatarUrl(user) },
    fields,
  };
  return { embeds: [embed], ...(viewerIsStaff ? { ephemeral: true } : {}) };
}
