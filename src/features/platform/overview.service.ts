/**
 * The dashboard overview: per-day counts of members joined and left, applications submitted
 * and decided, cases opened and commands used, over a range of UTC days.
 *
 * Joins and leaves come from analytics' rollups (`guildDaysQuery`: daily rows, which keep
 * `ANALYTICS_RETENTION_DAYS` of history, and the hourly rows of days not compacted yet), not
 * from the event lake, which keeps only `EVENT_RETENTION_DAYS`: a day nobody looked at while
 * its events were in the lake still has its counts. They are as fresh as the last hourly
 * rollup run, and leave bots out (as analytics does everywhere).
 *
 * The other metrics come from tables that keep their history. A day that has settled (ended more than `SETTLE_MS` ago, so late queue deliveries and the
 * command log's flush have landed) is counted once, by the first request that needs it, and
 * kept in `overview_days`; later requests read one row per settled day. Days still open are
 * counted live. Every count is a grouped query over an index range `(guild_id, time)`, so a
 * request reads the rows of the days it counts, never the guild's history: a warm request
 * reads one rollup row per settled day plus the rows of the last day or two.
 *
 * Order: one batch reads analytics' rollups, the overview rollup and counts the live days; a
 * second (only when some settled days are not rolled up yet) counts them; a third stores them
 * (insert-or-ignore, so two requests filling the same day at once agree).
 */
import { and, between, eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { DAY_MS, commandsPerDay, type DailyCounter, type DayCount } from '../../core/daily';
import type { Db } from '../../db/client';
import { guildDaysQuery } from '../analytics/public';
import { applicationsDecidedPerDay, applicationsSubmittedPerDay } from '../gate/public';
import { casesOpenedPerDay } from '../moderation/public';
import { overviewDays } from './schema';

/** How long after a day ends its counts are final (queue retries, command-log flushes). */
export const SETTLE_MS = 6 * 3_600_000;

/** Longest range one request may ask for, days. */
export const MAX_OVERVIEW_DAYS = 366;

/** The metrics of one day. */
export const OVERVIEW_METRICS = ['joined', 'left', 'submitted', 'decided', 'cases', 'commands'] as const;

/** A metric name. */
export type OverviewMetric = (typeof OVERVIEW_METRICS)[number];

/** The metrics counted from their own tables, and kept in `overview_days` once settled. */
export const COUNTED_METRICS = ['submitted', 'decided', 'cases', 'commands'] as const;

/** A counted metric name. */
type CountedMetric = (typeof COUNTED_METRICS)[number];

/** One day of the overview. */
export type OverviewDay = { day: number } & Record<OverviewMetric, number>;

/** The counted metrics of one day. */
type CountedDay = { day: number } & Record<CountedMetric, number>;

const COUNTERS: Record<CountedMetric, DailyCounter> = {
  submitted: applicationsSubmittedPerDay,
  decided: applicationsDecidedPerDay,
  cases: casesOpenedPerDay,
  commands: commandsPerDay,
};

/** Days since the epoch (UTC) of a time in ms. */
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

/** The count queries of every counted metric over days `[fromDay, toDay]`, in `COUNTED_METRICS` order. */
export function countQueries(db: Db, guildId: string, fromDay: number, toDay: number) {
  return COUNTED_METRICS.map((m) => COUNTERS[m](db, guildId, fromDay * DAY_MS, (toDay + 1) * DAY_MS));
}

/** The statements reading members joined and left over days `[fromDay, toDay]` from analytics' rollups, and their fold. */
export function flowQuery(db: Db, guildId: string, fromDay: number, toDay: number) {
  return guildDaysQuery(db, guildId, fromDay, toDay);
}

/** The statement reading the rollup rows of days `[fromDay, toDay]`. */
export function rollupQuery(db: Db, guildId: string, fromDay: number, toDay: number) {
  return db
    .select()
    .from(overviewDays)
    .where(and(eq(overviewDays.guildId, guildId), between(overviewDays.day, fromDay, toDay)));
}

function emptyDay(day: number): CountedDay {
  return { day, submitted: 0, decided: 0, cases: 0, commands: 0 };
}

/** Folds per-metric count rows into days `[fromDay, toDay]` (zeros where nothing happened). */
function fold(fromDay: number, toDay: number, results: DayCount[][]): CountedDay[] {
  const days = new Map<number, CountedDay>();
  for (let d = fromDay; d <= toDay; d++) days.set(d, emptyDay(d));
  results.forEach((rows, i) => {
    const metric = COUNTED_METRICS[i]!;
    for (const { day, n } of rows) {
      const target = days.get(Number(day));
      if (target) target[metric] = Number(n);
    }
  });
  return [...days.values()];
}

type Batch = [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]];

/** What the overview is asked for: days `[fromDay, toDay]` (inclusive, UTC) as of `now`. */
export interface OverviewRange {
  fromDay: number;
  toDay: number;
  now: number;
}

/**
 * The overview of a guild over a range of days, oldest first. Joins and leaves come from
 * analytics' rollups; of the other metrics, settled days come from the overview rollup
 * (filled on first use) and open days are counted live.
 */
export async function overview(db: Db, guildId: string, { fromDay, toDay, now }: OverviewRange): Promise<OverviewDay[]> {
  if (fromDay > toDay) return [];
  const lastSettled = dayOf(now - SETTLE_MS) - 1;
  const settledTo = Math.min(toDay, lastSettled);
  const liveFrom = Math.max(fromDay, lastSettled + 1);
  const flow = flowQuery(db, guildId, fromDay, toDay);
  const items: BatchItem<'sqlite'>[] = [...flow.statements];
  if (settledTo >= fromDay) items.push(rollupQuery(db, guildId, fromDay, settledTo));
  if (liveFrom <= toDay) items.push(...countQueries(db, guildId, liveFrom, toDay));
  const results = (await db.batch(items as Batch)) as unknown[];
  const flowByDay = flow.read(results.splice(0, flow.statements.length));

  const byDay = new Map<number, CountedDay>();
  if (settledTo >= fromDay) {
    for (const row of results.shift() as (typeof overviewDays.$inferSelect)[]) {
      const { guildId: _g, computedAt: _c, ...day } = row;
      byDay.set(row.day, day);
    }
    const missing: number[] = [];
    for (let d = fromDay; d <= settledTo; d++) if (!byDay.has(d)) missing.push(d);
    if (missing.length > 0) {
      for (const day of await fill(db, guildId, missing[0]!, missing.at(-1)!, now, byDay)) byDay.set(day.day, day);
    }
  }
  if (liveFrom <= toDay) for (const day of fold(liveFrom, toDay, results as DayCount[][])) byDay.set(day.day, day);
  const out: OverviewDay[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    const counted = byDay.get(d) ?? emptyDay(d);
    const flowDay = flowByDay.get(d);
    out.push({ ...counted, joined: flowDay?.joins ?? 0, left: flowDay?.leaves ?? 0 });
  }
  return out;
}

/** Rows per insert statement (7 bound values each; D1 allows 100 per statement). */
const INSERT_CHUNK = 14;

/** Counts settled days `[fromDay, toDay]` and stores those not rolled up yet. */
async function fill(db: Db, guildId: string, fromDay: number, toDay: number, now: number, known: Map<number, CountedDay>): Promise<CountedDay[]> {
  const counted = fold(fromDay, toDay, (await db.batch(countQueries(db, guildId, fromDay, toDay) as unknown as Batch)) as DayCount[][]);
  const fresh = counted.filter((d) => !known.has(d.day));
  const inserts: BatchItem<'sqlite'>[] = [];
  for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
    const values = fresh.slice(i, i + INSERT_CHUNK).map((d) => ({ ...d, guildId, computedAt: now }));
    inserts.push(db.insert(overviewDays).values(values).onConflictDoNothing());
  }
  if (inserts.length > 0) await db.batch(inserts as Batch);
  return fresh;
}
