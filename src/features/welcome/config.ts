/**
 * Welcome settings, kept in the platform's per-guild settings under `welcome`.
 */
import * as z from 'zod';

/** Settings key in `guild_settings`. */
export const WELCOME_SETTINGS_KEY = 'welcome';

/** Default text; `{user}` becomes a mention of the new member. */
export const DEFAULT_WELCOME_MESSAGE = 'Welcome to the server, {user}!';

/** The welcome settings; every key defaulted so an unconfigured guild parses. */
export const welcomeSettingsSchema = z.object({
  message: z.string().min(1).max(1500).default(DEFAULT_WELCOME_MESSAGE),
});

/** Parsed welcome settings. */
export type WelcomeSettings = z.output<typeof welcomeSettingsSchema>;
