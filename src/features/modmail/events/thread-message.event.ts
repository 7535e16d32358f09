/**
 * Anything staff type in a ticket's thread (not `/reply`, not a bot) is an internal note: it
 * is recorded in the transcript, never sent. Only thread messages (they carry `position`) cost
 * a lookup; the note is idempotent on the message id.
 */
import type { GatewayMessageCreateDispatchData } from 'discord-api-types/v10';
import { defineEvent } from '../../../core/define';
import { snowflakeTime } from '../../../discord/snowflake';
import { messageAttachments } from '../inbox.service';
import { GuildTickets } from '../tickets.repo';
import { recordEntry } from '../transcript';

export const threadMessageEvent = defineEvent<GatewayMessageCreateDispatchData>({
  name: 'thread-note',
  type: 'MESSAGE_CREATE',
  cost: 2,
  // Only thread messages (they carry `position`) are this handler's: every other guild message stays on the batched path.
  accepts: (message) => message.position !== undefined && !message.author?.bot && !message.webhook_id,
  handler: async (ctx, message) => {
    if (message.author.bot || message.webhook_id || message.position === undefined) return;
    const ticket = await new GuildTickets(ctx.db, ctx.guildId).byThread(message.channel_id);
    if (!ticket) return;
    await recordEntry(ctx.db, {
      ticketId: ticket.id,
      kind: 'note',
      authorId: message.author.id,
      content: message.content ?? '',
      attachments: messageAttachments(message),
      sourceId: message.id,
      threadMessageId: message.id,
      createdAt: snowflakeTime(message.id) ?? Date.now(),
    });
  },
});
