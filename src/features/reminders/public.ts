/**
 * Reminders' public surface: the time helpers other features read wall-clock input with
 * (runs: `/run schedule … when`, quota periods in the guild's timezone).
 */
export { MAX_LEAD_MS, MIN_LEAD_MS, WHEN_FORMS, canonicalTimezone, fromWallTime, parseWhen, zoneOffset } from './when';
