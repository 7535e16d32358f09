import { defineCron } from '../../../core/define';
import { runDriftReconcile } from './reconcile.service';

/**
 * Hourly: reconciles the dangerous roles and their holders of guilds not checked for a day
 * (so each guild about nightly), within the run's subrequest budget, resuming runs in progress.
 */
export const driftReconcileCron = defineCron({
  name: 'analytics-drift-reconcile',
  schedule: '0 * * * *',
  handler: async (ctx) => {
    const report = await runDriftReconcile(ctx);
    if (report.guilds) console.info(JSON.stringify({ msg: 'drift reconcile run', ...report }));
    return { claimed: report.guilds, done: report.finished, left: report.guilds - report.finished };
  },
});
