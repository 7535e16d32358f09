/**
 * Drift alerts in the mod log. Changes owed an alert are posted together in one message (an
 * embed line each), with a nonce derived from their ids, so a handler that runs again after
 * posting (at-least-once delivery) gets Discord's first message back instead of a second one;
 * the rows are then marked alerted (only rows still owed). When the audit log entry that says
 * who did it arrives after the alert, the message is edited to name them.
 */
import type { APIEmbed } from 'discord-api-types/v10';
import type { BaseContext } from '../../../core/context';
import type { GuildConfig } from '../../../core/guild-config.repo';
import { DiscordApiError, RateLimitedError } from '../../../discord';
import { messageNonce } from '../../../discord/nonce';
import type { DriftChangeRow } from '../drift.schema';
import type { GuildDrift } from './drift.repo';
import { permissionDelta } from './permissions';

/** The moderation feature's mod-log channel purpose (a channel purpose is a shared name). */
export const MOD_LOG_PURPOSE = 'mod_log';

/** Subrequests one flush may make: read, post, mark. */
export const FLUSH_COST = 3;

/** One change as a sentence (mentions render, never ping: the platform sends no allowed mentions). */
export function describeChange(c: Pick<DriftChangeRow, 'kind' | 'roleId' | 'roleName' | 'userId' | 'before' | 'after' | 'actorId'>): string {
  const role = `<@&${c.roleId}> (${c.roleName || c.roleId})`;
  const by = c.actorId ? ` by <@${c.actorId}>` : '';
  switch (c.kind) {
    case 'role.dangerous':
      return `${role} now has ${permissionDelta('0', c.after).gained.join(', ')}${by}`;
    case 'role.permissions': {
      const d = permissionDelta(c.before, c.after);
      return `${role}: ${[d.gained.length ? `gained ${d.gained.join(', ')}` : '', d.lost.length ? `lost ${d.lost.join(', ')}` : ''].filter(Boolean).join('; ')}${by}`;
    }
    case 'role.safe':
      return `${role} no longer has any dangerous permission${by}`;
    case 'role.deleted':
      return `${role} was deleted${by}`;
    case 'holder.added':
      return `<@${c.userId}> was given ${role}${by}`;
    case 'holder.removed':
      return `<@${c.userId}> no longer has ${role}${by}`;
    case 'baseline.accepted':
      return `The current state was accepted as the baseline${by}`;
  }
}

/** The alert embed of a set of changes. */
export function alertEmbed(changes: readonly DriftChangeRow[]): APIEmbed {
  const lines = changes.map((c) => `• ${describeChange(c)}${c.source === 'reconcile' ? ' (found by the nightly check)' : ''}`);
  return {
    title: 'Role drift: dangerous permissions changed',
    description: lines.join('\n').slice(0, 4000),
    color: 0xe67e22,
    footer: { text: '/stats roles shows the drift since the baseline; /stats roles accept makes this the baseline' },
    timestamp: new Date(changes.at(-1)?.occurredAt ?? Date.now()).toISOString(),
  };
}

/** Posts the guild's owed alerts (up to 20 per message); returns how many changes it settled. */
export async function flushAlerts(ctx: BaseContext, config: GuildConfig, drift: GuildDrift, now = Date.now()): Promise<number> {
  const owed = await drift.owedAlerts(20);
  if (!owed.length) return 0;
  const ids = owed.map((c) => c.id);
  const channelId = await config.channel(MOD_LOG_PURPOSE);
  if (!channelId) {
    // Nowhere to post: the timeline keeps them; they are not owed forever.
    await drift.markAlerted(ids, null, null, now);
    return ids.length;
  }
  try {
    const message = await ctx.discord.channels.createMessage(channelId, {
      embeds: [alertEmbed(owed)],
      allowed_mentions: { parse: [] },
      nonce: await messageNonce('analytics.drift', drift.guildId, ids.join(',')),
      enforce_nonce: true,
    });
    await drift.markAlerted(ids, channelId, message.id, now);
    return ids.length;
  } catch (error) {
    if (!(error instanceof DiscordApiError) && !(error instanceof RateLimitedError)) throw error;
    console.warn(JSON.stringify({ msg: 'drift alert failed', guild: drift.guildId, changes: ids.length, error: String(error) }));
    // A channel the bot cannot post to: settle them rather than retry forever; a rate limit: the next flush retries.
    if (error instanceof DiscordApiError) await drift.markAlerted(ids, null, null, now);
    return 0;
  }
}

/** Re-renders alert messages after their changes were attributed. */
export async function refreshAlerts(ctx: BaseContext, drift: GuildDrift, messages: readonly { channelId: string; messageId: string }[]): Promise<void> {
  for (const m of messages) {
    const changes = await drift.changesOfAlert(m.messageId);
    if (!changes.length) continue;
    try {
      await ctx.discord.channels.editMessage(m.channelId, m.messageId, { embeds: [alertEmbed(changes)], allowed_mentions: { parse: [] } });
    } catch (error) {
      if (!(error instanceof DiscordApiError) && !(error instanceof RateLimitedError)) throw error;
      console.warn(JSON.stringify({ msg: 'drift alert edit failed', guild: drift.guildId, error: String(error) }));
    }
  }
}
