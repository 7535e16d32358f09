import { defineFeature } from '../../core/define';
import { statsCommand } from './commands/stats.command';
import { analyticsRollupCron } from './crons/rollup.cron';
import { driftEvents, driftReconcileCron } from './drift';
import { funnelLakeHook, funnelLevelUp } from './funnel/funnel.hook';
import { activityApi } from './activity.api';
import { driftApi } from './drift.api';
import { funnelApi } from './funnel.api';
import { publicActivityRoute, publicPageApi } from './public-page.api';

/** Activity rollups of the event lake, members' last-seen facts, `/stats` charts. */
export const analytics = defineFeature({
  name: 'analytics',
  description: 'Analytics: activity rollups, heatmap, channels, member flow, lurkers and prune preview',
  commands: [statsCommand],
  crons: [analyticsRollupCron, driftReconcileCron],
  events: [...driftEvents],
  lakeHooks: [funnelLakeHook],
  internalEvents: [funnelLevelUp],
  api: [...activityApi, ...driftApi, ...funnelApi, ...publicPageApi],
  publicApi: [publicActivityRoute],
});
