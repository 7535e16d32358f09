/**
 * Reviewer metrics for the dashboard: the `/modstats` figures (from the hourly rollup) per
 * reviewer for a window of 7, 30 or 90 days.
 */
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { METRIC_WINDOWS, ReviewerStatsRepo, decisions, type MetricWindow } from './metrics.repo';

const reviewerStats = z.object({
  reviewerId: z.string(),
  claims: z.number().int(),
  decisions: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  kicked: z.number().int(),
  blocked: z.number().int(),
  overrides: z.number().int(),
  /** accepted / decisions, 0–1; null without decisions. */
  approvalRate: z.number().nullable(),
  claimMedianMs: z.number().nullable(),
  claimP95Ms: z.number().nullable(),
  decideMedianMs: z.number().nullable(),
  decideP95Ms: z.number().nullable(),
});

/** `GET /gate/metrics?days=30`. */
export const reviewerMetricsRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/gate/metrics',
  access: 'moderator',
  keyScope: 'stats:read',
  summary: 'Reviewer metrics (the /modstats figures) for the last 7, 30 or 90 days, busiest first',
  request: {
    query: z.object({
      days: z.coerce
        .number()
        .int()
        .refine((d) => (METRIC_WINDOWS as readonly number[]).includes(d), 'Choose 7, 30 or 90 days.')
        .default(30),
    }),
  },
  response: z.object({
    days: z.number().int(),
    /** When the hourly rollup computed these figures; null when it has nothing for this window. */
    computedAt: z.number().nullable(),
    reviewers: z.array(reviewerStats),
  }),
  handler: async (ctx, { query }) => {
    const rows = await new ReviewerStatsRepo(ctx.db, ctx.guild).list(query.days as MetricWindow, 100);
    return {
      days: query.days,
      computedAt: rows[0]?.computedAt ?? null,
      reviewers: rows.map((r) => {
        const n = decisions(r);
        return {
          reviewerId: r.reviewerId,
          claims: r.claims,
          decisions: n,
          accepted: r.accepted,
          rejected: r.rejected,
          kicked: r.kicked,
          blocked: r.blocked,
          overrides: r.overrides,
          approvalRate: n === 0 ? null : r.accepted / n,
          claimMedianMs: r.claimMedianMs,
          claimP95Ms: r.claimP95Ms,
          decideMedianMs: r.decideMedianMs,
          decideP95Ms: r.decideP95Ms,
        };
      }),
    };
  },
});
