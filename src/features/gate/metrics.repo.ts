/**
 * Reviewer metrics. The hourly rollup recomputes every guild's statistics for the last 7,
 * 30 and 90 days in one set-based statement (window functions for the percentiles), and
 * swaps them in atomically; `/modstats` and the dashboard only read the rollup.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { gateReviewerStats, type GateReviewerStatsRow } from './schema';

/** Windows the rollup computes (days). */
export const METRIC_WINDOWS = [7, 30, 90] as const;

/** A metrics window in days. */
export type MetricWindow = (typeof METRIC_WINDOWS)[number];

const DAY_MS = 86_400_000;

/**
 * Recomputes the rollup for every guild as of `now`. Percentiles are nearest-rank: the
 * median is the ⌈n/2⌉-th smallest value, p95 the ⌈0.95·n⌉-th. Submission→claim counts every
 * claim; claim→decision counts decisions made by the reviewer who held the claim.
 */
export async function rollupReviewerStats(db: Db, now: number): Promise<void> {
  const windows = sql.raw(METRIC_WINDOWS.map((d) => `(${d})`).join(', '));
  await db.batch([
    db.delete(gateReviewerStats),
    db.insert(gateReviewerStats).select(sql`
      WITH w(days) AS (VALUES ${windows}),
      c AS (
        SELECT a.guild_id, a.claimed_by AS reviewer_id, w.days AS days, a.claimed_at - a.submitted_at AS ms,
               ROW_NUMBER() OVER (PARTITION BY a.guild_id, a.claimed_by, w.days ORDER BY a.claimed_at - a.submitted_at) AS rn,
               COUNT(*) OVER (PARTITION BY a.guild_id, a.claimed_by, w.days) AS n
        FROM gate_applications a JOIN w ON a.claimed_at >= ${now} - w.days * ${DAY_MS}
        WHERE a.claimed_by IS NOT NULL AND a.claimed_at <= ${now}
      ),
      cs AS (
        SELECT guild_id, reviewer_id, days, MAX(n) AS claims,
               MAX(CASE WHEN rn = (n + 1) / 2 THEN ms END) AS med,
               MAX(CASE WHEN rn = (95 * n + 99) / 100 THEN ms END) AS p95
        FROM c GROUP BY guild_id, reviewer_id, days
      ),
      d AS (
        SELECT a.guild_id, a.decided_by AS reviewer_id, w.days AS days, a.status AS status, a.override AS override,
               CASE WHEN a.claimed_by = a.decided_by AND a.claimed_at IS NOT NULL THEN a.decided_at - a.claimed_at END AS ms
        FROM gate_applications a JOIN w ON a.decided_at >= ${now} - w.days * ${DAY_MS}
        WHERE a.decided_by IS NOT NULL AND a.decided_at <= ${now}
          AND a.status IN ('accepted', 'rejected', 'kicked', 'blocked')
      ),
      dr AS (
        SELECT d.*,
               ROW_NUMBER() OVER (PARTITION BY guild_id, reviewer_id, days, ms IS NULL ORDER BY ms) AS rn,
               COUNT(ms) OVER (PARTITION BY guild_id, reviewer_id, days) AS n
        FROM d
      ),
      ds AS (
        SELECT guild_id, reviewer_id, days,
               SUM(status = 'accepted') AS accepted, SUM(status = 'rejected') AS rejected,
               SUM(status = 'kicked') AS kicked, SUM(status = 'blocked') AS blocked, SUM(override) AS overrides,
               MAX(CASE WHEN ms IS NOT NULL AND rn = (n + 1) / 2 THEN ms END) AS med,
               MAX(CASE WHEN ms IS NOT NULL AND rn = (95 * n + 99) / 100 THEN ms END) AS p95
        FROM dr GROUP BY guild_id, reviewer_id, days
      ),
      k AS (SELECT guild_id, reviewer_id, days FROM cs UNION SELECT guild_id, reviewer_id, days FROM ds)
      SELECT k.guild_id, k.reviewer_id, k.days,
             COALESCE(cs.claims, 0), COALESCE(ds.accepted, 0), COALESCE(ds.rejected, 0), COALESCE(ds.kicked, 0),
             COALESCE(ds.blocked, 0), COALESCE(ds.overrides, 0), cs.med, cs.p95, ds.med, ds.p95, ${now}
      FROM k
      LEFT JOIN cs ON cs.guild_id = k.guild_id AND cs.reviewer_id = k.reviewer_id AND cs.days = k.days
      LEFT JOIN ds ON ds.guild_id = k.guild_id AND ds.reviewer_id = k.reviewer_id AND ds.days = k.days`),
  ]);
}

/** Decisions of a stats row. */
export function decisions(row: Pick<GateReviewerStatsRow, 'accepted' | 'rejected' | 'kicked' | 'blocked'>): number {
  return row.accepted + row.rejected + row.kicked + row.blocked;
}

/** Guild-scoped reads of the rollup. */
export class ReviewerStatsRepo {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** Every reviewer's row for a window, busiest first. */
  list(window: MetricWindow, limit = 25): Promise<GateReviewerStatsRow[]> {
    return this.db
      .select()
      .from(gateReviewerStats)
      .where(and(eq(gateReviewerStats.guildId, this.guildId), eq(gateReviewerStats.windowDays, window)))
      .orderBy(desc(sql`${gateReviewerStats.accepted} + ${gateReviewerStats.rejected} + ${gateReviewerStats.kicked} + ${gateReviewerStats.blocked}`), desc(gateReviewerStats.claims))
      .limit(limit);
  }

  /** One reviewer's row for a window, or null. */
  async get(window: MetricWindow, reviewerId: string): Promise<GateReviewerStatsRow | null> {
    const [row] = await this.db
      .select()
      .from(gateReviewerStats)
      .where(and(eq(gateReviewerStats.guildId, this.guildId), eq(gateReviewerStats.windowDays, window), eq(gateReviewerStats.reviewerId, reviewerId)));
    return row ?? null;
  }
}
