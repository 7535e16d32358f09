/** Analytics settings of a guild (`guild_settings` key `analytics`). */
import * as z from 'zod';

/** The settings key. */
export const ANALYTICS_SETTINGS = 'analytics';

/** The guild's timezone for the heatmap (an IANA name, checked when set). */
export const analyticsSettings = z.object({ timezone: z.string().max(64).default('UTC') });
