import type { APIAttachment } from 'discord-api-types/v10';
import type { CommandContext } from '../../../core/context';
import { defineCommand, defineMessageCommand, opt } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { REPLY_MAX, entryAttachment, replyFromStaff, ticketHere, type ReplyFiles } from '../interaction';
import { checkReplyFiles } from '../reply-files';
import type { EntryAttachment } from '../schema';

const textOption = opt.string('What to send the member', { required: true, maxLength: REPLY_MAX });
const fileOption = opt.attachment('A file to send with it (uploaded to the member’s DM)');

/**
 * Discord attachments (the `file:` option, a staff message's files) as a reply's files, checked
 * against the limits before anything is sent; none gives none.
 */
async function replyFiles(ctx: CommandContext, files: readonly APIAttachment[]): Promise<ReplyFiles | undefined> {
  if (files.length === 0) return undefined;
  const list: EntryAttachment[] = [];
  for (const file of files) {
    const a = entryAttachment(file);
    if (!a) throw new UserError('bad_file', 'That file is not on Discord’s CDN, so it cannot be sent.');
    list.push(a);
  }
  return { list, limits: await checkReplyFiles(ctx, list) };
}

/** `/reply text [file]`: sends the text (and the file) to the ticket's member, signed with the staff member's name. */
export const replyCommand = defineCommand({
  name: 'reply',
  description: 'Reply to the member of this modmail ticket',
  level: 'helper',
  ephemeral: false,
  options: { text: textOption, file: fileOption },
  handler: async (ctx, { text, file }) => {
    const ticket = await ticketHere(ctx);
    const files = await replyFiles(ctx, file ? [file] : []);
    return ctx.defer(() => replyFromStaff(ctx, ticket, text, false, ctx.interaction.id, files));
  },
});

/** `/areply text [file]`: the same, shown to the member as the staff team. */
export const anonymousReplyCommand = defineCommand({
  name: 'areply',
  description: 'Reply anonymously (as the staff team) to the member of this ticket',
  level: 'helper',
  ephemeral: false,
  options: { text: textOption, file: fileOption },
  handler: async (ctx, { text, file }) => {
    const ticket = await ticketHere(ctx);
    const files = await replyFiles(ctx, file ? [file] : []);
    return ctx.defer(() => replyFromStaff(ctx, ticket, text, true, ctx.interaction.id, files));
  },
});

/** "Send to member" on a staff message in the thread (an internal note until then): sends it, with its files, once. */
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
    if (!text && message.attachments.length === 0) throw new UserError('empty_reply', 'That message has no text or files to send.');
    // The message's files go with it, read from Discord's CDN like a `/reply file:`.
    const files = await replyFiles(ctx, message.attachments);
    // One source per message: pressing it twice sends it once.
    return ctx.defer(() => replyFromStaff(ctx, ticket, text, false, `send:${message.id}`, files));
  },
});
