/**
 * Analytics' public surface: the rollup queries (the dashboard and the `analytics-web`
 * pages read these, never the tables) and the PNG charts.
 */
export {
  MAX_DAYS,
  MAX_HOURLY_SPAN_DAYS,
  MAX_LURKERS,
  activitySeries,
  channelActivity,
  guildDaysQuery,
  heatmap,
  lurkers,
  memberFlow,
  prunePreview,
  requireDays,
  type ActivityPoint,
  type ChannelActivity,
  type Heatmap,
  type KeepReason,
  type Lurker,
  type PruneVerdict,
  type RosterMember,
} from './queries';
export { requireTimezone } from './timezone';
export { DAY_MS, HOUR_MS, dayOf, hourOf } from './periods';
