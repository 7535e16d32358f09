/**
 * The gate's settings, kept in the platform's per-guild settings under `gate` (audited on
 * every change). The review and welcome channels are platform channel purposes (`review`,
 * `welcome`), so `/config channel set` and `/gate setup` edit the same mapping.
 */
import * as z from 'zod';
import type { GuildConfig } from '../../core/guild-config.repo';

/** Settings key in `guild_settings`. */
export const GATE_SETTINGS_KEY = 'gate';

/** Channel purposes the gate declares. */
export const GATE_CHANNELS = {
  review: 'Where the gate posts review cards and stale-queue alerts',
  welcome: 'Where the gate welcomes accepted applicants',
} as const;

const snowflake = z.string().regex(/^\d{15,21}$/);

/** Default welcome text; placeholders `{user}`, `{server}`, `{memberCount}`. */
export const DEFAULT_WELCOME = 'Welcome {user} to {server}! You are member number {memberCount}.';

/** The gate settings schema; every key defaulted so an unconfigured guild parses. */
export const gateSettingsSchema = z.object({
  acceptedRoleIds: z.array(snowflake).max(5).default([]),
  unverifiedRoleId: snowflake.nullable().default(null),
  welcomeTemplate: z.string().max(1500).default(DEFAULT_WELCOME),
  /** Hours a rejected (or kicked) applicant waits before applying again. */
  cooldownHours: z.number().int().min(0).max(24 * 365).default(24),
  /** Accounts younger than this many days are flagged on the card; 0 turns the flag off. */
  youngAccountDays: z.number().int().min(0).max(3650).default(7),
  /** Pinged by stale alerts at 24 h and 48 h. */
  reviewerRoleId: snowflake.nullable().default(null),
  /** Pinged by the 72 h escalation. */
  adminRoleId: snowflake.nullable().default(null),
  /** Where `/gate post` put the gate message (the join prompt links to it). */
  gateChannelId: snowflake.nullable().default(null),
  gateMessageId: snowflake.nullable().default(null),
});

/** Parsed gate settings. */
export type GateSettings = z.output<typeof gateSettingsSchema>;

/** Reads the gate settings of a guild. */
export function readGateSettings(config: GuildConfig): Promise<GateSettings> {
  return config.settings(GATE_SETTINGS_KEY, gateSettingsSchema);
}

/** Fills `{user}`, `{server}` and `{memberCount}` in a template. */
export function renderTemplate(template: string, values: { user: string; server: string; memberCount: number | null }): string {
  return template
    .replaceAll('{user}', values.user)
    .replaceAll('{server}', values.server)
    .replaceAll('{memberCount}', values.memberCount === null ? '?' : String(values.memberCount));
}

/**
 * Why a role cannot be one the gate gives or removes (`what`: "accepted role"), or null:
 * not @everyone (its id is the guild's), not managed by an integration.
 */
export function roleProblem(guildId: string, role: { id: string; managed?: boolean }, what: string): string | null {
  if (role.id === guildId) return `The ${what} cannot be @everyone.`;
  if (role.managed) return `The ${what} <@&${role.id}> is managed by an integration; I cannot assign it.`;
  return null;
}

/** Why the unverified role cannot be `unverifiedId` given the accepted roles, or null. */
export function unverifiedProblem(acceptedIds: readonly string[], unverifiedId: string | null): string | null {
  return unverifiedId && acceptedIds.includes(unverifiedId) ? 'The unverified role cannot also be an accepted role.' : null;
}
