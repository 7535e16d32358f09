import { defineCron } from '../../../core/define';
import { runCost, runRules } from '../run.service';
import { pruneLeftVoice, voiceMinuteFacts } from '../voice.service';

/**
 * Every minute: the minute's `VOICE_MINUTE` facts (members in a voice channel with at least two
 * non-bot members, not muted or deafened) through the rules engine, a guild at a time within the
 * budget. Idempotent per minute (source ids carry the minute), so a retried run pays nothing twice.
 */
export const voiceMinutesCron = defineCron({
  name: 'voice-minutes',
  schedule: '* * * * *',
  handler: async (ctx) => {
    const minute = Math.floor(ctx.scheduledTime / 60_000);
    const slot = ctx.budget.reserve(2);
    if (!slot) return { claimed: 0, done: 0, left: 1 };
    let byGuild: Awaited<ReturnType<typeof voiceMinuteFacts>>;
    try {
      byGuild = await voiceMinuteFacts(ctx.db, minute);
      if (minute % 60 === 0) await pruneLeftVoice(ctx.db, ctx.scheduledTime);
    } finally {
      slot.release();
    }
    let done = 0;
    let left = 0;
    for (const [guildId, facts] of byGuild) {
      const reserved = ctx.budget.reserve(runCost(facts.length) + 3);
      if (!reserved) {
        left++;
        continue;
      }
      try {
        await runRules(ctx, guildId, facts);
        done++;
      } finally {
        reserved.release();
      }
    }
    return { claimed: byGuild.size, done, left };
  },
});
