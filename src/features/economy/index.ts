import { defineFeature } from '../../core/define';
import { awardCommand, deductCommand } from './commands/award.command';
import { balanceCommand } from './commands/balance.command';
import { currencyCommand } from './commands/currency.command';
import { dailyCommand } from './commands/daily.command';
import { giveCommand } from './commands/give.command';
import { leaderboardCommand, leaderboardPrivacyCommand } from './commands/leaderboard.command';
import { milestoneCommand } from './commands/milestone.command';
import { seasonCommand } from './commands/season.command';
import { leaderboardPageComponent } from './components/leaderboard-page.component';
import { leaderboardsCron } from './crons/leaderboards.cron';
import { countMessagesHook } from './events/count-messages.hook';

/** Currencies on an append-only ledger: balances, transfers, daily rewards, seasons, leaderboards, milestones. */
export const economy = defineFeature({
  name: 'economy',
  description: 'Economy: currencies, balances, leaderboards, seasons and milestones',
  channels: { economy_announcements: 'Where milestones are announced' },
  commands: [balanceCommand, giveCommand, dailyCommand, awardCommand, deductCommand, currencyCommand, leaderboardCommand, leaderboardPrivacyCommand, seasonCommand, milestoneCommand],
  components: [leaderboardPageComponent],
  lakeHooks: [countMessagesHook],
  crons: [leaderboardsCron],
});
