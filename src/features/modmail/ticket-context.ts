/**
 * The ticket a staff command is about: the one whose staff thread it runs in.
 */
import type { InteractionContext } from '../../core/context';
import { UserError } from '../../core/errors';
import type { TicketRow } from './schema';
import { GuildTickets } from './tickets.repo';

/** The ticket of the thread the interaction came from, or a `UserError` saying where to run it. */
export async function ticketOfThread(ctx: InteractionContext, command: string): Promise<TicketRow> {
  const channelId = ctx.interaction.channel?.id ?? ctx.interaction.channel_id;
  const ticket = channelId ? await new GuildTickets(ctx.db, ctx.guild).byThread(channelId) : undefined;
  if (!ticket) throw new UserError('not_a_ticket', `\`${command}\` works in a modmail ticket's staff thread.`);
  return ticket;
}
