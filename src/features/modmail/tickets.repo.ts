/**
 * `GuildTickets`: a guild's modmail tickets. One open ticket per member is held by the partial
 * unique index `modmail_tickets_open`; every change is a conditional update, never a
 * read-then-write.
 */
import { and, count, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { modmailTickets, type OpenedVia, type TicketPriority, type TicketRow } from './schema';

/** What a new ticket is made of. */
export interface NewTicket {
  memberId: string;
  openedVia: OpenedVia;
  openedBy: string;
  categoryId?: number | null;
  subject?: string | null;
  dmChannelId?: string | null;
  openedAt?: number;
}

/** A guild's tickets. */
export class GuildTickets {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** The member's open ticket, if any. */
  async openFor(memberId: string): Promise<TicketRow | undefined> {
    const [row] = await this.db
      .select()
      .from(modmailTickets)
      .where(and(eq(modmailTickets.guildId, this.guildId), eq(modmailTickets.memberId, memberId), eq(modmailTickets.state, 'open')))
      .limit(1);
    return row;
  }

  /** A ticket by id. */
  async byId(id: number): Promise<TicketRow | undefined> {
    const [row] = await this.db
      .select()
      .from(modmailTickets)
      .where(and(eq(modmailTickets.guildId, this.guildId), eq(modmailTickets.id, id)))
      .limit(1);
    return row;
  }

  /** The ticket whose staff thread is `threadId`. */
  async byThread(threadId: string): Promise<TicketRow | undefined> {
    const [row] = await this.db
      .select()
      .from(modmailTickets)
      .where(and(eq(modmailTickets.guildId, this.guildId), eq(modmailTickets.threadId, threadId)))
      .limit(1);
    return row;
  }

  /**
   * Inserts an open ticket unless the member already has one (the partial unique index).
   * @returns the new row, or undefined when an open ticket exists
   */
  async insertOpen(input: NewTicket): Promise<TicketRow | undefined> {
    const [row] = await this.db
      .insert(modmailTickets)
      .values({
        guildId: this.guildId,
        memberId: input.memberId,
        openedVia: input.openedVia,
        openedBy: input.openedBy,
        categoryId: input.categoryId ?? null,
        subject: input.subject ?? null,
        dmChannelId: input.dmChannelId ?? null,
        state: 'open',
        openedAt: input.openedAt ?? Date.now(),
      })
      .onConflictDoNothing()
      .returning();
    return row;
  }

  /** Records the staff thread (only the first one: a ticket never changes thread). */
  async setThread(id: number, threadId: string, parentId: string): Promise<TicketRow | undefined> {
    const [row] = await this.db
      .update(modmailTickets)
      .set({ threadId, parentId })
      .where(and(eq(modmailTickets.guildId, this.guildId), eq(modmailTickets.id, id), isNull(modmailTickets.threadId)))
      .returning();
    return row;
  }

  /** Remembers the member's DM channel. */
  setDmChannel(id: number, dmChannelId: string) {
    return this.db
      .update(modmailTickets)
      .set({ dmChannelId })
      .where(and(eq(modmailTickets.guildId, this.guildId), eq(modmailTickets.id, id)));
  }

  /** A statement (for `recordEntry`'s batch) marking a member message's time. */
  touchMember(id: number, at: number) {
    return this.db
      .update(modmailTickets)
      .set({ lastMemberMessageAt: at })
      .where(and(eq(modmailTickets.guildId, this.guildId), eq(modmailTickets.id, id)));
  }

  /** A statement marking a staff reply's time (and the first response, once). */
  touchStaff(id: number, at: number) {
    return this.db
      .update(modmailTickets)
      .set({ lastStaffMessageAt: at, firstResponseAt: sql`coalesce(${modmailTickets.firstResponseAt}, ${at})` })
      .where(and(eq(modmailTickets.guildId, this.guildId), eq(modmailTickets.id, id)));
  }

  /**
   * Sets the claimant from `expected` (null: unclaimed) to `next`, on an open ticket only.
   * @returns the updated row, or undefined when someone else changed it first
   */
  async setClaim(id: number, expected: string | null, next: string | null): Promise<TicketRow | undefined> {
    const [row] = await this.db
      .update(modmailTickets)
      .set({ claimedBy: next })
      .where(
        and(
          eq(modmailTickets.guildId, this.guildId),
          eq(modmailTickets.id, id),
          eq(modmailTickets.state, 'open'),
          expected === null ? isNull(modmailTickets.claimedBy) : eq(modmailTickets.claimedBy, expected),
        ),
      )
      .returning();
    return row;
  }

  /** A statement setting the priority of an open ticket. */
  setPriority(id: number, priority: TicketPriority) {
    return this.db
      .update(modmailTickets)
      .set({ priority })
      .where(and(eq(modmailTickets.guildId, this.guildId), eq(modmailTickets.id, id), eq(modmailTickets.state, 'open'), ne(modmailTickets.priority, priority)))
      .returning({ id: modmailTickets.id });
  }

  /** How many tickets the member had before (closed ones). */
  async priorCount(memberId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(modmailTickets)
      .where(and(eq(modmailTickets.guildId, this.guildId), eq(modmailTickets.memberId, memberId), eq(modmailTickets.state, 'closed')));
    return row?.n ?? 0;
  }
}

/** A user's open tickets in every guild, most recently active first (DM routing). */
export function openTicketsOfUser(db: Db, userId: string): Promise<TicketRow[]> {
  return db
    .select()
    .from(modmailTickets)
    .where(and(eq(modmailTickets.memberId, userId), eq(modmailTickets.state, 'open')))
    .orderBy(desc(lastActivity()), desc(modmailTickets.id))
    .limit(25);
}

/** A ticket's last activity: what orders a user's open tickets (a DM goes to the first). */
function lastActivity() {
  return sql`max(coalesce(${modmailTickets.lastMemberMessageAt}, 0), coalesce(${modmailTickets.lastStaffMessageAt}, 0), ${modmailTickets.openedAt})`;
}

/** Users per read in {@link latestOpenTickets} (one parameter each; D1 binds at most 100). */
const USERS_PER_READ = 90;

/**
 * Each user's most recently active open ticket (where their DM goes, as `openTicketsOfUser`'s
 * first), for many users at once: one read per 90 users. Users with none are absent.
 */
export async function latestOpenTickets(db: Db, userIds: readonly string[]): Promise<Map<string, TicketRow>> {
  const out = new Map<string, TicketRow>();
  for (let i = 0; i < userIds.length; i += USERS_PER_READ) {
    const rows = await db
      .select()
      .from(modmailTickets)
      .where(and(inArray(modmailTickets.memberId, userIds.slice(i, i + USERS_PER_READ)), eq(modmailTickets.state, 'open')))
      .orderBy(desc(lastActivity()), desc(modmailTickets.id));
    for (const row of rows) if (!out.has(row.memberId)) out.set(row.memberId, row);
  }
  return out;
}
