import { defineComponent } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { memberReplyModal, openTicketById, staffReplyModal } from '../interaction';
import { GuildTickets } from '../tickets.repo';

/** Reply / Reply anonymously on a relayed member message: the staff reply modal. */
export const staffReplyComponent = defineComponent({
  key: 'modmail.sreply',
  level: 'helper',
  handler: async (ctx, [ticketId, anonymous]) => {
    const ticket = await openTicketById(ctx, ticketId);
    return ctx.modal(staffReplyModal(ticket.id, anonymous === '1'));
  },
});

/** Reply on the bot's DMs (a member answering over HTTP): the member's reply modal. */
export const memberReplyComponent = defineComponent({
  key: 'modmail.mreply',
  guildOnly: false,
  handler: async (ctx, [guildId]) => {
    if (!guildId) throw new UserError('bad_request', 'This button has expired.');
    const ticket = await new GuildTickets(ctx.db, guildId).openFor(ctx.user.id);
    if (!ticket) throw new UserError('ticket_closed', 'This conversation is closed. Use `/modmail open` to start a new one.');
    return ctx.modal(memberReplyModal(guildId));
  },
});
