import { defineCron } from '../../../core/define';
import { runReconcile } from '../reconcile.service';

/**
 * Every minute: settles moderation cases left pending past the grace period (their Discord
 * call's outcome unknown, or their confirmation never written), at most `RECONCILE_LIMIT`
 * per run and only as many as fit the run's subrequest budget.
 */
export const reconcileCasesCron = defineCron({
  name: 'reconcile-cases',
  schedule: '* * * * *',
  handler: async (ctx) => {
    const report = await runReconcile({ db: ctx.db, discord: ctx.discord, budget: ctx.budget, events: ctx });
    if (report.claimed > 0) console.info(JSON.stringify({ msg: 'reconcile run', ...report }));
    // The scheduler logs this with the run's budget ('cron run').
    return { claimed: report.claimed, done: report.claimed - report.left, left: report.left };
  },
});
