import type { GatewayGuildMemberRemoveDispatchData } from 'discord-api-types/v10';
import { defineEvent } from '../../../core/define';
import { closeTicket } from '../close.service';
import { opsSettings } from '../ops.config';
import { GuildTickets } from '../tickets.repo';

/**
 * Closes the member's open ticket when they leave (unless the guild turned it off). At least
 * once: a repeat finds the ticket closed and does nothing.
 */
export const closeOnLeaveEvent = defineEvent<GatewayGuildMemberRemoveDispatchData>({
  name: 'modmail.close-on-leave',
  type: 'GUILD_MEMBER_REMOVE',
  cost: 16,
  handler: async (ctx, payload) => {
    const ticket = await new GuildTickets(ctx.db, ctx.guildId).openFor(payload.user.id);
    if (!ticket) return;
    if (!(await opsSettings(ctx.config)).closeOnLeave) return;
    await closeTicket(ctx, ticket, { actorId: ctx.discord.applicationId, reason: 'The member left the server.', sourceId: `left:${ctx.sourceId}`, how: 'left', notifyMember: false });
  },
});
