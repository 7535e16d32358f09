/**
 * Closing and reopening a ticket. Order of a close, each step durable before the next
 * irreversible one:
 * 1. the conditional UPDATE open → closed decides who closed it (a second closer, a timer
 *    racing a staff member, finds nothing to do), then the `close` action entry is recorded;
 * 2. the ticket object's timers are cancelled (timed close, stale, auto-close);
 * 3. the transcript is archived: attachments copied, JSON written to R2 and indexed in D1;
 * 4. the HTML transcript is posted to the `modmail_log` channel (staff only), once (nonce);
 * 5. the member is told (unless silent, or they left), then the staff thread gets the closing
 *    line and is archived and locked.
 * Discord refusing step 4 or 5 (a deleted thread, a member with closed DMs, no log channel)
 * loses nothing: the ticket is closed and its transcript stored; the outcome says what failed.
 */
import { and, eq, gte } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import { GuildConfig } from '../../core/guild-config.repo';
import { emitInternalFrom } from '../../core/internal-events';
import { isUniqueViolation } from '../../db/errors';
import { DiscordApiError } from '../../discord';
import { messageNonce } from '../../discord/nonce';
import { setTranscriptLog, storeTranscript } from './archive.service';
import { MODMAIL_LOG, opsSettings } from './ops.config';
import { modmailTickets, type TicketRow } from './schema';
import { ticketObject } from './objects';
import { TIMER } from './timer-kinds';
import { recordAction } from './transcript';
import { renderTranscriptHtml } from './transcript-html';


/** How a close came about (stats and the member's DM read it). */
export type CloseHow = 'staff' | 'timed' | 'auto' | 'left' | 'gate';

/** What a close needs. */
export interface CloseRequest {
  /** The staff member, or the bot's application id for automatic closes. */
  actorId: string;
  reason: string;
  /** Deduplicates the `close` action entry (an interaction id, a timer's id). */
  sourceId: string;
  how: CloseHow;
  /** DM the member that the ticket closed (default true; never when they left). */
  notifyMember?: boolean;
  /** Cancels the ticket's timers; inside the ticket object's alarm, its own controls. */
  cancelTimer?: (kind: string) => void | Promise<unknown>;
  now?: number;
}

/** What a close did. */
export interface CloseOutcome {
  closed: boolean;
  ticket: TicketRow;
  /** Sentences for staff: what could not be done (the close itself stands). */
  problems: string[];
}

/** Whether an error is Discord saying the channel (thread) no longer exists. */
function isUnknownChannel(error: unknown): boolean {
  return error instanceof DiscordApiError && error.code === 10003;
}

const CLOSE_DM: Record<CloseHow, (server: string, reason: string) => string> = {
  staff: (s, r) => `Your conversation with the staff of **${s}** was closed.\nReason: ${r}`,
  timed: (s, r) => `Your conversation with the staff of **${s}** was closed.\nReason: ${r}`,
  auto: (s) => `Your conversation with the staff of **${s}** was closed because nobody wrote in it for a while.`,
  left: (s) => `Your conversation with the staff of **${s}** was closed because you left the server.`,
  gate: (s, r) => `Your conversation with the staff of **${s}** was closed: ${r}`,
};

/**
 * Closes `ticket` (see the module comment for the order). Closing a ticket that is already
 * closed does nothing and says so (`closed: false`).
 */
export async function closeTicket(ctx: BaseContext, ticket: TicketRow, request: CloseRequest): Promise<CloseOutcome> {
  const now = request.now ?? Date.now();
  const reason = request.reason.slice(0, 1000);
  const [closed] = await ctx.db
    .update(modmailTickets)
    .set({ state: 'closed', closedAt: now, closedBy: request.actorId, closeReason: reason })
    .where(and(eq(modmailTickets.id, ticket.id), eq(modmailTickets.guildId, ticket.guildId), eq(modmailTickets.state, 'open')))
    .returning();
  if (!closed) return { closed: false, ticket, problems: [] };
  await recordAction(ctx.db, { ticketId: closed.id, actorId: request.actorId, action: 'close', content: `Closed (${request.how}): ${reason}`, sourceId: `close:${request.sourceId}`, createdAt: now });
  await emitInternalFrom(ctx, 'ticket_closed', { guildId: closed.guildId, userId: closed.memberId, key: `ticket:${closed.id}:closed:${now}`, payload: { ticketId: closed.id, how: request.how, closedBy: request.actorId } });

  const cancel = request.cancelTimer ?? ((kind: string) => ticketObject(ctx.env, closed.guildId, closed.memberId).cancel(kind));
  await Promise.all(Object.values(TIMER).map((kind) => cancel(kind)));

  const config = new GuildConfig(ctx.db, closed.guildId);
  const settings = await opsSettings(config);
  const { doc } = await storeTranscript(ctx, closed, { maxFileBytes: settings.maxAttachmentBytes, maxTicketBytes: settings.maxTicketAttachmentBytes });
  const problems: string[] = [];

  const logChannel = await config.channel(MODMAIL_LOG);
  if (!logChannel) problems.push('No `modmail_log` channel is set, so the transcript was stored but not posted (`/config channel set modmail_log`).');
  else {
    try {
      const message = await ctx.discord.channels.createMessage(
        logChannel,
        {
          content: `Ticket #${closed.id} · <@${closed.memberId}> · closed by <@${request.actorId}> (${request.how}): ${reason.slice(0, 1500)}\n${doc.entries.length} entries.`,
          allowed_mentions: { parse: [] },
          nonce: await messageNonce('modmail.transcript', String(closed.id), String(now)),
          enforce_nonce: true,
        },
        [{ name: `ticket-${closed.id}.html`, data: renderTranscriptHtml(doc), contentType: 'text/html' }],
      );
      await setTranscriptLog(ctx, closed.id, logChannel, message.id);
    } catch (error) {
      if (!(error instanceof DiscordApiError)) throw error;
      problems.push(`The transcript was stored but could not be posted to <#${logChannel}> (${error.message}).`);
    }
  }

  if ((request.notifyMember ?? true) && request.how !== 'left') {
    const guild = await ctx.discord.guilds.get(closed.guildId).catch(() => null);
    const window = settings.reopenWindowMs > 0 ? `\nIf you need more help, staff can reopen it until <t:${Math.floor((now + settings.reopenWindowMs) / 1000)}:f>.` : '';
    try {
      await ctx.discord.users.sendDm(closed.memberId, { content: CLOSE_DM[request.how](guild?.name ?? 'the server', reason) + window, allowed_mentions: { parse: [] } });
    } catch (error) {
      if (!(error instanceof DiscordApiError)) throw error;
      problems.push(error.isCannotDm ? 'The member does not accept DMs, so they were not told.' : `The member could not be told (${error.message}).`);
    }
  }

  if (closed.threadId) {
    try {
      await ctx.discord.channels.createMessage(closed.threadId, { content: `🔒 Closed by <@${request.actorId}> (${request.how}): ${reason.slice(0, 1800)}`, allowed_mentions: { parse: [] } });
      await ctx.discord.channels.edit(closed.threadId, { archived: true, locked: true }, `Modmail ticket #${closed.id} closed`);
    } catch (error) {
      if (!(error instanceof DiscordApiError)) throw error;
      if (!isUnknownChannel(error)) problems.push(`The staff thread could not be archived (${error.message}).`);
    }
  }
  return { closed: true, ticket: closed, problems };
}

/** Why a reopen was refused. */
export type ReopenRefusal = 'not_closed' | 'window_passed' | 'other_open';

/**
 * Reopens a closed ticket within the guild's reopen window: a conditional UPDATE (closed and
 * closed recently enough), refused by the one-open-ticket index when the member has opened
 * another ticket since. The thread is unarchived and the member told.
 */
export async function reopenTicket(ctx: BaseContext, ticket: TicketRow, actorId: string, sourceId: string, now = Date.now()): Promise<{ ticket: TicketRow } | { refused: ReopenRefusal }> {
  if (ticket.state !== 'closed') return { refused: 'not_closed' };
  const settings = await opsSettings(new GuildConfig(ctx.db, ticket.guildId));
  let reopened: TicketRow | undefined;
  try {
    [reopened] = await ctx.db
      .update(modmailTickets)
      .set({ state: 'open', closedAt: null, closedBy: null, closeReason: null })
      .where(
        and(
          eq(modmailTickets.id, ticket.id),
          eq(modmailTickets.guildId, ticket.guildId),
          eq(modmailTickets.state, 'closed'),
          gte(modmailTickets.closedAt, now - settings.reopenWindowMs),
        ),
      )
      .returning();
  } catch (error) {
    if (isUniqueViolation(error)) return { refused: 'other_open' };
    throw error;
  }
  if (!reopened) return { refused: settings.reopenWindowMs === 0 || (ticket.closedAt ?? 0) < now - settings.reopenWindowMs ? 'window_passed' : 'not_closed' };
  await recordAction(ctx.db, { ticketId: reopened.id, actorId, action: 'reopen', content: 'Reopened', sourceId: `reopen:${sourceId}`, createdAt: now });
  if (reopened.threadId) {
    try {
      await ctx.discord.channels.edit(reopened.threadId, { archived: false, locked: false }, `Modmail ticket #${reopened.id} reopened`);
    } catch (error) {
      if (!(error instanceof DiscordApiError)) throw error;
      console.warn(JSON.stringify({ msg: 'modmail: reopened thread could not be unarchived', ticketId: reopened.id, error: error.message }));
    }
  }
  try {
    await ctx.discord.users.sendDm(reopened.memberId, { content: 'The staff reopened your conversation: you can write here again.', allowed_mentions: { parse: [] } });
  } catch (error) {
    if (!(error instanceof DiscordApiError)) throw error;
  }
  return { ticket: reopened };
}
