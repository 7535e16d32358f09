import type { GatewayMessageCreateDispatchData } from 'discord-api-types/v10';
import { defineEvent } from '../../../core/define';
import { countEvent } from '../milestones.service';

/** `MESSAGE_CREATE`: counts a member's messages where a message-count milestone exists. */
export const countMessagesEvent = defineEvent<GatewayMessageCreateDispatchData>({
  name: 'economy-count-messages',
  type: 'MESSAGE_CREATE',
  // The counter upsert (writes only in guilds with such a milestone), the due read, and per
  // milestone reached: award, role, reward batch, config read, announcement.
  cost: 8,
  handler: async (ctx, message) => {
    if (message.author.bot || message.webhook_id) return;
    await countEvent(ctx, ctx.guildId, 'MESSAGE_CREATE', message.author.id, ctx.sourceId);
  },
});
