import { defineLakeHook } from '../../../core/define';
import { loadEngine } from '../run.service';
import { recordVoiceStates } from '../voice.service';

/**
 * `VOICE_STATE_UPDATE` after the lake write: records who is in which voice channel, muted or
 * not, in guilds with an enabled `VOICE_MINUTE` rule (`wants`; elsewhere the lake row is all).
 * The voice-minutes cron turns the states into minutes.
 */
export const voiceLakeHook = defineLakeHook({
  name: 'voice-states',
  types: ['VOICE_STATE_UPDATE'],
  cost: () => 4, // the engine (cached, 3 reads) and one batch
  wants: async (ctx, guildId) => (await loadEngine(ctx.db, guildId)).rules.some((r) => r.enabled && r.rule.trigger.event === 'VOICE_MINUTE'),
  handler: (ctx, events) => recordVoiceStates(ctx.db, events),
});
