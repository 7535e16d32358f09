import { defineFeature } from '../../core/define';
import { activityCommand } from './commands/activity.command';
import { headcountCommand } from './commands/headcount.command';
import { quotaCommand } from './commands/quota.command';
import { runCommand } from './commands/run.command';
import { quotaRolloverCron } from './crons/quota-rollover.cron';
import { controlComponent } from './components/control.component';
import { benchComponent, classComponent, joinComponent, leaveComponent } from './components/panel.component';
import { locationModal } from './modals/location.modal';

/** Organised runs: activity catalog, run panels on Durable Objects, headcounts, schedules, calendar feed, quota. */
export const runs = defineFeature({
  name: 'runs',
  description: 'Runs: activities, join panels with classes and waitlists, auto-end, schedules, calendar, quota points',
  commands: [runCommand, headcountCommand, activityCommand, quotaCommand],
  components: [joinComponent, benchComponent, leaveComponent, classComponent, controlComponent],
  modals: [locationModal],
  crons: [quotaRolloverCron],
});
