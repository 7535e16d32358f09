import { defineCommand, opt } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { formatDuration, parseDuration } from '../../moderation/public';
import { closeTicket } from '../close.service';
import { ticketOfThread } from '../ticket-context';
import { cancelClose, scheduleClose } from '../timers.service';

/** Longest a timed close may wait. */
const MAX_CLOSE_DELAY_MS = 30 * 86_400_000;

/** `/close [reason] [in] [silent] [cancel]` in a ticket's staff thread. */
export const closeCommand = defineCommand({
  name: 'close',
  description: 'Close this modmail ticket, now or after a delay',
  level: 'helper',
  options: {
    reason: opt.string('Why (kept in the transcript; the member reads it)', { maxLength: 1000 }),
    in: opt.string('Close after this long unless the member writes (30m, 2h, 1d)', { maxLength: 20 }),
    silent: opt.boolean('Do not tell the member'),
    cancel: opt.boolean('Cancel a timed close'),
  },
  handler: async (ctx, { reason, in: delay, silent, cancel }) => {
    const ticket = await ticketOfThread(ctx, '/close');
    if (ticket.state !== 'open') throw new UserError('ticket_closed', `Ticket #${ticket.id} is already closed. \`/reopen\` reopens it.`);
    const sourceId = ctx.interaction.id;
    if (cancel) {
      const had = await cancelClose(ctx, ticket, ctx.user.id, sourceId, `cancelled by ${ctx.user.username}`);
      return ctx.reply({ ephemeral: !had, content: had ? `<@${ctx.user.id}> cancelled the timed close.` : 'This ticket has no timed close to cancel.' });
    }
    const why = reason?.trim() || 'No reason given.';
    if (delay) {
      const ms = parseDuration(delay);
      if (ms > MAX_CLOSE_DELAY_MS) throw new UserError('bad_duration', 'A timed close can wait at most 30 days.');
      const now = Date.now();
      await scheduleClose(ctx, ticket, now + ms, { actorId: ctx.user.id, reason: why, scheduledAt: now, silent: silent ?? false }, sourceId);
      return ctx.reply({ content: `⏳ This ticket closes <t:${Math.floor((now + ms) / 1000)}:R> (in ${formatDuration(ms)}) unless the member writes. \`/close cancel:true\` cancels it.` });
    }
    return ctx.defer(
      async () => {
        const outcome = await closeTicket(ctx, ticket, { actorId: ctx.user.id, reason: why, sourceId, how: 'staff', notifyMember: !silent });
        const head = outcome.closed ? `Closed ticket #${ticket.id}.` : `Ticket #${ticket.id} was already closed.`;
        await ctx.editOriginal({ content: [head, ...outcome.problems].join('\n') });
      },
      { ephemeral: true },
    );
  },
});
