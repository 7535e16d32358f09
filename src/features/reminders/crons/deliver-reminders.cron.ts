import { defineCron } from '../../../core/define';
import { runReminders } from '../delivery.service';

/** Every minute: posts due reminders (at most `REMINDERS_PER_RUN` a run, and only what fits the run's budget). */
export const deliverRemindersCron = defineCron({
  name: 'deliver-reminders',
  schedule: '* * * * *',
  handler: async (ctx) => {
    const report = await runReminders(ctx);
    if (report.claimed > 0) console.info(JSON.stringify({ msg: 'reminders run', ...report }));
    // The scheduler logs this with the run's budget ('cron run').
    return { claimed: report.claimed, done: report.claimed - report.left, left: report.left };
  },
});
