import type { GatewayGuildMemberUpdateDispatchData } from 'discord-api-types/v10';
import { defineEvent } from '../../../core/define';
import { AvatarScans } from '../avatar-scans.repo';
import { enqueueScan } from '../enqueue';
import { MODEL_VERSION } from '../model';

/**
 * `GUILD_MEMBER_UPDATE`: a member who changed their avatar gets it scanned, as on join. Most
 * member updates are role or nickname changes, so the handler first looks the hash up (one
 * indexed read) and queues a scan only for a picture this model has not scored yet; default
 * avatars and bots are skipped. A redelivered event queues at most once more, and the
 * scanner's cache by avatar hash makes that a no-op.
 */
export const scanOnAvatarChangeEvent = defineEvent<GatewayGuildMemberUpdateDispatchData>({
  name: 'scan-avatar-on-change',
  type: 'GUILD_MEMBER_UPDATE',
  // The lookup and one queue send.
  cost: 2,
  handler: async (ctx, member) => {
    const user = member.user;
    if (!user?.avatar || user.bot) return;
    const known = await new AvatarScans(ctx.db).get(user.avatar);
    if (known && known.modelVersion === MODEL_VERSION) return;
    await enqueueScan(ctx.env, { guildId: member.guild_id, userId: user.id, avatarHash: user.avatar });
  },
});
