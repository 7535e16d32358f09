import { defineFeature } from '../../core/define';
import { INTERNAL_EVENT_TYPES } from '../../core/internal-events';
import { rulesCommand } from './commands/rules.command';
import { firesRetentionCron } from './crons/fires-retention.cron';
import { rulesLakeHook } from './events/rules.hook';
import { voiceLakeHook } from './events/voice.hook';
import { voiceMinutesCron } from './crons/voice-minutes.cron';
import { factsFromInternal } from './facts';
import { runRules } from './run.service';

/** The rules engine: events → conditions → effects (currencies, roles, announcements), dry run and recompute. */
export const rules = defineFeature({
  name: 'rules',
  description: 'Rules: events that credit currencies, give roles and announce (with dry runs against history)',
  commands: [rulesCommand],
  lakeHooks: [rulesLakeHook, voiceLakeHook],
  crons: [firesRetentionCron, voiceMinutesCron],
  internalEvents: INTERNAL_EVENT_TYPES.map((type) => ({ name: `on-${type}`, type, handler: (ctx, event) => runRules(ctx, event.guildId, [factsFromInternal(event)], event).then(() => undefined) })),
});
