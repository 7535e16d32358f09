import { defineCron } from '../../../core/define';
import { deliverCards } from '../card-outbox.service';

/**
 * Every minute: posts review cards still in the outbox (their first attempt failed), with
 * backoff, at most `CARD_CLAIM_LIMIT` per run and only as many as fit the run's budget.
 */
export const postCardsCron = defineCron({
  name: 'post-cards',
  schedule: '* * * * *',
  handler: async (ctx) => {
    const report = await deliverCards(ctx, { now: ctx.scheduledTime });
    if (report.claimed > 0) console.info(JSON.stringify({ msg: 'gate card outbox run', ...report }));
    // The scheduler logs this with the run's budget ('cron run').
    return { claimed: report.claimed, done: report.claimed - report.left, left: report.left };
  },
});
