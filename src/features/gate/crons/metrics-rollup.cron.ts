import { defineCron } from '../../../core/define';
import { rollupReviewerStats } from '../metrics.repo';

/** Hourly: recomputes the reviewer metrics rollup that `/modstats` reads. */
export const metricsRollupCron = defineCron({
  name: 'reviewer-metrics-rollup',
  schedule: '0 * * * *',
  handler: (ctx) => rollupReviewerStats(ctx.db, ctx.scheduledTime),
});
