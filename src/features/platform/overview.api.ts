/**
 * The dashboard overview (managers): per-day counts over a range of UTC days, from the
 * rollup and indexed counts of `overview.service.ts` (never a scan of the guild's history).
 */
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { DAY_MS } from '../../core/daily';
import { fieldError } from './config.api';
import { MAX_OVERVIEW_DAYS, OVERVIEW_METRICS, dayOf, overview } from './overview.service';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD.').refine((d) => Number.isFinite(Date.parse(`${d}T00:00:00Z`)), 'Not a date.');

const dayCounts = z.object(Object.fromEntries(OVERVIEW_METRICS.map((m) => [m, z.number().int()])) as Record<(typeof OVERVIEW_METRICS)[number], z.ZodNumber>);

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const dayNumber = (d: string) => dayOf(Date.parse(`${d}T00:00:00Z`));

/** `GET /overview?from=2026-11-01&to=2026-11-30` (default: the last 30 days, today included). */
export const overviewRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/overview',
  access: 'manager',
  keyScope: 'stats:read',
  summary: 'Members joined and left, applications submitted and decided, cases opened and commands used, per UTC day',
  request: { query: z.object({ from: date.optional(), to: date.optional() }) },
  response: z.object({
    from: z.string(),
    to: z.string(),
    metrics: z.array(z.enum(OVERVIEW_METRICS)),
    days: z.array(dayCounts.extend({ date: z.string() })),
    totals: dayCounts,
  }),
  handler: async (ctx, { query }) => {
    const now = Date.now();
    const toDay = query.to ? dayNumber(query.to) : dayOf(now);
    const fromDay = query.from ? dayNumber(query.from) : toDay - 29;
    if (fromDay > toDay) throw fieldError('from', 'The start must not be after the end.');
    if (toDay - fromDay + 1 > MAX_OVERVIEW_DAYS) throw fieldError('from', `At most ${MAX_OVERVIEW_DAYS} days at once.`);
    if (toDay > dayOf(now)) throw fieldError('to', 'The end cannot be in the future.');
    const days = await overview(ctx.db, ctx.guild, { fromDay, toDay, now });
    const totals = Object.fromEntries(OVERVIEW_METRICS.map((m) => [m, days.reduce((sum, d) => sum + d[m], 0)])) as Record<(typeof OVERVIEW_METRICS)[number], number>;
    return {
      from: isoDay(fromDay),
      to: isoDay(toDay),
      metrics: [...OVERVIEW_METRICS],
      days: days.map(({ day, ...counts }) => ({ date: isoDay(day), ...counts })),
      totals,
    };
  },
});
