import { defineFeature } from '../../core/define';

/** Currencies on an append-only ledger: balances, transfers, daily rewards, seasons, leaderboards, milestones. */
export const economy = defineFeature({
  name: 'economy',
  description: 'Economy: currencies, balances, leaderboards, seasons and milestones',
  channels: { economy_announcements: 'Where milestones are announced' },
  commands: [],
});
