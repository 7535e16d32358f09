/**
 * Moderation settings for the dashboard (managers): muted and suspended roles, warning
 * thresholds with their durations, and warning decay, changed through `updateSettings` as
 * `/modconfig` does (audited with before and after).
 */
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { snowflake } from './cases.api';
import { SETTINGS_KEY, moderationSettings, moderationSettingsSchema, type ModerationSettings, type Threshold } from './config';
import { formatDuration, parseDuration } from './duration';


/** Milliseconds of a duration such as `1d12h`, or null when it does not read. */
function durationMs(text: string): number | null {
  try {
    return parseDuration(text);
  } catch {
    return null;
  }
}

const durationText = z
  .string()
  .trim()
  .refine((t) => durationMs(t) !== null, `Use a duration such as 30s, 10m, 2h, 7d, 1w or 1d12h (at most 5 years).`);

const thresholdBody = z
  .object({
    count: z.number().int().min(2).max(50),
    days: z.number().int().min(1).max(365),
    action: z.enum(['timeout', 'kick', 'ban']),
    /** For timeout (required) and ban (optional: permanent when absent). Ignored for kick. */
    duration: durationText.optional(),
  })
  .superRefine((rule, issues) => {
    if (rule.action === 'timeout' && !rule.duration) issues.addIssue({ code: 'custom', path: ['duration'], message: 'A timeout rule needs a duration.' });
  });

/** The moderation settings the dashboard edits; only the keys given change. */
export const moderationSettingsBody = z
  .object({
    mutedRoleId: snowflake.nullable(),
    suspendedRoleId: snowflake.nullable(),
    thresholds: z
      .array(thresholdBody)
      .max(10, 'At most 10 threshold rules.')
      .superRefine((rules, issues) => {
        rules.forEach((r, i) => {
          if (rules.findIndex((o) => o.count === r.count) !== i) issues.addIssue({ code: 'custom', path: [i, 'count'], message: `There is already a rule for ${r.count} warnings.` });
        });
      }),
    /** Days after which warnings stop counting; null: never. */
    warnDecayDays: z.number().int().min(1).max(3650).nullable(),
  })
  .partial();

const settingsResponse = z.object({
  mutedRoleId: z.string().nullable(),
  suspendedRoleId: z.string().nullable(),
  thresholds: z.array(
    z.object({ count: z.number().int(), days: z.number().int(), action: z.enum(['timeout', 'kick', 'ban']), durationMs: z.number().nullable(), duration: z.string().nullable() }),
  ),
  warnDecayDays: z.number().int().nullable(),
});

function toSettings(s: ModerationSettings): z.input<typeof settingsResponse> {
  return {
    mutedRoleId: s.mutedRoleId,
    suspendedRoleId: s.suspendedRoleId,
    thresholds: s.thresholds.map((t) => ({ count: t.count, days: t.days, action: t.action, durationMs: t.durationMs ?? null, duration: t.durationMs ? formatDuration(t.durationMs) : null })),
    warnDecayDays: s.warnDecayDays,
  };
}

/** `GET /moderation/settings`. */
export const getModerationSettingsRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/moderation/settings',
  access: 'manager',
  summary: 'Moderation settings: muted and suspended roles, warning thresholds, decay',
  response: settingsResponse,
  handler: async (ctx) => toSettings(await moderationSettings(ctx.config)),
});

/** `PATCH /moderation/settings`: as `/modconfig roles|threshold-add|threshold-remove|decay`. */
export const updateModerationSettingsRoute = defineApiRoute({
  method: 'patch',
  path: '/guilds/{guildId}/moderation/settings',
  access: 'manager',
  summary: 'Change moderation settings (thresholds replace the whole list, sorted by count)',
  request: { body: moderationSettingsBody },
  response: settingsResponse,
  handler: async (ctx, { body }) => {
    const { thresholds, ...rest } = body;
    const rules: Threshold[] | undefined = thresholds?.map((r) => {
      const ms = r.duration ? durationMs(r.duration) : null;
      return { count: r.count, days: r.days, action: r.action, ...(ms && r.action !== 'kick' ? { durationMs: ms } : {}) };
    });
    const saved = await ctx.config.updateSettings(ctx.user.id, SETTINGS_KEY, moderationSettingsSchema, (current) => ({
      ...current,
      ...rest,
      ...(rules ? { thresholds: [...rules].sort((a, b) => a.count - b.count) } : {}),
    }));
    return toSettings(saved);
  },
});
