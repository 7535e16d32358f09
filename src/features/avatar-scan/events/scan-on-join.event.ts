import type { GatewayGuildMemberAddDispatchData } from 'discord-api-types/v10';
import { defineEvent } from '../../../core/define';
import { enqueueScan } from '../enqueue';

/**
 * `GUILD_MEMBER_ADD`: queue a scan of the newcomer's avatar. Default avatars and bots are
 * skipped (no risk); a redelivered event queues again, and the scanner's cache by avatar
 * hash makes that a no-op. The events consumer skips it where the module is off.
 */
export const scanOnJoinEvent = defineEvent<GatewayGuildMemberAddDispatchData>({
  name: 'scan-avatar-on-join',
  type: 'GUILD_MEMBER_ADD',
  // One queue send.
  cost: 1,
  handler: async (ctx, member) => {
    const user = member.user;
    if (!user?.avatar || user.bot) return;
    await enqueueScan(ctx.env, { guildId: member.guild_id, userId: user.id, avatarHash: user.avatar });
  },
});
