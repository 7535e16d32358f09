import { defineCron } from '../../../core/define';
import { retentionDays } from '../../../core/gateway/retention.cron';
import { pruneFires } from '../run.service';

/**
 * Hourly: drops `rule_fires` rows whose event is older than the event lake keeps
 * (`EVENT_RETENTION_DAYS`, the lake's retention cron's window): a firing is only needed for
 * cooldowns and caps (a day at most), and for dry runs and recomputes, which cannot reach past
 * the lake. Ledger transactions keep their idempotency keys, so an event re-delivered after its
 * firing row is gone still moves nothing twice. Within the run's budget: two subrequests per
 * page of {@link FIRES_PAGE} rows.
 */
export const firesRetentionCron = defineCron({
  name: 'rule-fires-retention',
  schedule: '0 * * * *',
  handler: async (ctx) => {
    const before = ctx.scheduledTime - retentionDays(ctx.env) * 86_400_000;
    const { deleted, pages, more } = await pruneFires(ctx.db, before, { budget: ctx.budget });
    if (deleted > 0) console.log(JSON.stringify({ msg: 'rule fires pruned', deleted, before }));
    return { claimed: pages, done: pages, left: more ? 1 : 0 };
  },
});
