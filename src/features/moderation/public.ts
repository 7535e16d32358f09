/**
 * Moderation's public surface: the only file other features may import. Pure helpers
 * (durations, role hierarchy) and a read-only summary of a member's cases.
 */
import { and, count, eq, inArray, isNull, max } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { countPerDay, type DailyCounter } from '../../core/daily';
import { modCases, modNotes, modPunishments, type CaseType } from './schema';

export { DURATION_FORMS, formatDuration, parseDuration } from './duration';
export { highestPosition, memberPermissions } from './hierarchy';

/** A member's live (not deleted) cases, counted per type, and when the last one was made. */
export interface CaseSummary {
  total: number;
  byType: Partial<Record<CaseType, number>>;
  lastAt: number | null;
}

/** The member's case counts in one guild (one grouped query over their cases). */
export async function caseSummary(db: Db, guildId: string, userId: string): Promise<CaseSummary> {
  const rows = await db
    .select({ type: modCases.type, n: count(), last: max(modCases.createdAt) })
    .from(modCases)
    .where(and(eq(modCases.guildId, guildId), eq(modCases.targetId, userId), isNull(modCases.deletedAt)))
    .groupBy(modCases.type);
  const summary: CaseSummary = { total: 0, byType: {}, lastAt: null };
  for (const row of rows) {
    summary.total += row.n;
    summary.byType[row.type] = row.n;
    if (row.last !== null && (summary.lastAt === null || row.last > summary.lastAt)) summary.lastAt = row.last;
  }
  return summary;
}

/** A member's live notes and running timed punishments (modmail's context card). */
export interface MemberStanding {
  notes: number;
  /** Kinds of punishments in force (`timeout`, `mute`, `ban`, …). */
  active: string[];
}

/** The member's live notes count and punishments in force in one guild (two indexed queries). */
export async function memberStanding(db: Db, guildId: string, userId: string): Promise<MemberStanding> {
  const [[notes], active] = await Promise.all([
    db
      .select({ n: count() })
      .from(modNotes)
      .where(and(eq(modNotes.guildId, guildId), eq(modNotes.targetId, userId), isNull(modNotes.deletedAt))),
    db
      .select({ kind: modPunishments.kind })
      .from(modPunishments)
      .where(and(eq(modPunishments.guildId, guildId), eq(modPunishments.targetId, userId), inArray(modPunishments.status, ['held', 'pending', 'processing']))),
  ]);
  return { notes: notes?.n ?? 0, active: [...new Set(active.map((r) => r.kind))] };
}
/** Cases opened per day, every numbered attempt (the overview; index `(guild_id, created_at)`). */
export const casesOpenedPerDay: DailyCounter = (db, guildId, fromMs, toMs) =>
  countPerDay(db, modCases, { guild: modCases.guildId, time: modCases.createdAt }, guildId, fromMs, toMs);
