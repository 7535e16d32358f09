import { min } from 'drizzle-orm';
import { defineCron } from '../../../core/define';
import { appConfig } from '../../../core/env';
import { gatewayEvents } from '../../../core/gateway/schema';
import { DAY_MS, HOUR_MS, dayOf, hourOf } from '../periods';
import { compactDay, compactDayCost, pruneMessageEvents, pruneRollups, readWatermarks, rollupHours, setWatermark, watermarkStatement } from '../rollup.service';

/**
 * Hours recomputed behind the current one on every run: an hour is rebuilt at each of the
 * next `REDO_HOURS` runs, so events delivered up to about two hours late (queue retries,
 * budget deferrals) still count, and only then is it final.
 */
export const REDO_HOURS = 3;

/** Hours one rollup statement covers when catching up. */
export const WINDOW_HOURS = 6;

/** Most windows (catch-up) and days compacted in one run. */
const MAX_WINDOWS = 4;
const MAX_DAYS = 3;

/**
 * Hourly: rebuilds the recent hours from the lake, compacts days whose hours are final,
 * prunes old rollups and the lake's old message-type rows. Watermarks (`analytics_watermarks`)
 * say how far each step got, so a missed run is caught up (up to `MAX_WINDOWS` ×
 * `WINDOW_HOURS` hours a run); every step is a recomputation, so a repeated or overlapping
 * run writes the same rows.
 */
export const analyticsRollupCron = defineCron({
  name: 'rollup',
  schedule: '0 * * * *',
  handler: async (ctx) => {
    const config = appConfig(ctx.env);
    const now = ctx.scheduledTime;
    const budget = ctx.budget;
    if (budget.fit(1) === 0) return { claimed: 0, done: 0, left: 0 };
    /** Runs `work` once `cost` subrequests are held; false (not run) when they do not fit. */
    const within = async (cost: number, work: () => Promise<unknown>): Promise<boolean> => {
      const slot = budget.reserve(cost);
      if (!slot) return false;
      try {
        await work();
      } finally {
        slot.release();
      }
      return true;
    };
    const marks = await readWatermarks(ctx.db);
    const current = hourOf(now);
    const oldestKept = current - (config.ANALYTICS_HOURLY_DAYS - 1) * 24;
    let hoursMark = marks.get('hours');
    if (hoursMark === undefined) {
      // First run: start from the lake's oldest event (backfill), within the hourly retention.
      const [row] = await ctx.db.select({ t: min(gatewayEvents.occurredAt) }).from(gatewayEvents);
      hoursMark = row?.t == null ? current - REDO_HOURS : hourOf(row.t);
    }
    let start = Math.max(Math.min(hoursMark, current - REDO_HOURS), oldestKept);
    const firstHour = start;
    let windows = 0;
    let left = 0;
    while (start <= current) {
      const end = Math.min(start + WINDOW_HOURS, current + 1);
      const until = Math.min(end * HOUR_MS, now);
      const final = Math.min(end, current - REDO_HOURS + 1);
      const from = start;
      const mark = hoursMark;
      const ran =
        windows < MAX_WINDOWS &&
        (await within(2, async () => {
          const report = await rollupHours(ctx.db, from, until, final > mark ? [watermarkStatement('hours', final)] : []);
          console.log(JSON.stringify({ msg: 'analytics rollup', ...report }));
        }));
      if (!ran) {
        left = current - start + 1;
        break;
      }
      if (final > hoursMark) hoursMark = final;
      windows++;
      start = end;
    }

    // Days whose 24 hours are all final. With no watermark yet (a first run's backfill), from
    // the day this run started rolling up, kept at once: a backfill takes several runs, and
    // every day it rolls up must be compacted (the queries read hourly rows only from it on).
    let daysMark = marks.get('days') ?? dayOf(firstHour * HOUR_MS);
    if (!marks.has('days')) await within(1, () => setWatermark(ctx.db, 'days', daysMark));
    let days = 0;
    while ((daysMark + 1) * 24 <= hoursMark && days < MAX_DAYS) {
      const day = daysMark;
      if (!(await within(compactDayCost(5000) + 1, async () => {
        await compactDay(ctx.db, day);
        await setWatermark(ctx.db, 'days', day + 1);
      })))
        break;
      daysMark++;
      days++;
    }

    // Retention: hours only once compacted; the lake's message rows only once their day is.
    await within(1, () => pruneRollups(ctx.db, Math.min(current - config.ANALYTICS_HOURLY_DAYS * 24, daysMark * 24), dayOf(now) - config.ANALYTICS_RETENTION_DAYS));
    const cutoff = Math.min(now - config.LAKE_MESSAGE_RETENTION_DAYS * DAY_MS, daysMark * DAY_MS);
    const pruneFrom = marks.get('messages-pruned') ?? 0;
    const batches = budget.fit(1, 20, 1);
    if (cutoff > pruneFrom && batches > 0) {
      await within(batches + 1, async () => {
        const pruned = await pruneMessageEvents(ctx.db, pruneFrom, cutoff, { maxBatches: batches });
        await setWatermark(ctx.db, 'messages-pruned', pruned.reached);
        if (pruned.deleted > 0) console.log(JSON.stringify({ msg: 'analytics lake messages pruned', deleted: pruned.deleted, reached: pruned.reached }));
      });
    }
    return { claimed: windows + days, done: windows + days, left };
  },
});
