/**
 * `/modmail stats`: what a guild's tickets opened since `since` say about its staff. Three
 * grouped queries in one batch: the ticket totals and times, tickets per category, and per
 * staff member the tickets they answered and closed. Averages and medians are computed from
 * the per-ticket durations, which are bounded by the window.
 */
import { and, count, eq, gte, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { modmailCategories, modmailEntries, modmailTickets } from './schema';

/** What the stats say. */
export interface ModmailStats {
  opened: number;
  closed: number;
  open: number;
  /** Median ms from open to the first staff reply, over tickets that got one; null: none did. */
  medianFirstResponseMs: number | null;
  /** Median ms from open to close, over closed tickets. */
  medianTimeToCloseMs: number | null;
  byCategory: { name: string; tickets: number }[];
  byStaff: { userId: string; replied: number; closed: number }[];
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** The guild's stats over tickets opened at or after `since`. */
export async function modmailStats(db: Db, guildId: string, since: number, botId: string): Promise<ModmailStats> {
  const t = modmailTickets;
  const inWindow = and(eq(t.guildId, guildId), gte(t.openedAt, since));
  const [times, firsts, categories, replies, closers] = await db.batch([
    db.select({ state: t.state, openedAt: t.openedAt, closedAt: t.closedAt }).from(t).where(inWindow),
    // The first answer by a person: the ticket's own first_response_at also counts the bot's greeting.
    db
      .select({ ticketId: t.id, openedAt: t.openedAt, first: sql<number>`min(${modmailEntries.createdAt})` })
      .from(modmailEntries)
      .innerJoin(t, eq(t.id, modmailEntries.ticketId))
      .where(and(inWindow, sql`${modmailEntries.kind} IN ('message_out', 'undelivered')`, sql`${modmailEntries.authorId} <> ${botId}`))
      .groupBy(t.id),
    db
      .select({ name: sql<string | null>`${modmailCategories.name}`, tickets: count() })
      .from(t)
      .leftJoin(modmailCategories, eq(modmailCategories.id, t.categoryId))
      .where(inWindow)
      .groupBy(t.categoryId),
    db
      .select({ userId: modmailEntries.authorId, tickets: sql<number>`count(DISTINCT ${modmailEntries.ticketId})` })
      .from(modmailEntries)
      .innerJoin(t, eq(t.id, modmailEntries.ticketId))
      .where(and(inWindow, sql`${modmailEntries.kind} IN ('message_out', 'undelivered')`))
      .groupBy(modmailEntries.authorId),
    db
      .select({ userId: sql<string>`${t.closedBy}`, tickets: count() })
      .from(t)
      .where(and(inWindow, eq(t.state, 'closed'), isNotNull(t.closedBy)))
      .groupBy(t.closedBy),
  ]);
  const staff = new Map<string, { userId: string; replied: number; closed: number }>();
  const of = (id: string) => staff.get(id) ?? (staff.set(id, { userId: id, replied: 0, closed: 0 }).get(id)!);
  // The bot's own messages (the greeting) are not a staff member's answer.
  for (const r of replies) if (r.userId !== botId) of(r.userId).replied = r.tickets;
  for (const c of closers) if (c.userId !== botId) of(c.userId).closed = c.tickets;
  return {
    opened: times.length,
    closed: times.filter((r) => r.state === 'closed').length,
    open: times.filter((r) => r.state === 'open').length,
    medianFirstResponseMs: median(firsts.map((r) => r.first - r.openedAt)),
    medianTimeToCloseMs: median(times.flatMap((r) => (r.state === 'closed' && r.closedAt !== null ? [r.closedAt - r.openedAt] : []))),
    byCategory: categories.map((c) => ({ name: c.name ?? 'No category', tickets: c.tickets })).sort((a, b) => b.tickets - a.tickets || a.name.localeCompare(b.name)),
    byStaff: [...staff.values()].sort((a, b) => b.replied + b.closed - (a.replied + a.closed) || a.userId.localeCompare(b.userId)),
  };
}
