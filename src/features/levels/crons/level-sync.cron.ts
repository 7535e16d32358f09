import { defineCron } from '../../../core/define';
import { syncPending } from '../levels.service';

/** Every minute: level roles and announcements still owed (live path out of budget, backfills). */
export const levelSyncCron = defineCron({
  name: 'level-sync',
  schedule: '* * * * *',
  handler: (ctx) => syncPending(ctx),
});
