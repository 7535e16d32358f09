/**
 * Stubs of the ticket objects, for callers in this feature and modmail-ops. Each RPC call is
 * one subrequest: event and cron handlers count it (`ctx.budget.count(1)`).
 */
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

/** Opens (or finds) the ticket of `request`'s guild and member, through its object. */
export async function openTicket(env: Env, request: OpenRequest): Promise<OpenOutcome> {
  return (await ticketObject(env, request.guildId, request.member.id).open(request, env.DISCORD_API_BASE)) as OpenOutcome;
}
