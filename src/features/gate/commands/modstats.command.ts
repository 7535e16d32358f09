import type { APIEmbed } from 'discord-api-types/v10';
import { defineCommand, opt } from '../../../core/define';
import { METRIC_WINDOWS, ReviewerStatsRepo, decisions, type MetricWindow } from '../metrics.repo';
import type { GateReviewerStatsRow } from '../schema';

/** "2d 3h", "4h 12m", "35m", "40s"; "n/a" for none. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'n/a';
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

function approval(row: GateReviewerStatsRow): string {
  const n = decisions(row);
  return n === 0 ? 'n/a' : `${Math.round((row.accepted / n) * 100)}%`;
}

function describe(row: GateReviewerStatsRow): string {
  return [
    `Claims **${row.claims}** · decisions **${decisions(row)}** (✅ ${row.accepted} · ❌ ${row.rejected} · 👢 ${row.kicked} · ⛔ ${row.blocked}${row.overrides ? ` · overrides ${row.overrides}` : ''})`,
    `Approval rate **${approval(row)}**`,
    `Submission → claim: median ${formatDuration(row.claimMedianMs)}, p95 ${formatDuration(row.claimP95Ms)}`,
    `Claim → decision: median ${formatDuration(row.decideMedianMs)}, p95 ${formatDuration(row.decideP95Ms)}`,
  ].join('\n');
}

/** `/modstats [moderator] [days]`: reviewer metrics from the hourly rollup (a cheap read). */
export const modstatsCommand = defineCommand({
  name: 'modstats',
  description: 'Reviewer metrics: claims, decisions, response times',
  level: 'moderator',
  options: {
    moderator: opt.user('Only this reviewer'),
    days: opt.integer('Window (default 30 days)', { choices: METRIC_WINDOWS.map((d) => ({ name: `${d} days`, value: d })) }),
  },
  handler: async (ctx, { moderator, days }) => {
    const window = (METRIC_WINDOWS as readonly number[]).includes(days ?? 30) ? ((days ?? 30) as MetricWindow) : 30;
    const repo = new ReviewerStatsRepo(ctx.db, ctx.guild);
    const rows = moderator ? [await repo.get(window, moderator.id)].filter((r): r is GateReviewerStatsRow => r !== null) : await repo.list(window, 20);
    const computed = rows[0]?.computedAt;
    const embed: APIEmbed = {
      title: `Reviewer metrics · last ${window} days`,
      description:
        rows.length === 0
          ? moderator
            ? `<@${moderator.id}> has no review activity in this window (metrics update hourly).`
            : 'No review activity in this window (metrics update hourly).'
          : `Updated <t:${Math.floor((computed ?? Date.now()) / 1000)}:R>.`,
      fields: rows.map((row, i) => ({ name: `${i + 1}.`, value: `<@${row.reviewerId}>\n${describe(row)}` })),
    };
    return ctx.reply({ embeds: [embed], ephemeral: true });
  },
});
