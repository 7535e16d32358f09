/**
 * The runs feature's settings (`runs`): who may organize, the calendar feed's secret, and the
 * quota configuration. One settings object, changed through `GuildConfig.updateSettings`
 * (versioned, audited).
 *
 * Organizers: a member may start runs when their staff level is at least `organizerLevel`
 * (default `helper`) or when they hold `organizerRoleId` (a plain role, e.g. "Raid Leader").
 */
import * as z from 'zod';
import { UserError } from '../../core/errors';
import type { InteractionContext } from '../../core/context';
import { STAFF_LEVELS, STAFF_LEVEL_LABELS, meetsLevel } from '../../core/staff';

/** Settings key. */
export const RUNS_KEY = 'runs';

/** Quota points a single `/quota adjust` may move, in hundredths (±100 points). */
export const MAX_ADJUST = 100_00;

/** Quota configuration. */
export const quotaSchema = z.object({
  period: z.enum(['weekly', 'monthly']).default('weekly'),
  /** weekly: 0 (Sunday) … 6; monthly: day of month 1 … 28. */
  resetDay: z.number().int().min(0).max(28).default(1),
  resetHour: z.number().int().min(0).max(23).default(0),
  /** Required points per staff role id, in hundredths. */
  roles: z.record(z.string(), z.number().int().min(0).max(100_000_00)).default({}),
  /** The leaderboard panel, once posted. */
  panel: z.object({ channelId: z.string(), messageId: z.string() }).nullable().default(null),
  /** The last period whose close was announced (rollover job; idempotent). */
  closedPeriod: z.string().nullable().default(null),
});

/** The runs settings object. */
export const runsSettingsSchema = z.object({
  organizerLevel: z.enum(STAFF_LEVELS).default('helper'),
  organizerRoleId: z.string().nullable().default(null),
  /** The guild's timezone (IANA): schedules are read and quota periods reset in it. */
  timezone: z.string().default('UTC'),
  calendarToken: z.string().nullable().default(null),
  quota: quotaSchema.default(() => quotaSchema.parse({})),
});

/** Runs settings as stored. */
export type RunsSettings = z.output<typeof runsSettingsSchema>;

/** Quota configuration as stored. */
export type QuotaConfig = z.output<typeof quotaSchema>;

/** The guild's runs settings. */
export function readRunsSettings(ctx: Pick<InteractionContext, 'config'>): Promise<RunsSettings> {
  return ctx.config.settings(RUNS_KEY, runsSettingsSchema);
}

/** Refuses (UserError) unless the invoker may organize runs here. */
export async function requireOrganizer(ctx: InteractionContext, settings: RunsSettings): Promise<void> {
  if (meetsLevel(await ctx.level(), settings.organizerLevel)) return;
  if (settings.organizerRoleId && ctx.member?.roles.includes(settings.organizerRoleId)) return;
  const role = settings.organizerRoleId ? ` or the <@&${settings.organizerRoleId}> role` : '';
  throw new UserError('not_organizer', `Only organizers can do that: ${STAFF_LEVEL_LABELS[settings.organizerLevel]} or above${role}.`);
}
