import { defineCron } from '../../../core/define';
import { runReminders } from '../delivery.service';

/** Every minute: posts due reminders (at most `REMINDERS_PER_RUN` a run). */
export const deliverRemindersCron = defineCron({
  name: 'deliver-reminders',
  schedule: '* * * * *',
  handler: async (ctx) => {
    const report = await runReminders(ctx);
    if (report.claimed > 0) console.info(JSON.stringify({ msg: 'reminders run', ...report }));
  },
});
