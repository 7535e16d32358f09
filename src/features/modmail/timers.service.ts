/**
 * The ticket's timers, run by its Durable Object's alarm (so they survive restarts and no
 * isolate holds one in memory): a timed close (`/close in:2h`), the stale warning after a
 * quiet spell, and the auto-close that follows an unanswered warning. A member's message
 * cancels a pending timed close and auto-close and restarts the stale clock. Each handler
 * re-reads the ticket and checks it is still open and still quiet before acting, so a timer
 * that fires late, twice, or after a message it did not hear about does no harm.
 */
import { and, eq } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import { GuildConfig } from '../../core/guild-config.repo';
import { formatDuration } from '../moderation/public';
import { closeTicket } from './close.service';
import { ticketObject } from './objects';
import { TIMER } from './timer-kinds';
import { opsSettings, type OpsSettings } from './ops.config';
import type { TicketAlarmContext, TicketAlarmHandler } from './ops-hooks';
import { archiveAttachments, attachmentRef } from './attachments';
import { modmailTickets, type EntryRow, type TicketRow } from './schema';
import type { TicketTimer } from './ticket.types';
import { recordAction } from './transcript';

/** What a timed close carries. */
interface TimedCloseData {
  actorId: string;
  reason: string;
  scheduledAt: number;
  silent?: boolean;
}

/** What an auto-close carries: when the stale warning was posted. */
interface AutoCloseData {
  warnedAt: number;
}

async function openTicket(ctx: BaseContext, timer: TicketTimer): Promise<TicketRow | undefined> {
  const [row] = await ctx.db
    .select()
    .from(modmailTickets)
    .where(and(eq(modmailTickets.id, timer.ticketId), eq(modmailTickets.guildId, timer.guildId), eq(modmailTickets.state, 'open')));
  return row;
}

/** The last time anyone wrote in the ticket. */
export function lastActivity(t: TicketRow): number {
  return Math.max(t.openedAt, t.lastMemberMessageAt ?? 0, t.lastStaffMessageAt ?? 0);
}

/** A quiet spell, to the minute. */
const quietFor = (ms: number) => formatDuration(Math.max(60_000, Math.round(ms / 60_000) * 60_000));

async function threadLine(ctx: BaseContext, t: TicketRow, content: string): Promise<void> {
  if (!t.threadId) return;
  await ctx.discord.channels.createMessage(t.threadId, { content, allowed_mentions: { parse: [] } });
}

/** Schedules a timed close of `ticket` at `when` (replacing an earlier one). */
export async function scheduleClose(ctx: BaseContext, ticket: TicketRow, when: number, data: TimedCloseData, sourceId: string): Promise<void> {
  await ticketObject(ctx.env, ticket.guildId, ticket.memberId).scheduleAt({ kind: TIMER.close, when, guildId: ticket.guildId, memberId: ticket.memberId, ticketId: ticket.id, data }, ctx.env.DISCORD_API_BASE);
  await recordAction(ctx.db, {
    ticketId: ticket.id,
    actorId: data.actorId,
    action: 'close_scheduled',
    content: `Close scheduled in ${formatDuration(when - data.scheduledAt)}: ${data.reason}`,
    sourceId: `close_scheduled:${sourceId}`,
    createdAt: data.scheduledAt,
  });
}

/** Cancels a pending timed close; whether there was one. */
export async function cancelClose(ctx: BaseContext, ticket: TicketRow, actorId: string, sourceId: string, why: string): Promise<boolean> {
  const had = await ticketObject(ctx.env, ticket.guildId, ticket.memberId).cancel(TIMER.close);
  if (had) await recordAction(ctx.db, { ticketId: ticket.id, actorId, action: 'close_cancelled', content: `Timed close cancelled: ${why}`, sourceId: `close_cancelled:${sourceId}` });
  return had;
}

const closeHandler: TicketAlarmHandler = async (ctx, timer) => {
  const ticket = await openTicket(ctx, timer);
  const data = timer.data as TimedCloseData;
  if (!ticket) return;
  // A member message after the close was set cancels it (also when the cancel was missed).
  if ((ticket.lastMemberMessageAt ?? 0) > data.scheduledAt) return;
  await closeTicket(ctx, ticket, { actorId: data.actorId, reason: data.reason, sourceId: `timer:${timer.ticketId}:${data.scheduledAt}`, how: 'timed', notifyMember: !data.silent, cancelTimer: ctx.cancel });
};

const staleHandler: TicketAlarmHandler = async (ctx, timer) => {
  const ticket = await openTicket(ctx, timer);
  if (!ticket) return;
  const settings = await opsSettings(new GuildConfig(ctx.db, ticket.guildId));
  if (settings.staleAfterMs === null) return;
  const now = Date.now();
  const dueAt = lastActivity(ticket) + settings.staleAfterMs;
  if (dueAt > now) return ctx.scheduleAt({ ...timer, when: dueAt });
  const then = settings.autoCloseAfterMs === null ? '' : ` It closes itself <t:${Math.floor((now + settings.autoCloseAfterMs) / 1000)}:R> unless someone writes.`;
  await threadLine(ctx, ticket, `⏰ Nobody has written in this ticket for ${quietFor(now - lastActivity(ticket))}.${then}`);
  await recordAction(ctx.db, { ticketId: ticket.id, actorId: ctx.discord.applicationId, action: 'stale', content: 'Stale warning', sourceId: `stale:${lastActivity(ticket)}`, createdAt: now });
  if (settings.autoCloseAfterMs !== null) {
    ctx.scheduleAt({ kind: TIMER.autoclose, when: now + settings.autoCloseAfterMs, guildId: ticket.guildId, memberId: ticket.memberId, ticketId: ticket.id, data: { warnedAt: now } satisfies AutoCloseData });
  }
};

const autoCloseHandler: TicketAlarmHandler = async (ctx, timer) => {
  const ticket = await openTicket(ctx, timer);
  if (!ticket) return;
  const { warnedAt } = timer.data as AutoCloseData;
  const settings = await opsSettings(new GuildConfig(ctx.db, ticket.guildId));
  if (lastActivity(ticket) > warnedAt) {
    // Someone wrote after the warning: back to the stale clock.
    if (settings.staleAfterMs !== null) ctx.scheduleAt({ kind: TIMER.stale, when: lastActivity(ticket) + settings.staleAfterMs, guildId: ticket.guildId, memberId: ticket.memberId, ticketId: ticket.id });
    return;
  }
  await closeTicket(ctx, ticket, {
    actorId: ctx.discord.applicationId,
    reason: `Closed automatically after ${quietFor(Date.now() - lastActivity(ticket))} without a message.`,
    sourceId: `autoclose:${warnedAt}`,
    how: 'auto',
    cancelTimer: ctx.cancel,
  });
};

/** The alarm handlers by timer kind (installed in `ops-hooks.ts`). */
export const opsAlarmHandlers: Record<string, TicketAlarmHandler> = {
  [TIMER.close]: closeHandler,
  [TIMER.stale]: staleHandler,
  [TIMER.autoclose]: autoCloseHandler,
};

/**
 * After a member's message: copy its attachments to the archive (in the background: the
 * message is already in the thread, and Discord's links last a day), cancel a timed close
 * (saying so in the thread) and a pending auto-close, and restart the stale clock.
 */
export async function onMemberMessage(ctx: BaseContext, ticket: TicketRow, entry: EntryRow, known?: OpsSettings): Promise<void> {
  const object = ticketObject(ctx.env, ticket.guildId, ticket.memberId);
  const settings = known ?? (await opsSettings(new GuildConfig(ctx.db, ticket.guildId)));
  if (entry.attachments.length > 0) {
    const limits = { maxFileBytes: settings.maxAttachmentBytes, maxTicketBytes: settings.maxTicketAttachmentBytes };
    ctx.waitUntil(archiveAttachments({ db: ctx.db, bucket: ctx.env.MODMAIL_ARCHIVE }, ticket.guildId, ticket.id, entry.attachments.map(attachmentRef), limits));
  }
  const at = ticket.lastMemberMessageAt ?? Date.now();
  // One call to the ticket's object: cancel the timed close and the auto-close, restart the stale clock.
  const stale = settings.staleAfterMs === null ? [] : [{ kind: TIMER.stale, when: at + settings.staleAfterMs, guildId: ticket.guildId, memberId: ticket.memberId, ticketId: ticket.id }];
  const cancelled = (await object.retime([TIMER.close, TIMER.autoclose], stale, ctx.env.DISCORD_API_BASE)) as string[];
  if (cancelled.includes(TIMER.close)) {
    await recordAction(ctx.db, { ticketId: ticket.id, actorId: ticket.memberId, action: 'close_cancelled', content: 'Timed close cancelled: the member wrote', sourceId: `close_cancelled:${at}` });
    await threadLine(ctx, ticket, '↩️ The member wrote, so the timed close was cancelled.');
  }
}

export type { TicketAlarmContext };
