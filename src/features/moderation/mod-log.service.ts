/**
 * The mod log: every case is posted as an embed to the guild's `mod_log` channel, the link
 * stored on the case, and the embed edited when the case changes. A mod log that cannot be
 * reached never undoes or hides the action: the failure is logged and reported to the caller.
 */
import type { Discord } from '../../discord';
import { DiscordApiError, RateLimitedError, describeDiscordError } from '../../discord';
import type { GuildConfig } from '../../core/guild-config.repo';
import { caseEmbed } from './case-embed';
import type { GuildCases } from './cases.repo';
import { MOD_LOG } from './config';
import type { GuildPunishments } from './punishments.repo';
import type { CaseRow } from './schema';

/** Posts and edits case embeds for one guild. */
export class ModLog {
  constructor(
    private readonly discord: Discord,
    private readonly config: GuildConfig,
    private readonly cases: GuildCases,
    private readonly punishments: GuildPunishments,
  ) {}

  /** Posts a new case; returns a problem sentence when it could not, else null. */
  async post(row: CaseRow): Promise<string | null> {
    const channelId = await this.config.channel(MOD_LOG);
    if (!channelId) return null;
    try {
      const message = await this.discord.channels.createMessage(channelId, {
        embeds: [caseEmbed(row)],
        allowed_mentions: { parse: [] },
      });
      await this.cases.setLogMessage(row.id, channelId, message.id);
      return null;
    } catch (error) {
      return this.problem(error, row, 'post to the mod log');
    }
  }

  /** Re-renders a case's embed after a change; returns a problem sentence, else null. */
  async refresh(row: CaseRow): Promise<string | null> {
    if (!row.logChannelId || !row.logMessageId) return null;
    try {
      const [amendments, punishment] = await Promise.all([this.cases.amendments([row.id]), this.punishments.forCase(row.id)]);
      await this.discord.channels.editMessage(row.logChannelId, row.logMessageId, {
        embeds: [caseEmbed(row, amendments, punishment)],
        allowed_mentions: { parse: [] },
      });
      return null;
    } catch (error) {
      return this.problem(error, row, 'update the mod log');
    }
  }

  private problem(error: unknown, row: CaseRow, action: string): string {
    if (!(error instanceof DiscordApiError) && !(error instanceof RateLimitedError)) throw error;
    console.warn(JSON.stringify({ msg: 'mod log failed', guild: row.guildId, case: row.caseNumber, action, error: String(error) }));
    return error instanceof DiscordApiError ? describeDiscordError(error, action) : `I couldn't ${action}: Discord is rate limiting me.`;
  }
}
