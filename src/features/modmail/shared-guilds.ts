/**
 * The servers a user could open a ticket in from their DMs: those whose `modmail` channel is
 * set and where they are a member (asked of Discord, a handful of guilds at most for a small
 * bot; the first {@link MAX_PICKER_GUILDS} are offered).
 */
import { eq } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import { guildChannels } from '../../core/schema';
import { DiscordApiError } from '../../discord/errors';

/** Most servers a picker offers (a select menu holds 25; each costs two REST calls). */
export const MAX_PICKER_GUILDS = 10;

/** A server a user may open a ticket in. */
export interface SharedGuild {
  id: string;
  name: string;
}

/** The modmail servers `userId` is a member of, by name. */
export async function modmailGuildsOf(ctx: BaseContext, userId: string): Promise<SharedGuild[]> {
  const rows = await ctx.db.select({ guildId: guildChannels.guildId }).from(guildChannels).where(eq(guildChannels.purpose, 'modmail')).limit(200);
  const found: SharedGuild[] = [];
  for (const { guildId } of rows) {
    if (found.length >= MAX_PICKER_GUILDS) break;
    try {
      await ctx.discord.members.get(guildId, userId);
      const guild = await ctx.discord.guilds.get(guildId);
      found.push({ id: guildId, name: guild.name });
    } catch (error) {
      if (error instanceof DiscordApiError && (error.isUnknownMember || error.status === 404 || error.status === 403)) continue;
      throw error;
    }
  }
  return found;
}
