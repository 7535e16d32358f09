/**
 * Stubs of the ticket objects, for callers in this feature and modmail-ops. Each RPC call is
 * one subrequest: event and cron handlers count it (`ctx.budget.count(1)`).
 */
import type { BaseContext } from '../../core/context';
import { emitInternalFrom } from '../../core/internal-events';
import type { Registry } from '../../core/registry';
import type { OpenOutcome, OpenRequest } from './ticket.types';

/** The object name of one (guild, member) ticket key. */
export function ticketObjectName(guildId: string, memberId: string): string {
  return `ticket:${guildId}:${memberId}`;
}

/** The object name of a user's DM inbox. */
export function inboxObjectName(userId: string): string {
  return `inbox:${userId}`;
}


/**
 * The ticket object of one (guild, member): `open`, `scheduleAt`, `cancel`, `timers`. Pass
 * `env.DISCORD_API_BASE` as the optional last argument of `open`/`scheduleAt` (the object's
 * REST calls then go where the caller's do).
 */
export function ticketObject(env: Env, guildId: string, memberId: string) {
  return env.MODMAIL_TICKETS.getByName(ticketObjectName(guildId, memberId));
}

/** A user's DM inbox object: `deliverDm`, `releaseHeld`, `discardHeld`, `heldSubject`. */
export function inboxObject(env: Env, userId: string) {
  return env.MODMAIL_TICKETS.getByName(inboxObjectName(userId));
}

/**
 * Opens (or finds) the ticket of `request`'s guild and member, through its object. With the
 * caller's context, a ticket it created is announced (`ticket_opened`; the object has no registry).
 */
export async function openTicket(env: Env, request: OpenRequest, tell?: BaseContext & { registry?: Registry }): Promise<OpenOutcome> {
  const outcome = (await ticketObject(env, request.guildId, request.member.id).open(request, env.DISCORD_API_BASE)) as OpenOutcome;
  if (tell && outcome.ok && outcome.created) {
    const t = outcome.ticket;
    await emitInternalFrom(tell, 'ticket_opened', { guildId: t.guildId, userId: t.memberId, key: `ticket:${t.id}`, payload: { ticketId: t.id, via: request.via, openedBy: request.openedBy, categoryId: request.categoryId ?? null } });
  }
  return outcome;
}
