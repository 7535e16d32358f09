/**
 * Stale-queue alerts: an application unclaimed for 24 h pings the reviewer role in the review
 * channel, again at 48 h, and at 72 h escalates to the administrator role; an application first
 * seen past 72 h gets only the escalation. One alert goes out per guild and level, listing
 * its applications.
 *
 * Order: claim, post, then mark. A run claims the due applications of as many guilds as its
 * budget fits (oldest waiting first) by one conditional UPDATE that sets a lease, so an
 * overlapping run skips them; each alert is posted and only then marked sent (`alerts_sent`
 * only grows). A post that fails releases its applications (the next run tries again);
 * applications whose turn the budget did not reach are released at once. A run that dies
 * after posting and before marking leaves the lease to lapse, and that alert is sent again:
 * alerts are at least once, never lost.
 */
import { and, asc, eq, inArray, lt, lte, min, sql } from 'drizzle-orm';
import { Budget, withinBudget } from '../../core/budget';
import type { BaseContext } from '../../core/context';
import type { CronReport } from '../../core/define';
import { GuildConfig } from '../../core/guild-config.repo';
import { readGateSettings } from './config';
import { gateApplications } from './schema';

const HOUR = 3_600_000;

/** Alert thresholds: level → hours unclaimed. */
export const STALE_THRESHOLDS = { 1: 24, 2: 48, 3: 72 } as const;

/** How long a run holds the applications of an alert it is posting. */
export const STALE_ALERT_LEASE_MS = 10 * 60_000;

/** Subrequests one alert costs: the guild's config snapshot, the gate settings, the post, and marking it sent (or releasing it). */
export const STALE_ALERT_COST = 4;

/** The claim statement and the release of what did not fit. */
const CLAIM_OVERHEAD = 2;

/** Guilds one run claims at most, whatever the budget. */
const MAX_GUILDS_PER_RUN = 500;

interface Due {
  id: number;
  guildId: string;
  userId: string;
  level: number;
  submittedAt: number;
  cardChannelId: string | null;
  cardMessageId: string | null;
}

/**
 * Sends the alerts due at `now` that fit `ctx.budget` (unlimited without one). Throws (after
 * trying every claimed guild) if any post failed; those are released and retried next run.
 */
export async function sendStaleAlerts(ctx: BaseContext & { budget?: Budget }, now: number): Promise<CronReport> {
  const budget = ctx.budget ?? Budget.unlimited();
  const guilds = budget.fit(STALE_ALERT_COST, MAX_GUILDS_PER_RUN, CLAIM_OVERHEAD);
  if (guilds === 0) return { claimed: 0, done: 0, left: 0 };
  const level = sql<number>`CASE WHEN ${gateApplications.submittedAt} <= ${now - 72 * HOUR} THEN 3
    WHEN ${gateApplications.submittedAt} <= ${now - 48 * HOUR} THEN 2 ELSE 1 END`;
  const due = and(
    eq(gateApplications.status, 'pending'),
    lte(gateApplications.submittedAt, now - 24 * HOUR),
    lt(gateApplications.alertsSent, level),
    lte(gateApplications.alertLeaseUntil, now),
  );
  const oldestGuilds = ctx.db
    .select({ guildId: gateApplications.guildId })
    .from(gateApplications)
    .where(due)
    .groupBy(gateApplications.guildId)
    .orderBy(asc(min(gateApplications.submittedAt)))
    .limit(guilds);
  const claimed: Due[] = await ctx.db
    .update(gateApplications)
    .set({ alertLeaseUntil: now + STALE_ALERT_LEASE_MS })
    .where(and(due, inArray(gateApplications.guildId, oldestGuilds)))
    .returning({
      id: gateApplications.id,
      guildId: gateApplications.guildId,
      userId: gateApplications.userId,
      level,
      submittedAt: gateApplications.submittedAt,
      cardChannelId: gateApplications.cardChannelId,
      cardMessageId: gateApplications.cardMessageId,
    });
  const groups = new Map<string, Due[]>();
  for (const row of claimed) {
    const key = `${row.guildId}:${row.level}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const releaseSlot = budget.reserve(1);
  const { results, left } = await withinBudget(budget, [...groups.values()], { cost: () => STALE_ALERT_COST, concurrency: 8 }, async (rows) => {
    const ids = rows.map((r) => r.id);
    try {
      await alertGuild(ctx, rows);
    } catch (error) {
      await ctx.db.update(gateApplications).set({ alertLeaseUntil: 0 }).where(inArray(gateApplications.id, ids));
      throw error;
    }
    await ctx.db
      .update(gateApplications)
      .set({ alertsSent: rows[0]!.level, alertLeaseUntil: 0 })
      .where(and(inArray(gateApplications.id, ids), lt(gateApplications.alertsSent, rows[0]!.level)));
  });
  releaseSlot?.release();
  const unstarted = left.flat().map((r) => r.id);
  if (unstarted.length > 0) await ctx.db.update(gateApplications).set({ alertLeaseUntil: 0 }).where(inArray(gateApplications.id, unstarted));
  const failed = results.filter((r): r is PromiseRejectedResult => r?.status === 'rejected');
  if (failed.length > 0) throw new AggregateError(failed.map((f) => f.reason), `gate: ${failed.length} stale alert(s) failed`);
  return { claimed: claimed.length, done: claimed.length - unstarted.length, left: unstarted.length };
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
