/**
 * The gate's public surface: the only file other features may import.
 */
import { and, desc, eq, gte } from 'drizzle-orm';
import * as z from 'zod';
import type { Db } from '../../db/client';
import type { BaseContext } from '../../core/context';
import type { GuildConfig } from '../../core/guild-config.repo';
import { countPerDay, type DailyCounter } from '../../core/daily';
import { GATE_SETTINGS_KEY } from './config';
import { ApplicationsRepo, OPEN_STATUSES } from './applications.repo';
import { refreshCard } from './review.service';
import { gateApplications, type AvatarRisk } from './schema';

export { onMemberJoin, type MemberJoin } from './join.service';
export { REVERTIBLE_FORM_ACTIONS, revertFormChange } from './questions.service';
export type { AvatarRisk } from './schema';

/**
 * Records the avatar-scan verdict on an application and re-renders its review card (the
 * "Avatar risk" line). Unknown applications (or another guild's) are ignored.
 * @param applicationId the application's id, as a string (queue messages carry strings)
 * @returns whether the application is still awaiting a decision (worth alerting reviewers)
 */
export async function applyAvatarRisk(ctx: BaseContext, guildId: string, applicationId: string, risk: AvatarRisk): Promise<boolean> {
  const id = Number(applicationId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`gate: bad application id "${applicationId}"`);
  const clean: AvatarRisk = { score: risk.score, label: risk.label.slice(0, 100), highlight: risk.highlight, ...(risk.detail ? { detail: risk.detail.slice(0, 900) } : {}) };
  const app = await new ApplicationsRepo(ctx.db, guildId).setAvatarRisk(id, clean);
  if (!app) return false;
  await refreshCard(ctx, app);
  return (OPEN_STATUSES as readonly string[]).includes(app.status);
}

/** Any saved settings object: only its presence matters here. */
const anySettings = z.record(z.string(), z.unknown());

/**
 * Whether the gate handles member joins in a guild (its module is on and `/gate setup` has
 * been run), so other features (the plain welcome) stay quiet.
 */
export async function gateHandlesJoins(config: GuildConfig): Promise<boolean> {
  if (!(await config.moduleEnabled('gate', true))) return false;
  const saved = await config.settings(GATE_SETTINGS_KEY, anySettings);
  return Object.keys(saved).length > 0;
}

/** What another feature may know of a member's latest application (modmail's context card). */
export interface ApplicationSummary {
  id: number;
  status: string;
  submittedAt: number;
  avatarRisk: AvatarRisk | null;
}

/** The member's most recent application in a guild, or null (one indexed query). */
export async function latestApplication(db: Db, guildId: string, userId: string): Promise<ApplicationSummary | null> {
  const [row] = await db
    .select({ id: gateApplications.id, status: gateApplications.status, submittedAt: gateApplications.submittedAt, avatarRisk: gateApplications.avatarRisk })
    .from(gateApplications)
    .where(and(eq(gateApplications.guildId, guildId), eq(gateApplications.userId, userId)))
    .orderBy(desc(gateApplications.submittedAt))
    .limit(1);
  return row ? { ...row, avatarRisk: row.avatarRisk ?? null } : null;
}
/** Applications submitted per day (the overview; index `(guild_id, submitted_at)`). */
export const applicationsSubmittedPerDay: DailyCounter = (db, guildId, fromMs, toMs) =>
  countPerDay(db, gateApplications, { guild: gateApplications.guildId, time: gateApplications.submittedAt }, guildId, fromMs, toMs);

/** Applications decided per day (the overview; index `(guild_id, decided_at)`). */
export const applicationsDecidedPerDay: DailyCounter = (db, guildId, fromMs, toMs) =>
  countPerDay(db, gateApplications, { guild: gateApplications.guildId, time: gateApplications.decidedAt }, guildId, fromMs, toMs);

/** An application's timeline, for the analytics join funnel. */
export interface ApplicationTimes {
  userId: string;
  status: string;
  submittedAt: number;
  decidedAt: number | null;
}

/** Applications submitted in a guild from `sinceMs` on (index `(guild_id, submitted_at)`), oldest first. */
export async function applicationsSince(db: Db, guildId: string, sinceMs: number): Promise<ApplicationTimes[]> {
  return db
    .select({ userId: gateApplications.userId, status: gateApplications.status, submittedAt: gateApplications.submittedAt, decidedAt: gateApplications.decidedAt })
    .from(gateApplications)
    .where(and(eq(gateApplications.guildId, guildId), gte(gateApplications.submittedAt, sinceMs)))
    .orderBy(gateApplications.submittedAt);
}
