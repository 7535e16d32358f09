import { and, desc, eq } from 'drizzle-orm';
import { defineCommand, opt } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { reopenTicket } from '../close.service';
import { modmailTickets } from '../schema';

/** `/reopen member`: reopens the member's last ticket, within the guild's reopen window. */
export const reopenCommand = defineCommand({
  name: 'reopen',
  description: "Reopen a member's last modmail ticket (within the reopen window)",
  level: 'helper',
  options: { member: opt.user('Whose ticket', { required: true }) },
  handler: async (ctx, { member }) => {
    const [last] = await ctx.db
      .select()
      .from(modmailTickets)
      .where(and(eq(modmailTickets.guildId, ctx.guild), eq(modmailTickets.memberId, member.id)))
      .orderBy(desc(modmailTickets.openedAt))
      .limit(1);
    if (!last) throw new UserError('no_ticket', `<@${member.id}> has no modmail ticket here.`);
    const result = await reopenTicket(ctx, last, ctx.user.id, ctx.interaction.id);
    if ('refused' in result) {
      const why = {
        not_closed: `Ticket #${last.id} is open${last.threadId ? `: <#${last.threadId}>` : ''}.`,
        window_passed: `Ticket #${last.id} closed too long ago to reopen. Open a new one with \`/modmail contact\`.`,
        other_open: `<@${member.id}> has another open ticket.`,
      }[result.refused];
      throw new UserError(`reopen_${result.refused}`, why);
    }
    return ctx.reply({ ephemeral: true, content: `Reopened ticket #${last.id}${last.threadId ? `: <#${last.threadId}>` : ''}.` });
  },
});
