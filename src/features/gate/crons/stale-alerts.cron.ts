import { defineCron } from '../../../core/define';
import { sendStaleAlerts } from '../stale-alerts.service';

/** Every minute: pings reviewers about applications unclaimed for 24/48 h, escalates at 72 h. */
export const staleAlertsCron = defineCron({
  name: 'stale-alerts',
  schedule: '* * * * *',
  handler: (ctx) => sendStaleAlerts(ctx, ctx.scheduledTime),
});
