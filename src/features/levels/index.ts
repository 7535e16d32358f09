import { defineFeature } from '../../core/define';
import { onCurrencyChanged } from '../economy/public';
import { levelsCommand, rankCommand } from './commands/levels.command';
import { levelSyncCron } from './crons/level-sync.cron';
import { onXpChanged } from './levels.service';

// Changes made outside the rules engine (staff awards, corrections): the engine records its own in bulk.
onCurrencyChanged(onXpChanged);

/** Levels from an XP currency: curves, announcements, level roles, backfill. */
export const levels = defineFeature({
  name: 'levels',
  description: 'Levels: members level up from an XP currency, with announcements and level roles',
  commands: [rankCommand, levelsCommand],
  crons: [levelSyncCron],
});
