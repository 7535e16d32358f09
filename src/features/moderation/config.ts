/**
 * The moderation settings of a guild (`guild_settings` key `moderation`). Every key is
 * defaulted, so a guild that never configured anything gets a working module.
 */
import * as z from 'zod';
import type { GuildConfig } from '../../core/guild-config.repo';

/** The settings key under which moderation keeps its configuration. */
export const SETTINGS_KEY = 'moderation';

/** The channel purpose for the mod log. */
export const MOD_LOG = 'mod_log';

const snowflake = z.string().regex(/^\d{15,21}$/);

/** "N active warnings within D days → action". */
export const thresholdSchema = z.object({
  count: z.number().int().min(2).max(50),
  days: z.number().int().min(1).max(365),
  action: z.enum(['timeout', 'kick', 'ban']),
  /** For timeout (required) and ban (optional: permanent when absent). */
  durationMs: z.number().int().positive().optional(),
});

/** A warning threshold rule. */
export type Threshold = z.infer<typeof thresholdSchema>;

/** The moderation settings. */
export const moderationSettingsSchema = z.object({
  mutedRoleId: snowflake.nullable().default(null),
  suspendedRoleId: snowflake.nullable().default(null),
  thresholds: z.array(thresholdSchema).max(10).default([]),
  /** Warnings older than this many days no longer count; null: they never decay. */
  warnDecayDays: z.number().int().min(1).max(3650).nullable().default(null),
});

/** Parsed moderation settings. */
export type ModerationSettings = z.infer<typeof moderationSettingsSchema>;

/** Reads a guild's moderation settings (defaults filled in). */
export function moderationSettings(config: GuildConfig): Promise<ModerationSettings> {
  return config.settings(SETTINGS_KEY, moderationSettingsSchema);
}
