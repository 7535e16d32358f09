/**
 * Leaderboards read a rank snapshot (`leaderboard_ranks`), never the wallets: a page is 10
 * rows by `position`, the caller's rank one row by primary key, the board's header one row, in
 * one statement, so a request reads about a dozen rows whatever the number of wallets.
 *
 * The snapshot of a board is rebuilt by the every-minute cron when a change marked it dirty
 * (see `ledger.ts`) and its last build is at least `REBUILD_EVERY_MS` old. A rebuild is one
 * batch: stamp `built_at`, drop rows whose member fell to zero or opted out, upsert every
 * ranked wallet (a row is written only when its rank or balance moved). Season -1 is a
 * seasonal currency's all-time board (the sum over its seasons), rebuilt with the current one.
 * A rolled season's board is rebuilt once more and frozen: never rebuilt again, kept.
 */
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { leaderboardBoards, leaderboardOptOuts, leaderboardRanks } from './schema';

/** Least time between two rebuilds of one board. */
export const REBUILD_EVERY_MS = 60_000;
/** Rows per leaderboard page. */
export const PAGE_SIZE = 10;
/** The season number of a seasonal currency's all-time board. */
export const ALL_TIME = -1;

/** A board: one currency in one season (`ALL_TIME` for all seasons). */
export interface BoardKey {
  guildId: string;
  currencyId: string;
  season: number;
}

/** A row of a board. */
export interface BoardRow {
  userId: string;
  balance: number;
  rank: number;
  position: number;
}

/** One page of a board and the caller's own row. */
export interface BoardPage {
  rows: BoardRow[];
  entries: number;
  builtAt: number;
  frozen: boolean;
  own: BoardRow | null;
}

/**
 * The one statement of a leaderboard request: the page by position, the caller's row (primary
 * key) and the board's header, as three `UNION ALL` parts told apart by `part` (one D1 round
 * trip, one small SQL template instead of three query builders: the request's CPU was mostly
 * query building and D1 calls, not rows; see docs/performance.md).
 */
export function boardStatement(key: BoardKey, page: number, userId: string) {
  const { guildId: g, currencyId: c, season: s } = key;
  const from = page * PAGE_SIZE + 1;
  return sql`SELECT 0 AS part, user_id, balance, rank, position FROM leaderboard_ranks
      WHERE guild_id = ${g} AND currency_id = ${c} AND season = ${s} AND position BETWEEN ${from} AND ${from + PAGE_SIZE - 1}
    UNION ALL SELECT 1, user_id, balance, rank, position FROM leaderboard_ranks
      WHERE guild_id = ${g} AND currency_id = ${c} AND season = ${s} AND user_id = ${userId}
    UNION ALL SELECT 2, NULL, entries, built_at, frozen FROM leaderboard_boards
      WHERE guild_id = ${g} AND currency_id = ${c} AND season = ${s}`;
}

type BoardStatementRow = { part: number; user_id: string | null; balance: number; rank: number; position: number };

/** Reads page `page` (0-based) of a board and `userId`'s row: one statement, about a dozen rows read. */
export async function readBoard(db: Db, key: BoardKey, page: number, userId: string): Promise<BoardPage> {
  const rows = await db.all<BoardStatementRow>(boardStatement(key, page, userId));
  const out: BoardPage = { rows: [], own: null, entries: 0, builtAt: 0, frozen: false };
  for (const r of rows) {
    const part = Number(r.part);
    if (part === 2) {
      out.entries = Number(r.balance);
      out.builtAt = Number(r.rank);
      out.frozen = Boolean(Number(r.position));
      continue;
    }
    const row = { userId: String(r.user_id), balance: Number(r.balance), rank: Number(r.rank), position: Number(r.position) };
    if (part === 0) out.rows.push(row);
    else out.own = row;
  }
  out.rows.sort((x, y) => x.position - y.position);
  return out;
}

/** Rebuilds one board now (unless frozen); `freeze` makes this its last build. */
export async function rebuildBoard(db: Db, key: BoardKey, options: { freeze?: boolean } = {}): Promise<void> {
  const { guildId: g, currencyId: c, season: s } = key;
  const now = Date.now();
  const wallets =
    s === ALL_TIME
      ? sql`SELECT user_id, sum(balance) AS balance FROM wallets WHERE guild_id = ${g} AND currency_id = ${c} GROUP BY user_id HAVING sum(balance) > 0`
      : sql`SELECT user_id, balance FROM wallets WHERE guild_id = ${g} AND currency_id = ${c} AND season = ${s} AND balance > 0`;
  const ranked = sql`SELECT ${g}, ${c}, ${s}, w.user_id, w.balance,
      rank() OVER (ORDER BY w.balance DESC), row_number() OVER (ORDER BY w.balance DESC, w.user_id)
    FROM (${wallets}) AS w
    WHERE w.user_id NOT IN (SELECT user_id FROM leaderboard_opt_outs WHERE guild_id = ${g})`;
  const board = and(eq(leaderboardRanks.guildId, g), eq(leaderboardRanks.currencyId, c), eq(leaderboardRanks.season, s));
  const boardRow = and(eq(leaderboardBoards.guildId, g), eq(leaderboardBoards.currencyId, c), eq(leaderboardBoards.season, s));
  await db.batch([
    db
      .insert(leaderboardBoards)
      .values({ guildId: g, currencyId: c, season: s, dirtyAt: 0, builtAt: now })
      .onConflictDoUpdate({ target: [leaderboardBoards.guildId, leaderboardBoards.currencyId, leaderboardBoards.season], set: { builtAt: now } }),
    db
      .delete(leaderboardRanks)
      .where(
        and(
          board,
          s === ALL_TIME
            ? sql`(user_id IN (SELECT user_id FROM leaderboard_opt_outs WHERE guild_id = ${g}) OR (SELECT coalesce(sum(balance), 0) FROM wallets w WHERE w.guild_id = ${g} AND w.currency_id = ${c} AND w.user_id = leaderboard_ranks.user_id) <= 0)`
            : sql`(user_id IN (SELECT user_id FROM leaderboard_opt_outs WHERE guild_id = ${g}) OR NOT EXISTS (SELECT 1 FROM wallets w WHERE w.guild_id = ${g} AND w.currency_id = ${c} AND w.season = ${s} AND w.user_id = leaderboard_ranks.user_id AND w.balance > 0))`,
        ),
      ),
    db
      .insert(leaderboardRanks)
      .select(ranked)
      .onConflictDoUpdate({
        target: [leaderboardRanks.guildId, leaderboardRanks.currencyId, leaderboardRanks.season, leaderboardRanks.userId],
        set: { balance: sql`excluded.balance`, rank: sql`excluded.rank`, position: sql`excluded.position` },
        setWhere: sql`${leaderboardRanks.balance} <> excluded.balance OR ${leaderboardRanks.rank} <> excluded.rank OR ${leaderboardRanks.position} <> excluded.position`,
      }),
    db
      .update(leaderboardBoards)
      .set({ entries: sql`(SELECT count(*) FROM leaderboard_ranks WHERE guild_id = ${g} AND currency_id = ${c} AND season = ${s})`, ...(options.freeze ? { frozen: true } : {}) })
      .where(boardRow),
  ]);
}

/** Boards due for a rebuild: marked since their last build, that build at least a minute old. */
export async function dueBoards(db: Db, limit: number, now = Date.now()): Promise<BoardKey[]> {
  return db
    .select({ guildId: leaderboardBoards.guildId, currencyId: leaderboardBoards.currencyId, season: leaderboardBoards.season })
    .from(leaderboardBoards)
    .where(and(eq(leaderboardBoards.frozen, false), lte(leaderboardBoards.builtAt, now - REBUILD_EVERY_MS), gt(leaderboardBoards.dirtyAt, leaderboardBoards.builtAt)))
    .limit(limit);
}

/** Hides a member from (or shows them on) every board of the guild from the next rebuild. */
export async function setOptOut(db: Db, guildId: string, userId: string, hidden: boolean): Promise<void> {
  if (hidden) {
    // Every live board of the guild is marked so the member leaves it at the next rebuild.
    await db.batch([
      db.insert(leaderboardOptOuts).values({ guildId, userId, createdAt: Date.now() }).onConflictDoNothing(),
      db.update(leaderboardBoards).set({ dirtyAt: Date.now() }).where(and(eq(leaderboardBoards.guildId, guildId), eq(leaderboardBoards.frozen, false))),
    ]);
  } else {
    await db.batch([
      db.delete(leaderboardOptOuts).where(and(eq(leaderboardOptOuts.guildId, guildId), eq(leaderboardOptOuts.userId, userId))),
      db.update(leaderboardBoards).set({ dirtyAt: Date.now() }).where(and(eq(leaderboardBoards.guildId, guildId), eq(leaderboardBoards.frozen, false))),
    ]);
  }
}
