import { defineFeature } from '../../core/define';
import { remindCommand } from './commands/remind.command';
import { deliverRemindersCron } from './crons/deliver-reminders.cron';

/** Reminders delivered once, in the channel or by DM, by the every-minute cron. */
export const reminders = defineFeature({
  name: 'reminders',
  description: 'Reminders: /remind me in 2h …, delivered in the channel or by DM',
  commands: [remindCommand],
  crons: [deliverRemindersCron],
});
