/**
 * Seasons. A guild's seasons are numbered from 1; its seasonal currencies carry the open
 * season's number and every change lands in a wallet of that season. Rolling is one batch:
 * the next season's row (its primary key refuses a second roll from the same season), the
 * old one closed, and every seasonal currency moved on. Nothing is wiped: the old season's
 * wallets stay as its totals, and its board is rebuilt one last time and frozen.
 */
import { and, desc, eq, lte } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { UserError } from '../../core/errors';
import { currentSeason } from './currencies.repo';
import { ALL_TIME, rebuildBoard } from './leaderboard.service';
import { currencies, economySeasons, seasonSchedules } from './schema';

/** What a roll did. */
export interface Rolled {
  ended: number;
  started: number;
  currencyIds: string[];
}

/** Ends the open season and starts the next; throws `UserError` when another roll won. */
export async function rollSeason(db: Db, guildId: string, actorId: string | null): Promise<Rolled> {
  const ended = await currentSeason(db, guildId);
  const started = ended + 1;
  const now = Date.now();
  let moved: { id: string }[];
  try {
    const [, , rows] = await db.batch([
      db.insert(economySeasons).values({ guildId, number: started, startedAt: now, startedBy: actorId }),
      db
        .insert(economySeasons)
        .values({ guildId, number: ended, startedAt: now, endedAt: now, endedBy: actorId })
        .onConflictDoUpdate({ target: [economySeasons.guildId, economySeasons.number], set: { endedAt: now, endedBy: actorId } }),
      db
        .update(currencies)
        .set({ season: started, updatedAt: now })
        .where(and(eq(currencies.guildId, guildId), eq(currencies.seasonal, true), eq(currencies.season, ended)))
        .returning({ id: currencies.id }),
    ]);
    moved = rows;
  } catch (error) {
    if (isUniqueViolation(error, 'economy_seasons')) throw new UserError('season_raced', `Season ${ended} was just rolled by someone else. See \`/season list\`.`);
    throw error;
  }
  // The final boards: built once more from wallets that no longer change, then frozen.
  for (const { id } of moved) {
    await rebuildBoard(db, { guildId, currencyId: id, season: ended }, { freeze: true });
    await rebuildBoard(db, { guildId, currencyId: id, season: ALL_TIME });
  }
  return { ended, started, currencyIds: moved.map((r) => r.id) };
}

/** The guild's seasons, newest first. */
export async function listSeasons(db: Db, guildId: string, limit = 25) {
  return db.select().from(economySeasons).where(eq(economySeasons.guildId, guildId)).orderBy(desc(economySeasons.number)).limit(limit);
}

/** One season, or undefined. */
export async function findSeason(db: Db, guildId: string, number: number) {
  const [row] = await db
    .select()
    .from(economySeasons)
    .where(and(eq(economySeasons.guildId, guildId), eq(economySeasons.number, number)));
  return row;
}

/** Sets (or with 0 clears) the guild's automatic roll every `everyDays` days. */
export async function setSchedule(db: Db, guildId: string, everyDays: number): Promise<number | null> {
  if (everyDays === 0) {
    await db.delete(seasonSchedules).where(eq(seasonSchedules.guildId, guildId));
    return null;
  }
  const nextRollAt = Date.now() + everyDays * 86_400_000;
  await db
    .insert(seasonSchedules)
    .values({ guildId, everyDays, nextRollAt })
    .onConflictDoUpdate({ target: seasonSchedules.guildId, set: { everyDays, nextRollAt } });
  return nextRollAt;
}

/**
 * Rolls the seasons whose schedule is due: each claimed by moving its `next_roll_at` on with
 * a conditional update (a second cron run sees it moved and skips it).
 */
export async function rollDueSeasons(db: Db, limit: number, now = Date.now()): Promise<number> {
  const due = await db.select().from(seasonSchedules).where(lte(seasonSchedules.nextRollAt, now)).limit(limit);
  let rolled = 0;
  for (const s of due) {
    const [claimed] = await db
      .update(seasonSchedules)
      .set({ nextRollAt: s.nextRollAt + s.everyDays * 86_400_000 })
      .where(and(eq(seasonSchedules.guildId, s.guildId), eq(seasonSchedules.nextRollAt, s.nextRollAt)))
      .returning();
    if (!claimed) continue;
    try {
      await rollSeason(db, s.guildId, null);
      rolled++;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
    }
  }
  return rolled;
}
