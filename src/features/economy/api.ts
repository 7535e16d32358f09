/**
 * The economy's dashboard API (the dashboard's Worker): currencies, boards and balances, staff
 * awards and deductions, seasons and milestones. Nothing here is imported by commands, events
 * or crons.
 */
import type { AnyApiRoute } from '../../core/api/define';
import { createCurrencyRoute, deleteCurrencyRoute, editCurrencyRoute, listCurrenciesRoute } from './currencies.api';
import { createMilestoneRoute, listMilestonesRoute, listSeasonsRoute, rollSeasonRoute, showSeasonRoute } from './seasons.api';
import { awardRoute, deductRoute, leaderboardRoute, memberLedgerRoute, memberWalletsRoute } from './wallets.api';

/** The economy's routes. */
export const economyApi: AnyApiRoute[] = [
  listCurrenciesRoute,
  createCurrencyRoute,
  editCurrencyRoute,
  deleteCurrencyRoute,
  leaderboardRoute,
  memberWalletsRoute,
  memberLedgerRoute,
  awardRoute,
  deductRoute,
  listSeasonsRoute,
  showSeasonRoute,
  rollSeasonRoute,
  listMilestonesRoute,
  createMilestoneRoute,
];
