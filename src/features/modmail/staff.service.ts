/**
 * Staff actions on a ticket: claim, unclaim, transfer, priority, subscribe. Each is a
 * conditional update (who held it is part of the condition, so two staff claiming at once
 * give one claimant), recorded as an `action` entry once it took effect (idempotent on the
 * interaction id), so the transcript holds every action that happened and none that did not.
 */
import { and, eq } from 'drizzle-orm';
import type { InteractionContext, MessageData } from '../../core/context';
import { UserError } from '../../core/errors';
import { meetsLevel } from '../../core/staff';
import { modmailSubscriptions, type TicketPriority, type TicketRow } from './schema';
import { GuildTickets } from './tickets.repo';
import { recordAction } from './transcript';

const publicLine = (content: string): MessageData => ({ content, allowed_mentions: { parse: [] } });

async function changeClaim(ctx: InteractionContext, ticket: TicketRow, expected: string | null, next: string | null, action: string, line: string): Promise<MessageData> {
  const row = await new GuildTickets(ctx.db, ticket.guildId).setClaim(ticket.id, expected, next);
  if (!row) {
    const now = await new GuildTickets(ctx.db, ticket.guildId).byId(ticket.id);
    throw new UserError('claim_changed', now?.claimedBy ? `Ticket #${ticket.id} is claimed by <@${now.claimedBy}>.` : `Ticket #${ticket.id} is not claimed.`);
  }
  await recordAction(ctx.db, { ticketId: ticket.id, actorId: ctx.user.id, action, content: line, sourceId: ctx.interaction.id });
  return publicLine(line);
}

/** Claims an unclaimed ticket for the invoker. */
export function claimTicket(ctx: InteractionContext, ticket: TicketRow): Promise<MessageData> {
  if (ticket.claimedBy === ctx.user.id) throw new UserError('already_yours', 'You already hold this ticket.');
  if (ticket.claimedBy) throw new UserError('claimed', `<@${ticket.claimedBy}> holds this ticket; ask them to transfer it.`);
  return changeClaim(ctx, ticket, null, ctx.user.id, 'claim', `<@${ctx.user.id}> claimed ticket #${ticket.id}.`);
}

/** Gives back a ticket the invoker holds (moderators may release anyone's). */
export async function unclaimTicket(ctx: InteractionContext, ticket: TicketRow): Promise<MessageData> {
  if (!ticket.claimedBy) throw new UserError('not_claimed', 'Nobody holds this ticket.');
  if (ticket.claimedBy !== ctx.user.id && !(await isModerator(ctx))) throw new UserError('not_yours', `<@${ticket.claimedBy}> holds this ticket.`);
  return changeClaim(ctx, ticket, ticket.claimedBy, null, 'unclaim', `<@${ctx.user.id}> unclaimed ticket #${ticket.id}.`);
}

/** Hands the ticket to `to` (from its holder, or from nobody; moderators from anyone). */
export async function transferTicket(ctx: InteractionContext, ticket: TicketRow, to: string): Promise<MessageData> {
  if (ticket.claimedBy === to) throw new UserError('same_holder', `<@${to}> already holds this ticket.`);
  if (ticket.claimedBy && ticket.claimedBy !== ctx.user.id && !(await isModerator(ctx))) throw new UserError('not_yours', `<@${ticket.claimedBy}> holds this ticket.`);
  return changeClaim(ctx, ticket, ticket.claimedBy, to, 'transfer', `<@${ctx.user.id}> transferred ticket #${ticket.id} to <@${to}>.`);
}

async function isModerator(ctx: InteractionContext): Promise<boolean> {
  return meetsLevel(await ctx.level(), 'moderator');
}

/** Sets the priority (an action entry only when it changed). */
export async function setTicketPriority(ctx: InteractionContext, ticket: TicketRow, priority: TicketPriority): Promise<MessageData> {
  const changed = await new GuildTickets(ctx.db, ticket.guildId).setPriority(ticket.id, priority);
  if (changed.length === 0) throw new UserError('same_priority', `Ticket #${ticket.id} is already ${priority}.`);
  const line = `<@${ctx.user.id}> set the priority of ticket #${ticket.id} to **${priority}** (was ${ticket.priority}).`;
  await recordAction(ctx.db, { ticketId: ticket.id, actorId: ctx.user.id, action: 'priority', content: line, sourceId: ctx.interaction.id });
  return publicLine(line);
}

/** Subscribes (or unsubscribes) the invoker: pinged on each new member message. */
export async function setSubscription(ctx: InteractionContext, ticket: TicketRow, on: boolean): Promise<string> {
  const rows = on
    ? await ctx.db.insert(modmailSubscriptions).values({ ticketId: ticket.id, userId: ctx.user.id, createdAt: Date.now() }).onConflictDoNothing().returning()
    : await ctx.db
        .delete(modmailSubscriptions)
        .where(and(eq(modmailSubscriptions.ticketId, ticket.id), eq(modmailSubscriptions.userId, ctx.user.id)))
        .returning();
  if (rows.length === 0) return on ? 'You are already subscribed to this ticket.' : 'You were not subscribed to this ticket.';
  await recordAction(ctx.db, {
    ticketId: ticket.id,
    actorId: ctx.user.id,
    action: on ? 'subscribe' : 'unsubscribe',
    content: `<@${ctx.user.id}> ${on ? 'subscribed to' : 'unsubscribed from'} ticket #${ticket.id}.`,
    sourceId: ctx.interaction.id,
  });
  return on ? 'Subscribed: you are pinged on each new message from the member.' : 'Unsubscribed.';
}

