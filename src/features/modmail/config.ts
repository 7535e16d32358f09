/**
 * Modmail's settings, kept in the platform's per-guild settings under `modmail` (audited on
 * every change), and its channel purposes: `modmail` (where staff threads are made: a text
 * channel gets private threads, a forum gets posts) and `modmail_log` (closed transcripts).
 */
import * as z from 'zod';
import type { GuildConfig } from '../../core/guild-config.repo';

/** Settings key in `guild_settings`. */
export const MODMAIL_SETTINGS_KEY = 'modmail';

/** Channel purposes modmail declares. */
export const MODMAIL_CHANNELS = {
  modmail: 'Where modmail opens staff threads (a text channel: private threads; a forum: posts)',
  modmail_log: 'Where modmail posts closed tickets’ transcripts',
} as const;

const snowflake = z.string().regex(/^\d{15,21}$/);

/** The modmail settings schema; every key defaulted so an unconfigured guild parses. */
export const modmailSettingsSchema = z.object({
  /** The name anonymous replies are signed with. */
  anonymousName: z.string().min(1).max(80).default('Staff team'),
  /** Pinged in a new ticket's thread when its category names no role of its own. */
  staffRoleId: snowflake.nullable().default(null),
  /** Sent to the member when a ticket opens. */
  greeting: z
    .string()
    .max(1500)
    .default('Thanks for reaching out to the staff of **{server}**. Your message was passed on; we will answer here.'),
  /** Whether a plain DM to the bot may open a ticket in this guild (the gateway relay must run). */
  dmOpen: z.boolean().default(true),
});

/** Parsed modmail settings. */
export type ModmailSettings = z.output<typeof modmailSettingsSchema>;

/** Reads a guild's modmail settings. */
export function readModmailSettings(config: GuildConfig): Promise<ModmailSettings> {
  return config.settings(MODMAIL_SETTINGS_KEY, modmailSettingsSchema);
}
