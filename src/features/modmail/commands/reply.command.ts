import { defineCommand, defineMessageCommand, opt } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { REPLY_MAX, replyFromStaff, ticketHere } from '../interaction';

const textOption = opt.string('What to send the member', { required: true, maxLength: REPLY_MAX });

/** `/reply text`: sends the text to the ticket's member, signed with the staff member's name. */
export const replyCommand = defineCommand({
  name: 'reply',
  description: 'Reply to the member of this modmail ticket',
  level: 'helper',
  ephemeral: false,
  options: { text: textOption },
  handler: async (ctx, { text }) => {
    const ticket = await ticketHere(ctx);
    return ctx.defer(() => replyFromStaff(ctx, ticket, text, false, ctx.interaction.id));
  },
});

/** `/areply text`: the same, shown to the member as the staff team. */
export const anonymousReplyCommand = defineCommand({
  name: 'areply',
  description: 'Reply anonymously (as the staff team) to the member of this ticket',
  level: 'helper',
  ephemeral: false,
  options: { text: textOption },
  handler: async (ctx, { text }) => {
    const ticket = await ticketHere(ctx);
    return ctx.defer(() => replyFromStaff(ctx, ticket, text, true, ctx.interaction.id));
  },
});

/** "Send to member" on a staff message in the thread (an internal note until then): sends it once. */
export const sendToMemberCommand = defineMessageCommand({
  name: 'Send to member',
  description: 'Send this staff message in a modmail thread to the member',
  level: 'helper',
  ephemeral: false,
  handler: async (ctx, message) => {
    const ticket = await ticketHere(ctx);
    if (message.author.bot) throw new UserError('bot_message', 'Only a staff member’s own message can be sent this way.');
    if (message.author.id === ticket.memberId) throw new UserError('member_message', 'That message is the member’s.');
    const text = message.content.trim();
    if (!text) throw new UserError('empty_reply', 'That message has no text to send.');
    // One source per message: pressing it twice sends it once.
    return ctx.defer(() => replyFromStaff(ctx, ticket, text, false, `send:${message.id}`));
  },
});
