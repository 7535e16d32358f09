import { defineCommandGroup, opt, sub } from '../../../core/define';
import { AVATAR_SCAN_SETTINGS_KEY, avatarScanSettings } from '../risk';
import { enqueueScan } from '../enqueue';
import { GuildScanReplies } from '../scan-replies.repo';

/**
 * `/scan user` re-scans a member's avatar on demand: the reply is deferred and the scanner
 * Worker edits it with the probabilities (the model never runs in the bot Worker).
 * `/scan threshold` sets the risk at which review cards are highlighted.
 */
export const scanCommand = defineCommandGroup({
  name: 'scan',
  description: 'Avatar safety scans',
  level: 'reviewer',
  subcommands: {
    user: sub({
      description: "Re-scan a user's avatar and show the model's probabilities",
      cooldown: 10,
      options: { user: opt.user('Whose avatar to scan', { required: true }) },
      handler: async (ctx, { user }) => {
        const avatarHash = user.user.avatar;
        if (!avatarHash) return ctx.reply({ content: `<@${user.id}> uses Discord's default avatar: nothing to scan (no risk).`, ephemeral: true });
        const guildId = ctx.guild;
        return ctx.defer(
          async () => {
            try {
              // The token stays in D1; the queue message (which may be dead-lettered) carries its id.
              const replyId = await new GuildScanReplies(ctx.db, guildId).save(ctx.interaction.token);
              await enqueueScan(ctx.env, { guildId, userId: user.id, avatarHash, force: true, replyId });
            } catch (error) {
              await ctx.editOriginal('Could not queue the scan. Try again in a moment.');
              throw error;
            }
          },
          { ephemeral: true },
        );
      },
    }),
    threshold: sub({
      description: 'Set the risk score (0–1) at which review cards are highlighted',
      level: 'administrator',
      options: { score: opt.number('Risk score from 0 to 1 (default 0.7)', { required: true, minValue: 0, maxValue: 1 }) },
      handler: async (ctx, { score }) => {
        await ctx.config.updateSettings(ctx.user.id, AVATAR_SCAN_SETTINGS_KEY, avatarScanSettings, (current) => ({ ...current, threshold: score }));
        return ctx.reply({ content: `Review cards are now highlighted from an avatar risk of ${score.toFixed(2)}.`, ephemeral: true });
      },
    }),
  },
});
