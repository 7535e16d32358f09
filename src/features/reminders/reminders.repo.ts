/**
 * `GuildReminders` is one guild's view (what members' commands change); `ReminderQueue` is
 * the delivery cron's cross-guild view. The per-member limit is enforced inside the INSERT
 * (a conditional `INSERT … SELECT … WHERE count < limit`), never by a read before it; due
 * rows are claimed with one conditional UPDATE under a lease and a claim token.
 */
import { and, asc, count, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { reminders, reminderTimezones, type ReminderRow } from './schema';

const LIVE = ['pending', 'processing'] as const;

/** What a new reminder holds. */
export interface NewReminder {
  userId: string;
  channelId: string;
  target: 'channel' | 'dm';
  text: string;
  dueAt: number;
}

/** Guild-scoped access to reminders and members' timezones. */
export class GuildReminders {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** Inserts the reminder unless the member already has `limit` live ones; null when refused. */
  async create(input: NewReminder, limit: number): Promise<ReminderRow | null> {
    const now = Date.now();
    const live = and(eq(reminders.guildId, this.guildId), eq(reminders.userId, input.userId), inArray(reminders.status, [...LIVE]));
    const rows = await this.db
      .insert(reminders)
      .select(
        sql`select null, ${this.guildId}, ${input.userId}, ${input.channelId}, ${input.target}, ${input.text}, ${input.dueAt},
          'pending', null, null, null, 0, null, null, null, null, ${now}
          where (select count(*) from ${reminders} where ${live}) < ${limit}`,
      )
      .returning();
    return rows[0] ?? null;
  }

  /** The member's live reminders, soonest first. */
  async live(userId: string): Promise<ReminderRow[]> {
    return this.db
      .select()
      .from(reminders)
      .where(and(eq(reminders.guildId, this.guildId), eq(reminders.userId, userId), inArray(reminders.status, [...LIVE])))
      .orderBy(asc(reminders.dueAt));
  }

  /** How many live reminders the member has. */
  async liveCount(userId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(reminders)
      .where(and(eq(reminders.guildId, this.guildId), eq(reminders.userId, userId), inArray(reminders.status, [...LIVE])));
    return row?.n ?? 0;
  }

  /**
   * Cancels the member's pending reminder `id`; null when there is none (not theirs,
   * delivered, or being delivered right now).
   */
  async cancel(userId: string, id: number): Promise<ReminderRow | null> {
    const [row] = await this.db
      .update(reminders)
      .set({ status: 'cancelled' })
      .where(and(eq(reminders.guildId, this.guildId), eq(reminders.userId, userId), eq(reminders.id, id), eq(reminders.status, 'pending')))
      .returning();
    return row ?? null;
  }

  /** The member's timezone, or null (UTC). */
  async timezone(userId: string): Promise<string | null> {
    const [row] = await this.db
      .select({ timezone: reminderTimezones.timezone })
      .from(reminderTimezones)
      .where(and(eq(reminderTimezones.guildId, this.guildId), eq(reminderTimezones.userId, userId)));
    return row?.timezone ?? null;
  }

  /** Sets (or replaces) the member's timezone. */
  async setTimezone(userId: string, timezone: string): Promise<void> {
    const now = Date.now();
    await this.db
      .insert(reminderTimezones)
      .values({ guildId: this.guildId, userId, timezone, updatedAt: now })
      .onConflictDoUpdate({ target: [reminderTimezones.guildId, reminderTimezones.userId], set: { timezone, updatedAt: now } });
  }
}

/** Options of a claim. */
export interface ClaimOptions {
  now: number;
  limit: number;
  /** How long a claim is exclusive. Shorter than Discord's nonce memory (a few minutes). */
  leaseMs: number;
}

/** The cross-guild queue of due reminders (delivery cron only). */
export class ReminderQueue {
  constructor(private readonly db: Db) {}

  /**
   * Claims up to `limit` due rows (pending and due, or processing with a lapsed lease) in one
   * statement, under a fresh token. Two overlapping runs never hold the same row.
   */
  async claim({ now, limit, leaseMs }: ClaimOptions): Promise<{ token: string; rows: ReminderRow[] }> {
    const token = crypto.randomUUID();
    const due = or(
      and(eq(reminders.status, 'pending'), lte(reminders.dueAt, now), or(isNull(reminders.retryAt), lte(reminders.retryAt, now))),
      and(eq(reminders.status, 'processing'), lte(reminders.leaseUntil, now)),
    );
    const rows = await this.db
      .update(reminders)
      .set({ status: 'processing', claimToken: token, leaseUntil: now + leaseMs, attempts: sql`${reminders.attempts} + 1` })
      .where(inArray(reminders.id, this.db.select({ id: reminders.id }).from(reminders).where(due).orderBy(asc(reminders.dueAt)).limit(limit)))
      .returning();
    return { token, rows };
  }

  private held(id: number, token: string) {
    return and(eq(reminders.id, id), eq(reminders.claimToken, token), eq(reminders.status, 'processing'));
  }

  /** Marks a held row delivered (after the post). False when the claim was lost meanwhile. */
  async delivered(id: number, token: string, to: 'channel' | 'dm', messageId: string, note: string | null = null): Promise<boolean> {
    const rows = await this.db
      .update(reminders)
      .set({ status: 'delivered', deliveredTo: to, deliveredAt: Date.now(), messageId, leaseUntil: null, lastError: note })
      .where(this.held(id, token))
      .returning({ id: reminders.id });
    return rows.length > 0;
  }

  /** Gives up on a held row (nowhere to deliver it), with the reason. */
  async failed(id: number, token: string, error: string): Promise<void> {
    await this.db
      .update(reminders)
      .set({ status: 'failed', leaseUntil: null, lastError: error.slice(0, 500) })
      .where(this.held(id, token));
  }

  /** Puts a held row back after a transient failure: due again at `retryAt`. */
  async retry(id: number, token: string, error: string, retryAt: number): Promise<void> {
    await this.db
      .update(reminders)
      .set({ status: 'pending', retryAt, claimToken: null, leaseUntil: null, lastError: error.slice(0, 500) })
      .where(this.held(id, token));
  }

  /** Gives back rows claimed under `token` that the run never started (its budget ran out): due at once, attempt given back. One statement. */
  async releaseUnstarted(ids: number[], token: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .update(reminders)
      .set({ status: 'pending', claimToken: null, leaseUntil: null, attempts: sql`max(0, ${reminders.attempts} - 1)` })
      .where(and(inArray(reminders.id, ids), eq(reminders.claimToken, token), eq(reminders.status, 'processing')));
  }
}
