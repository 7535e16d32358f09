import { defineCron } from '../../../core/define';
import { deliverCards } from '../card-outbox.service';

/**
 * Every minute: posts review cards still in the outbox (their first attempt failed), with
 * backoff, at most `CARD_CLAIM_LIMIT` per run.
 */
export const postCardsCron = defineCron({
  name: 'post-cards',
  schedule: '* * * * *',
  handler: async (ctx) => {
    const report = await deliverCards(ctx, { now: ctx.scheduledTime });
    if (report.claimed > 0) console.info(JSON.stringify({ msg: 'gate card outbox run', ...report }));
  },
});
