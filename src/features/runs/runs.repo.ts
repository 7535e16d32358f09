/**
 * `GuildRuns`: one guild's run rows. The second active run of an organizer is refused by the
 * unique index on `active_organizer` (an insert that fails, never a read before it); ending a
 * run is one batch (status, participants, quota credit) that may run again harmlessly.
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, lte, or, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { runParticipants, runs, type RunRow } from './schema';
import type { RosterEntry } from './panel';

/** What a new run row holds. */
export type NewRun = Omit<typeof runs.$inferInsert, 'guildId' | 'activeOrganizer' | 'createdAt'>;

/** Guild-scoped access to runs. */
export class GuildRuns {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  private row(id: string) {
    return and(eq(runs.guildId, this.guildId), eq(runs.id, id));
  }

  /**
   * Inserts the run; a `run`/`headcount` claims the organizer's one active slot. Null when the
   * organizer already has an active run (the unique index said so).
   */
  async create(input: NewRun): Promise<RunRow | null> {
    const active = input.kind === 'scheduled' ? null : input.organizerId;
    try {
      const [row] = await this.db
        .insert(runs)
        .values({ ...input, guildId: this.guildId, activeOrganizer: active, createdAt: Date.now() })
        .returning();
      return row ?? null;
    } catch (error) {
      if (isUniqueViolation(error, 'runs')) return null;
      throw error;
    }
  }

  /** The organizer's active run, if any. */
  async activeOf(organizerId: string): Promise<RunRow | undefined> {
    const [row] = await this.db.select().from(runs).where(and(eq(runs.guildId, this.guildId), eq(runs.activeOrganizer, organizerId)));
    return row;
  }

  /** One run. */
  async get(id: string): Promise<RunRow | undefined> {
    const [row] = await this.db.select().from(runs).where(this.row(id));
    return row;
  }

  /** Records the panel message (and the scheduled event) once posted. */
  async posted(id: string, messageId: string, eventId: string | null = null): Promise<void> {
    await this.db.update(runs).set({ messageId, ...(eventId ? { eventId } : {}) }).where(this.row(id));
  }

  /** Forgets a run whose panel could not be posted (nothing half-written stays behind). */
  async discard(id: string): Promise<void> {
    await this.db.delete(runs).where(this.row(id));
  }

  /** Changes a live run's location / kind / end as its Object decided. */
  async update(id: string, patch: Partial<Pick<RunRow, 'location' | 'kind' | 'endsAt' | 'status'>>): Promise<void> {
    await this.db.update(runs).set(patch).where(and(this.row(id), inArray(runs.status, ['scheduled', 'open'])));
  }

  /**
   * The batch items that end a run: status (only from a live status, so a repeat changes
   * nothing), the organizer's active slot freed, participants inserted once.
   */
  endStatements(id: string, status: 'ended' | 'cancelled', endedAt: number, roster: RosterEntry[]): BatchItem<'sqlite'>[] {
    const items: BatchItem<'sqlite'>[] = [
      this.db
        .update(runs)
        .set({ status, endedAt, activeOrganizer: null })
        .where(and(this.row(id), inArray(runs.status, ['scheduled', 'open']))),
    ];
    if (status === 'ended' && roster.length) {
      // Chunked: D1 binds at most 100 parameters per statement (7 columns a row).
      for (let i = 0; i < roster.length; i += 14) {
        const chunk = roster.slice(i, i + 14).map((e, j) => ({
          runId: id,
          guildId: this.guildId,
          userId: e.userId,
          slot: e.slot,
          className: e.className,
          position: i + j + 1,
          joinedAt: e.joinedAt,
        }));
        items.push(this.db.insert(runParticipants).values(chunk).onConflictDoNothing());
      }
    }
    return items;
  }

  /** Participants recorded for an ended run. */
  async participants(id: string): Promise<(typeof runParticipants.$inferSelect)[]> {
    return this.db
      .select()
      .from(runParticipants)
      .where(and(eq(runParticipants.guildId, this.guildId), eq(runParticipants.runId, id)))
      .orderBy(asc(runParticipants.position));
  }

  /** Runs with a start time in [from, to] that are not cancelled: the calendar feed. */
  async calendar(from: number, to: number, limit = 500): Promise<RunRow[]> {
    return this.db
      .select()
      .from(runs)
      .where(
        and(
          eq(runs.guildId, this.guildId),
          isNotNull(runs.startsAt),
          gte(runs.startsAt, from),
          lte(runs.startsAt, to),
          or(eq(runs.status, 'scheduled'), eq(runs.status, 'open'), eq(runs.status, 'ended')),
        ),
      )
      .orderBy(asc(runs.startsAt))
      .limit(limit);
  }

  /** The newest runs of the guild (for `/run list`). */
  async recent(limit = 10): Promise<RunRow[]> {
    return this.db
      .select()
      .from(runs)
      .where(and(eq(runs.guildId, this.guildId), inArray(runs.status, ['scheduled', 'open'])))
      .orderBy(desc(runs.createdAt))
      .limit(limit);
  }

  /** How many runs a member took part in (main roster) since `since`. */
  async participations(userId: string, since: number): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)` })
      .from(runParticipants)
      .innerJoin(runs, eq(runs.id, runParticipants.runId))
      .where(and(eq(runParticipants.guildId, this.guildId), eq(runParticipants.userId, userId), eq(runParticipants.slot, 'main'), gte(runs.endedAt, since)));
    return row?.n ?? 0;
  }
}
