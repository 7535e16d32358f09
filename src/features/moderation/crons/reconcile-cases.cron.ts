import { defineCron } from '../../../core/define';
import { runReconcile } from '../reconcile.service';

/**
 * Every minute: settles moderation cases left pending past the grace period (their Discord
 * call's outcome unknown, or their confirmation never written), at most `RECONCILE_LIMIT`
 * per run.
 */
export const reconcileCasesCron = defineCron({
  name: 'reconcile-cases',
  schedule: '* * * * *',
  handler: async (ctx) => {
    const report = await runReconcile(ctx);
    if (report.claimed > 0) console.info(JSON.stringify({ msg: 'reconcile run', ...report }));
  },
});
