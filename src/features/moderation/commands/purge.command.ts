import type { APIMessage } from 'discord-api-types/v10';
import { defineCommand, opt } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { actionError } from '../moderation.service';

/** Discord refuses to bulk-delete messages older than 14 days; keep a minute of margin. */
const BULK_MAX_AGE_MS = 14 * 86_400_000 - 60_000;

/** `/purge count [user] [contains]`: bulk-deletes recent messages of this channel. */
export const purgeCommand = defineCommand({
  name: 'purge',
  description: 'Delete up to 100 recent messages in this channel',
  level: 'moderator',
  options: {
    count: opt.integer('How many messages (1–100)', { required: true, minValue: 1, maxValue: 100 }),
    user: opt.user('Only messages from this user'),
    contains: opt.string('Only messages containing this text', { maxLength: 100 }),
  },
  handler: async (ctx, { count, user, contains }) => {
    const channelId = ctx.interaction.channel?.id;
    if (!channelId) throw new UserError('no_channel', 'I can only purge in a channel.');
    return ctx.defer(
      async () => {
        let recent: APIMessage[];
        try {
          recent = await ctx.discord.channels.listMessages(channelId, { limit: 100 });
        } catch (error) {
          throw actionError(error, 'read this channel', 'ReadMessageHistory');
        }
        const needle = contains?.toLowerCase();
        const matching = recent
          .filter((m) => !user || m.author.id === user.id)
          .filter((m) => !needle || m.content.toLowerCase().includes(needle))
          .slice(0, count);
        const cutoff = Date.now() - BULK_MAX_AGE_MS;
        const fresh = matching.filter((m) => Date.parse(m.timestamp) > cutoff).map((m) => m.id);
        const old = matching.length - fresh.length;
        try {
          if (fresh.length === 1) await ctx.discord.channels.deleteMessage(channelId, fresh[0]!, `purge by ${ctx.user.id}`);
          else if (fresh.length > 1) await ctx.discord.channels.bulkDelete(channelId, fresh, `purge by ${ctx.user.id}`);
        } catch (error) {
          throw actionError(error, 'delete those messages', 'ManageMessages');
        }
        const lines = [`Deleted ${fresh.length} message${fresh.length === 1 ? '' : 's'}.`];
        if (old > 0) lines.push(`Skipped ${old} older than 14 days: Discord doesn't allow bulk-deleting those.`);
        if (matching.length < count) lines.push(`Only ${matching.length} of the last ${recent.length} messages matched.`);
        await ctx.editOriginal({ content: lines.join('\n') });
      },
      { ephemeral: true },
    );
  },
});
