/**
 * Per-day counts for the dashboard overview: one grouped query per metric over an index
 * range of `(guild_id, <time>)`, so a count reads the rows of its range and nothing else.
 * Features export their own counters (built with `countPerDay`) through their `public.ts`.
 * (Members joined and left are not counted here: the event lake keeps only
 * `EVENT_RETENTION_DAYS`, so the overview reads them from analytics' rollups.)
 */
import { and, count, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client';
import { commandLog } from './schema';

/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;

/** One day's count: `day` is days since 1970-01-01 UTC. */
export interface DayCount {
  day: number;
  n: number;
}

/** A query yielding per-day counts; also usable as an item of `db.batch`. */
export type DayCountQuery = BatchItem<'sqlite'> & PromiseLike<DayCount[]>;

/** Builds the per-day count query of one metric of a guild over `[fromMs, toMs)`. */
export type DailyCounter = (db: Db, guildId: string, fromMs: number, toMs: number) => DayCountQuery;

/**
 * Counts rows of `table` per UTC day of `time` for one guild over `[fromMs, toMs)`, with an
 * optional extra condition. Give it a table with an index on `(guild, time)`.
 */
export function countPerDay(
  db: Db,
  table: SQLiteTable,
  columns: { guild: SQLiteColumn; time: SQLiteColumn },
  guildId: string,
  fromMs: number,
  toMs: number,
  extra?: SQL,
): DayCountQuery {
  const day = sql<number>`${columns.time} / ${sql.raw(String(DAY_MS))}`;
  return db
    .select({ day, n: count() })
    .from(table)
    .where(and(eq(columns.guild, guildId), gte(columns.time, fromMs), lt(columns.time, toMs), extra))
    .groupBy(day) as unknown as DayCountQuery;
}

/** Interactions handled per day (every `command_log` row). */
export const commandsPerDay: DailyCounter = (db, guildId, fromMs, toMs) =>
  countPerDay(db, commandLog, { guild: commandLog.guildId, time: commandLog.createdAt }, guildId, fromMs, toMs);
