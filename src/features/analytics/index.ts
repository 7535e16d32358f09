import { defineFeature } from '../../core/define';
import { statsCommand } from './commands/stats.command';
import { analyticsRollupCron } from './crons/rollup.cron';
import { driftEvents, driftMemberRolesHook, driftReconcileCron } from './drift';
import { funnelLakeHook, funnelLevelUp } from './funnel/funnel.hook';

/** Activity rollups of the event lake, members' last-seen facts, `/stats` charts. */
export const analytics = defineFeature({
  name: 'analytics',
  description: 'Analytics: activity rollups, heatmap, channels, member flow, lurkers and prune preview',
  commands: [statsCommand],
  events: [...driftEvents],
  crons: [analyticsRollupCron, driftReconcileCron],
  lakeHooks: [funnelLakeHook, driftMemberRolesHook],
  internalEvents: [funnelLevelUp],
});
