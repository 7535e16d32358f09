/**
 * A member's plain DM to the bot (gateway relay, `DIRECT_MESSAGES`): handed to their DM inbox
 * object, which relays it into their open ticket in message order, or holds it and asks them
 * to confirm. The inbox dedupes by message id, so a redelivered event relays nothing twice.
 */
import type { GatewayMessageCreateDispatchData } from 'discord-api-types/v10';
import { defineLakeHook } from '../../../core/define';
import { ticketMember } from '../interaction';
import { RELAYED_TYPES, inboundFromMessage, padId } from '../inbox.service';
import { inboxObject } from '../objects';
import { latestOpenTickets } from '../tickets.repo';

/**
 * A DM lake hook, not a per-event handler: a queue batch's DMs are recorded, claimed and
 * settled together (a few round trips for the whole batch instead of two each), and each is
 * handed to its author's inbox, all authors at once and each author's DMs in id order.
 */
export const dmMessageHook = defineLakeHook({
  name: 'dm-message',
  types: ['MESSAGE_CREATE'],
  scope: 'dm',
  // The authors' open tickets (one read per 90), then one inbox call per DM; the inbox's own D1
  // and REST work runs in the object, outside this batch's budget.
  cost: (events) => events + Math.ceil(events / 90),
  handler: async (ctx, events) => {
    const byAuthor = new Map<string, GatewayMessageCreateDispatchData[]>();
    for (const { payload } of events) {
      const message = payload as GatewayMessageCreateDispatchData;
      // Bots' DMs (the bot's own among them) and system messages are only recorded.
      if (!message.author || message.author.bot || message.guild_id || !RELAYED_TYPES.has(message.type)) continue;
      byAuthor.set(message.author.id, [...(byAuthor.get(message.author.id) ?? []), message]);
    }
    if (byAuthor.size === 0) return;
    // Read here for the whole chunk (one read, not one per DM in each inbox): handed to each inbox,
    // which uses it for the drain that follows at once.
    const tickets = await latestOpenTickets(ctx.db, [...byAuthor.keys()]);
    await Promise.all(
      [...byAuthor.entries()].map(async ([authorId, messages]) => {
        const inbox = inboxObject(ctx.env, authorId);
        for (const message of messages.sort((a, b) => (padId(a.id) < padId(b.id) ? -1 : 1))) {
          ctx.budget.count(1);
          await inbox.deliverDm(inboundFromMessage(message, ticketMember(message.author)), ctx.env.DISCORD_API_BASE, { ticket: tickets.get(authorId) ?? null });
        }
      }),
    );
  },
});
