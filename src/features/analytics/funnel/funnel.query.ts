/**
 * The join funnel per weekly cohort (members by the UTC week of their latest join, weeks start
 * Monday): joined → applied → accepted → first message → level N, with the gate's decision
 * times (submission to decision: median and 90th percentile) per cohort. Two indexed reads:
 * the cohorts' members, and the applications submitted since the first cohort began.
 */
import { and, asc, eq, gte } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { UserError } from '../../../core/errors';
import { applicationsSince } from '../../gate/public';
import { funnelMembers } from '../funnel.schema';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** The most weeks one funnel covers. */
export const MAX_FUNNEL_WEEKS = 26;

/** One weekly cohort. */
export interface FunnelCohort {
  /** Monday 00:00 UTC of the cohort's week (ms). */
  week: number;
  joined: number;
  applied: number;
  accepted: number;
  firstMessage: number;
  reachedLevel: number;
  /** Submission → decision, over the cohort's decided applications (ms; null: none decided). */
  decisionMedianMs: number | null;
  decisionP90Ms: number | null;
  decided: number;
}

/** The funnel of a guild. */
export interface Funnel {
  weeks: number;
  level: number;
  cohorts: FunnelCohort[];
}

/** Monday 00:00 UTC of the week containing `t`. */
export function weekOf(t: number): number {
  const day = Math.floor(t / DAY);
  // 1970-01-01 was a Thursday: Monday-based weekday is (day + 3) % 7.
  return (day - ((day + 3) % 7)) * DAY;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** Checks the funnel's options (a clear answer for out-of-range input). */
export function funnelOptions(weeks: number | undefined, level: number | undefined): { weeks: number; level: number } {
  const w = weeks ?? 8;
  const l = level ?? 5;
  if (!Number.isInteger(w) || w < 1 || w > MAX_FUNNEL_WEEKS) throw new UserError('funnel_weeks', `Weeks must be a whole number from 1 to ${MAX_FUNNEL_WEEKS}.`);
  if (!Number.isInteger(l) || l < 1 || l > 1000) throw new UserError('funnel_level', 'The level must be a whole number from 1 to 1000.');
  return { weeks: w, level: l };
}

/** The funnel over the last `weeks` weekly cohorts (the current week included), newest last. */
export async function joinFunnel(db: Db, guildId: string, options: { weeks?: number; level?: number; now?: number } = {}): Promise<Funnel> {
  const { weeks, level } = funnelOptions(options.weeks, options.level);
  const now = options.now ?? Date.now();
  const start = weekOf(now) - (weeks - 1) * WEEK;
  const [members, apps] = await Promise.all([
    db
      .select()
      .from(funnelMembers)
      .where(and(eq(funnelMembers.guildId, guildId), gte(funnelMembers.joinedAt, start)))
      .orderBy(asc(funnelMembers.joinedAt)),
    applicationsSince(db, guildId, start),
  ]);
  const byUser = new Map<string, typeof apps>();
  for (const a of apps) byUser.set(a.userId, [...(byUser.get(a.userId) ?? []), a]);
  const cohorts: FunnelCohort[] = [];
  for (let i = 0; i < weeks; i++) {
    const week = start + i * WEEK;
    const inWeek = members.filter((m) => m.joinedAt >= week && m.joinedAt < week + WEEK);
    const c: FunnelCohort = { week, joined: inWeek.length, applied: 0, accepted: 0, firstMessage: 0, reachedLevel: 0, decisionMedianMs: null, decisionP90Ms: null, decided: 0 };
    const times: number[] = [];
    for (const m of inWeek) {
      // Their first application since this join (an application is submitted after joining).
      const app = byUser.get(m.userId)?.find((a) => a.submittedAt >= m.joinedAt);
      if (app) {
        c.applied++;
        if (app.status === 'accepted') c.accepted++;
        if (app.decidedAt !== null) times.push(app.decidedAt - app.submittedAt);
      }
      if (m.firstMessageAt !== null) c.firstMessage++;
      if (m.maxLevel >= level) c.reachedLevel++;
    }
    times.sort((a, b) => a - b);
    c.decided = times.length;
    c.decisionMedianMs = percentile(times, 0.5);
    c.decisionP90Ms = percentile(times, 0.9);
    cohorts.push(c);
  }
  return { weeks, level, cohorts };
}
