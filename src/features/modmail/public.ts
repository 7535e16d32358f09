/**
 * Modmail's public surface: the only file other features may import.
 */
import type { BaseContext } from '../../core/context';
import { closeTicket } from './close.service';
import { GuildTickets } from './tickets.repo';

/**
 * Closes the member's open ticket in `guildId`, if any, with `note` as the reason (the gate
 * calls it when an application is decided). The member is not DMed: the caller already told
 * them its decision. Never throws: a failure is logged and the caller's work stands.
 * @returns whether a ticket was closed
 */
export async function closeTicketFor(ctx: BaseContext, guildId: string, userId: string, note: string): Promise<boolean> {
  try {
    const ticket = await new GuildTickets(ctx.db, guildId).openFor(userId);
    if (!ticket) return false;
    const outcome = await closeTicket(ctx, ticket, { actorId: ctx.discord.applicationId, reason: note, sourceId: `gate:${ticket.id}`, how: 'gate', notifyMember: false });
    return outcome.closed;
  } catch (error) {
    console.error(JSON.stringify({ msg: 'modmail: closeTicketFor failed', guildId, userId, error: String(error), stack: (error as Error)?.stack }));
    return false;
  }
}
