/**
 * Moderation's dashboard API: cases, member history, reasons and notes (moderators), and
 * the moderation settings (managers).
 */
import type { AnyApiRoute } from '../../core/api/define';
import { addNoteRoute, amendReasonRoute, getCaseRoute, listCasesRoute, memberHistoryRoute } from './cases.api';
import { getModerationSettingsRoute, updateModerationSettingsRoute } from './settings.api';

/** Moderation's routes. */
export const moderationApi: AnyApiRoute[] = [
  listCasesRoute,
  getCaseRoute,
  amendReasonRoute,
  memberHistoryRoute,
  addNoteRoute,
  getModerationSettingsRoute,
  updateModerationSettingsRoute,
];
