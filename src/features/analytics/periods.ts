/** Time units of the rollups (UTC hours and days since the epoch). */

/** Milliseconds in an hour. */
export const HOUR_MS = 3_600_000;

/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;

/** Hours since the epoch of a time in ms. */
export const hourOf = (ms: number) => Math.floor(ms / HOUR_MS);

/** Days since the epoch (UTC) of a time in ms. */
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

/** Event types the lake may keep for a shorter time (`LAKE_MESSAGE_RETENTION_DAYS`): the high-volume ones. */
export const MESSAGE_EVENT_TYPES = ['MESSAGE_CREATE', 'MESSAGE_UPDATE', 'MESSAGE_DELETE', 'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'TYPING_START'] as const;

/** Event types the rollups read from the lake. */
export const ROLLUP_EVENT_TYPES = ['MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'VOICE_STATE_UPDATE', 'GUILD_MEMBER_ADD', 'GUILD_MEMBER_REMOVE'] as const;

/**
 * How long a voice state counts as "in voice" without a later update of the same member: a
 * session whose leave was never seen (a lost event, a restart) stops counting after this.
 */
export const VOICE_SESSION_CAP_MS = 4 * HOUR_MS;
