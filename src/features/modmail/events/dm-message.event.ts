/**
 * A member's plain DM to the bot (gateway relay, `DIRECT_MESSAGES`): handed to their DM inbox
 * object, which relays it into their open ticket in message order, or holds it and asks them
 * to confirm. The inbox dedupes by message id, so a redelivered event relays nothing twice.
 */
import { MessageType, type GatewayMessageCreateDispatchData } from 'discord-api-types/v10';
import { defineEvent } from '../../../core/define';
import { snowflakeTime } from '../../../discord/snowflake';
import { ticketMember } from '../interaction';
import { inboxObject } from '../objects';
import type { EntryAttachment } from '../schema';

const RELAYED_TYPES = new Set<number>([MessageType.Default, MessageType.Reply]);

/** A DM's attachments as the transcript keeps them. */
export function dmAttachments(message: GatewayMessageCreateDispatchData): EntryAttachment[] {
  return (message.attachments ?? []).map((a) => ({
    id: a.id,
    filename: a.filename,
    size: a.size,
    url: a.url,
    ...(a.content_type ? { contentType: a.content_type } : {}),
  }));
}

export const dmMessageEvent = defineEvent<GatewayMessageCreateDispatchData, 'dm'>({
  name: 'dm-message',
  type: 'MESSAGE_CREATE',
  scope: 'dm',
  // The inbox call; its own D1 and REST work runs in the object, outside this batch's budget.
  cost: 2,
  // Bots' DMs and system messages are only recorded (the batched path).
  accepts: (message) => !message.author?.bot && !message.guild_id && RELAYED_TYPES.has(message.type),
  handler: async (ctx, message) => {
    if (message.author.bot || message.guild_id || !RELAYED_TYPES.has(message.type)) return;
    ctx.budget.count(1);
    await inboxObject(ctx.env, message.author.id).deliverDm(
      {
        messageId: message.id,
        channelId: message.channel_id,
        author: ticketMember(message.author),
        content: message.content ?? '',
        attachments: dmAttachments(message),
        sentAt: snowflakeTime(message.id) ?? Date.now(),
      },
      ctx.env.DISCORD_API_BASE,
    );
  },
});
