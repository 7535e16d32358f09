/**
 * The opt-in public activity page's flag (one `guild_settings` object, key `analytics.public`,
 * changed by managers through `updateSettings`: versioned and audited). Off unless set.
 */
import * as z from 'zod';

export const PUBLIC_PAGE_KEY = 'analytics.public';
export const publicPageSchema = z.object({ enabled: z.boolean().default(false) });
