/**
 * The features' dashboard API routes, by feature. Only the web Worker (workers/web) imports
 * this list, so the bot Worker's bundle carries no API code; adding a feature's routes means
 * adding its `defineFeatureApi` here.
 */
import { defineFeatureApi, type FeatureApi } from '../core/api/define';
import { analytics } from './analytics';
import { activityApi } from './analytics/activity.api';
import { driftApi } from './analytics/drift.api';
import { funnelApi } from './analytics/funnel.api';
import { publicActivityRoute, publicPageApi } from './analytics/public-page.api';
import { apiKeys } from './api-keys';
import { apiKeysApi } from './api-keys/api-keys.api';
import { economy } from './economy';
import { economyApi } from './economy/api';
import { gate } from './gate';
import { gateApi } from './gate/api';
import { levels } from './levels';
import { levelsApi } from './levels/settings.api';
import { moderation } from './moderation';
import { moderationApi } from './moderation/api';
import { platform } from './platform';
import { deleteGrantRoute, guildSummaryRoute, listGrantsRoute, putGrantRoute } from './platform/api';
import { platformDashboardApi } from './platform/dashboard.api';
import { pickersRoute } from './platform/pickers.api';
import { rules } from './rules';
import { rulesApi } from './rules/rules.api';
import { webhooks } from './webhooks';
import { webhooksApi } from './webhooks/webhooks.api';

export const featureApis: FeatureApi[] = [
  defineFeatureApi(platform, [guildSummaryRoute, listGrantsRoute, putGrantRoute, deleteGrantRoute, ...platformDashboardApi, pickersRoute]),
  defineFeatureApi(gate, gateApi),
  defineFeatureApi(moderation, moderationApi),
  defineFeatureApi(apiKeys, apiKeysApi),
  defineFeatureApi(economy, economyApi),
  defineFeatureApi(webhooks, webhooksApi),
  defineFeatureApi(analytics, [...activityApi, ...driftApi, ...funnelApi, ...publicPageApi], [publicActivityRoute]),
  defineFeatureApi(levels, levelsApi),
  defineFeatureApi(rules, rulesApi),
];
