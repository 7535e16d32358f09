/**
 * The quota leaderboard: its embed (shared by `/quota leaderboard` and the panel), the
 * self-updating panel posted once by `/quota panel` (edited after every credit and adjustment,
 * and by the hourly rollover job), and the rollover job itself: once per period, announce the
 * period that closed. The announcement is claimed in the settings (`closedPeriod`, a versioned
 * write) before it is posted with a nonce, so a repeated or overlapping run posts it once.
 */
import type { APIEmbed } from 'discord-api-types/v10';
import { eq } from 'drizzle-orm';
import type { BaseContext, CronContext } from '../../core/context';
import { UserError } from '../../core/errors';
import { GuildConfig } from '../../core/guild-config.repo';
import { guildSettings } from '../../core/schema';
import { DiscordApiError, messageNonce } from '../../discord';
import { formatPoints } from './catalog';
import { RUNS_KEY, runsSettingsSchema, type RunsSettings } from './config';
import { periodAt, previousPeriod, type Period } from './quota-period';
import { ruleOf, standings, type Standing } from './quota.service';

const medal = (i: number) => ['🥇', '🥈', '🥉'][i] ?? `${i + 1}.`;

/** The leaderboard embed of one period. */
export function leaderboardEmbed(period: Period, rows: Standing[], current: boolean, settings: RunsSettings): APIEmbed {
  const lines = rows.slice(0, 25).map((r, i) => `${medal(i)} <@${r.userId}> · **${formatPoints(r.points)}**`);
  const resets = current ? `Resets <t:${Math.floor(period.end / 1000)}:R>.` : `Closed <t:${Math.floor(period.end / 1000)}:f>.`;
  return {
    title: `📋 Quota leaderboard · ${period.key}`,
    description: `${lines.length ? lines.join('\n') : '_No points yet this period._'}\n\n${resets}`.slice(0, 4096),
    color: 0x57f287,
    footer: { text: `${settings.quota.period === 'weekly' ? 'Weekly' : 'Monthly'} quota · ${settings.timezone}` },
  };
}

/** Edits the guild's quota panel to the current standings, if one was posted. */
export async function refreshQuotaPanel(ctx: Pick<BaseContext, 'db' | 'discord'>, guildId: string, now = Date.now()): Promise<void> {
  const settings = await new GuildConfig(ctx.db, guildId).settings(RUNS_KEY, runsSettingsSchema);
  const panel = settings.quota.panel;
  if (!panel) return;
  const period = periodAt(ruleOf(settings), now);
  const embed = leaderboardEmbed(period, await standings(ctx.db, guildId, period.key), true, settings);
  try {
    await ctx.discord.channels.editMessage(panel.channelId, panel.messageId, { embeds: [embed], allowed_mentions: { parse: [] } });
  } catch (error) {
    // A deleted panel stays deleted until staff post another.
    if (!(error instanceof DiscordApiError && (error.status === 404 || error.status === 403))) throw error;
  }
}

/**
 * The hourly rollover job for one guild: when the period before now was not announced yet,
 * claim it (settings write), post its final standings in the panel's channel, refresh the
 * panel. Returns whether this run announced it.
 */
export async function closePeriod(ctx: Pick<BaseContext, 'db' | 'discord'>, guildId: string, now = Date.now()): Promise<boolean> {
  const config = new GuildConfig(ctx.db, guildId);
  const settings = await config.settings(RUNS_KEY, runsSettingsSchema);
  if (!settings.quota.panel) return false;
  const closed = previousPeriod(ruleOf(settings), now);
  if (settings.quota.closedPeriod === closed.key) return false;
  try {
    await config.updateSettings('system', RUNS_KEY, runsSettingsSchema, (s) => {
      if (s.quota.closedPeriod === closed.key) throw new UserError('already_closed', closed.key);
      return { ...s, quota: { ...s.quota, closedPeriod: closed.key } };
    });
  } catch (error) {
    if (error instanceof UserError && error.code === 'already_closed') return false;
    throw error;
  }
  const rows = await standings(ctx.db, guildId, closed.key);
  await ctx.discord.channels.createMessage(settings.quota.panel.channelId, {
    content: `Quota period **${closed.key}** is over.`,
    embeds: [leaderboardEmbed(closed, rows, false, settings)],
    allowed_mentions: { parse: [] },
    nonce: await messageNonce('runs.quota-close', guildId, closed.key),
    enforce_nonce: true,
  });
  await refreshQuotaPanel(ctx, guildId, now);
  return true;
}

/** Guilds with a quota panel (the rollover job's work list). */
export async function guildsWithQuota(ctx: CronContext): Promise<string[]> {
  const rows = await ctx.db.select({ guildId: guildSettings.guildId, value: guildSettings.value }).from(guildSettings).where(eq(guildSettings.key, RUNS_KEY));
  return rows.filter((r) => runsSettingsSchema.safeParse(r.value).data?.quota.panel).map((r) => r.guildId);
}
