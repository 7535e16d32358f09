import { defineCron } from '../../../core/define';
import { runExpiry } from '../expiry.service';

/** Every minute: ends due bans, mutes and suspensions, and renews long timeouts. */
export const expirePunishmentsCron = defineCron({
  name: 'expire-punishments',
  schedule: '* * * * *',
  handler: async (ctx) => {
    const report = await runExpiry(ctx);
    if (report.claimed > 0) console.info(JSON.stringify({ msg: 'expiry run', ...report }));
  },
});
