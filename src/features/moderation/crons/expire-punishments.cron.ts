import { defineCron } from '../../../core/define';
import { runExpiry } from '../expiry.service';

/** Every minute: ends due bans, mutes and suspensions, and renews long timeouts. */
export const expirePunishmentsCron = defineCron({
  name: 'expire-punishments',
  schedule: '* * * * *',
  // The scheduler logs the report with the run's budget ('cron run').
  handler: (ctx) => runExpiry({ db: ctx.db, discord: ctx.discord, budget: ctx.budget, events: ctx }),
});
