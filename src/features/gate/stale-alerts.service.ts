/**
 * Stale-queue alerts: an application unclaimed for 24 h pings the reviewer role in the review
 * channel, again at 48 h, and at 72 h escalates to the administrator role. Each threshold is
 * taken by one conditional UPDATE (`alerts_sent` only grows), so every alert goes out at most
 * once even when two cron runs overlap; an application first seen past 72 h gets only the
 * escalation.
 */
import { and, eq, lt, lte, sql } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import { GuildConfig } from '../../core/guild-config.repo';
import { readGateSettings } from './config';
import { gateApplications } from './schema';

const HOUR = 3_600_000;

/** Alert thresholds: level → hours unclaimed. */
export const STALE_THRESHOLDS = { 1: 24, 2: 48, 3: 72 } as const;

interface Due {
  id: number;
  guildId: string;
  userId: string;
  level: number;
  submittedAt: number;
  cardChannelId: string | null;
  cardMessageId: string | null;
}

/** Marks and sends every alert due at `now`. Throws (after trying every guild) if any send failed. */
export async function sendStaleAlerts(ctx: BaseContext, now: number): Promise<number> {
  const level = sql<number>`CASE WHEN ${gateApplications.submittedAt} <= ${now - 72 * HOUR} THEN 3
    WHEN ${gateApplications.submittedAt} <= ${now - 48 * HOUR} THEN 2 ELSE 1 END`;
  const due: Due[] = await ctx.db
    .update(gateApplications)
    .set({ alertsSent: level })
    .where(and(eq(gateApplications.status, 'pending'), lte(gateApplications.submittedAt, now - 24 * HOUR), lt(gateApplications.alertsSent, level)))
    .returning({
      id: gateApplications.id,
      guildId: gateApplications.guildId,
      userId: gateApplications.userId,
      level: gateApplications.alertsSent,
      submittedAt: gateApplications.submittedAt,
      cardChannelId: gateApplications.cardChannelId,
      cardMessageId: gateApplications.cardMessageId,
    });
  const groups = new Map<string, Due[]>();
  for (const row of due) {
    const key = `${row.guildId}:${row.level}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const results = await Promise.allSettled([...groups.values()].map((rows) => alertGuild(ctx, rows)));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) throw new AggregateError(failed.map((f) => f.reason), `gate: ${failed.length} stale alert(s) failed`);
  return due.length;
}

async function alertGuild(ctx: BaseContext, rows: Due[]): Promise<void> {
  const first = rows[0]!;
  const config = new GuildConfig(ctx.db, first.guildId);
  const [settings, channelId] = await Promise.all([readGateSettings(config), config.channel('review')]);
  if (!channelId) {
    console.warn(JSON.stringify({ msg: 'gate: stale alert without review channel', guildId: first.guildId, applications: rows.map((r) => r.id) }));
    return;
  }
  const escalate = first.level >= 3;
  const roleId = escalate ? (settings.adminRoleId ?? settings.reviewerRoleId) : settings.reviewerRoleId;
  const hours = STALE_THRESHOLDS[first.level as 1 | 2 | 3];
  const sorted = [...rows].sort((a, b) => a.submittedAt - b.submittedAt);
  const listed = sorted.slice(0, 10).map((r) => {
    const link = r.cardChannelId && r.cardMessageId ? ` · https://discord.com/channels/${r.guildId}/${r.cardChannelId}/${r.cardMessageId}` : '';
    return `• #${r.id} <@${r.userId}> submitted <t:${Math.floor(r.submittedAt / 1000)}:R>${link}`;
  });
  if (sorted.length > 10) listed.push(`…and ${sorted.length - 10} more (\`/review queue\`).`);
  const head = `${roleId ? `<@&${roleId}> ` : ''}${escalate ? '**Escalation:** ' : ''}${rows.length} application${rows.length === 1 ? ' has' : 's have'} waited over ${hours} h without a claim.`;
  await ctx.discord.channels.createMessage(channelId, {
    content: [head, ...listed].join('\n'),
    allowed_mentions: { parse: [], roles: roleId ? [roleId] : [] },
  });
}
