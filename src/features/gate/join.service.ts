/**
 * The member-join hook: give the unverified role and post a prompt to apply. The event may be
 * delivered more than once; each effect is idempotent: the role grant is a PUT, the prompt is
 * claimed per source id (`gate_join_events`) and posted with a nonce derived from the source
 * id, so a retry after a post that Discord applied but whose answer was lost posts nothing new.
 */
import { and, eq } from 'drizzle-orm';
import type { APIGuildMember } from 'discord-api-types/v10';
import type { EventContext } from '../../core/context';
import { messageNonce } from '../../discord/nonce';
import { GuildConfig } from '../../core/guild-config.repo';
import { readGateSettings } from './config';
import { gateJoinEvents } from './schema';

/** A `GUILD_MEMBER_ADD` payload: the member and its guild. */
export type MemberJoin = APIGuildMember & { guild_id: string };

/**
 * Handles a member joining a gated guild: assigns the unverified role (if configured) and
 * posts a prompt in the gate channel. A redelivered event (same `sourceId`) posts no second prompt.
 */
export async function onMemberJoin(ctx: EventContext, member: MemberJoin): Promise<void> {
  const guildId = member.guild_id;
  const user = member.user;
  if (!user || user.bot) return;
  const config = new GuildConfig(ctx.db, guildId);
  if (!(await config.moduleEnabled('gate', true))) return;
  const settings = await readGateSettings(config);
  if (!settings.unverifiedRoleId && !settings.gateChannelId) return;

  // The role grant is idempotent (PUT), so it may run again on redelivery.
  if (settings.unverifiedRoleId && !member.roles.includes(settings.unverifiedRoleId)) {
    await ctx.discord.members.addRole(guildId, user.id, settings.unverifiedRoleId, 'Gatehouse: unverified until an application is accepted');
  }
  if (!settings.gateChannelId) return;
  const claimed = await ctx.db
    .insert(gateJoinEvents)
    .values({ guildId, sourceId: ctx.sourceId, createdAt: Date.now() })
    .onConflictDoNothing()
    .returning({ sourceId: gateJoinEvents.sourceId });
  if (claimed.length === 0) return;
  const link = settings.gateMessageId ? ` (https://discord.com/channels/${guildId}/${settings.gateChannelId}/${settings.gateMessageId})` : '';
  try {
    await ctx.discord.channels.createMessage(settings.gateChannelId, {
      nonce: await messageNonce('gate.unverified-on-join', ctx.sourceId),
      enforce_nonce: true,
      content: `Welcome <@${user.id}>! This server reviews new members: press **Apply** on the gate message${link} to request access.`,
      allowed_mentions: { parse: [], users: [user.id] },
    });
  } catch (error) {
    // Let the queue retry: release the source id so the retry posts the prompt (the nonce
    // returns the first prompt instead when Discord did post it, e.g. after a timeout).
    await ctx.db.delete(gateJoinEvents).where(and(eq(gateJoinEvents.guildId, guildId), eq(gateJoinEvents.sourceId, ctx.sourceId)));
    throw error;
  }
}
