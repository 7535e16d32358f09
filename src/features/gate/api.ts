import type { AnyApiRoute } from '../../core/api/define';
/**
 * The gate's dashboard API: applications (reviewers), reviewer metrics (moderators), gate
 * settings and the form (managers).
 */
import { claimApplicationRoute, decideApplicationRoute, getApplicationRoute, listApplicationsRoute, unclaimApplicationRoute } from './applications.api';
import {
  addQuestionRoute,
  editQuestionRoute,
  getGateSettingsRoute,
  listQuestionsRoute,
  removeQuestionRoute,
  reorderQuestionsRoute,
  updateGateSettingsRoute,
} from './config.api';
import { reviewerMetricsRoute } from './metrics.api';

/** The gate's routes. */
export const gateApi: AnyApiRoute[] = [
  listApplicationsRoute,
  getApplicationRoute,
  claimApplicationRoute,
  unclaimApplicationRoute,
  decideApplicationRoute,
  reviewerMetricsRoute,
  getGateSettingsRoute,
  updateGateSettingsRoute,
  listQuestionsRoute,
  addQuestionRoute,
  editQuestionRoute,
  reorderQuestionsRoute,
  removeQuestionRoute,
];
