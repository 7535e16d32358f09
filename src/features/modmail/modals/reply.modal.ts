import { defineModal } from '../../../core/define';
import { UserError } from '../../../core/errors';
import type { APIModalSubmitInteraction } from 'discord-api-types/v10';
import { REPLY_MAX, openTicketById, replyFromStaff, ticketMember, uploadedFiles } from '../interaction';
import { relayFromMember } from '../relay.service';
import { checkReplyFiles } from '../reply-files';
import { GuildTickets } from '../tickets.repo';

/** The staff reply modal's submit: sends the text and files and shows the copy in the thread. */
export const staffReplyModalSubmit = defineModal({
  key: 'modmail.sreplied',
  level: 'helper',
  ephemeral: false,
  handler: async (ctx, [ticketId, anonymous], fields) => {
    const ticket = await openTicketById(ctx, ticketId);
    const text = fields.text ?? '';
    const list = uploadedFiles(ctx.interaction as APIModalSubmitInteraction, fields);
    if (!text.trim() && list.length === 0) throw new UserError('empty_reply', 'The reply is empty: write something or add a file to send.');
    // Refused here (ephemeral, nothing recorded) rather than after the public defer.
    const files = list.length ? { list, limits: await checkReplyFiles(ctx, list) } : undefined;
    return ctx.defer(() => replyFromStaff(ctx, ticket, text, anonymous === '1', ctx.interaction.id, files));
  },
});

/** The member's reply modal's submit (from the bot's DMs): relayed into their open ticket. */
export const memberReplyModalSubmit = defineModal({
  key: 'modmail.mreplied',
  guildOnly: false,
  handler: async (ctx, [guildId], fields) => {
    if (!guildId) throw new UserError('bad_request', 'This form has expired.');
    const text = (fields.text ?? '').trim();
    const files = uploadedFiles(ctx.interaction as APIModalSubmitInteraction, fields);
    if (!text && files.length === 0) throw new UserError('empty_reply', 'Your message was empty: nothing was sent.');
    if (text.length > REPLY_MAX) throw new UserError('reply_too_long', `Your message is ${text.length} characters; at most ${REPLY_MAX} fit.`);
    const ticket = await new GuildTickets(ctx.db, guildId).openFor(ctx.user.id);
    if (!ticket) throw new UserError('ticket_closed', 'This conversation is closed. Use `/modmail open` to start a new one.');
    return ctx.defer(
      async () => {
        // Files go the way a DM's do: shown in the thread, copied to the archive after the post.
        await relayFromMember(ctx, ticket, { member: ticketMember(ctx.user), content: text, attachments: files, sourceId: ctx.interaction.id });
        await ctx.editOriginal(files.length ? `Sent to the staff, with ${files.length === 1 ? 'one file' : `${files.length} files`}.` : 'Sent to the staff.');
      },
      { ephemeral: true },
    );
  },
});
