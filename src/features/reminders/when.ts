/**
 * When a reminder is due, from what a member types: `in 2h` / `2h30m` (a duration),
 * `at 18:30` / `18:30` (the next time the member's clock shows it), `at 2026-12-24 18:30`
 * (a date and time on their clock), or a Discord timestamp `<t:1767225600>` (any style).
 * Wall-clock times are read in the member's IANA timezone through `Intl` (UTC by default).
 */
import { UserError } from '../../core/errors';
import { formatDuration, parseDuration } from '../moderation/public';

/** The soonest a reminder may be due. */
export const MIN_LEAD_MS = 60_000;

/** The furthest ahead a reminder may be due (one year). */
export const MAX_LEAD_MS = 365 * 86_400_000;

/** What the error messages list. */
export const WHEN_FORMS = '`in 2h`, `in 1d12h`, `at 18:30`, `at 2026-12-24 18:30` or a Discord timestamp like `<t:1767225600>`';

/** True when `zone` is an IANA timezone name this runtime knows. */
export function isTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0 && zone.length <= 64;
  } catch {
    return false;
  }
}

/** The canonical spelling of a timezone (`europe/paris` → `Europe/Paris`), or null. */
export function canonicalTimezone(zone: string): string | null {
  const trimmed = zone.trim();
  if (!isTimezone(trimmed)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
}

/** Offset (ms) of `zone` from UTC at instant `at`: local wall time = `at + offset`. */
export function zoneOffset(zone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/** The instant at which `zone`'s clock shows the given wall time (the later one in a DST overlap is not chosen). */
export function fromWallTime(zone: string, y: number, mo: number, d: number, h: number, mi: number): number {
  const wall = Date.UTC(y, mo, d, h, mi);
  let at = wall - zoneOffset(zone, wall);
  // A second pass settles times near an offset change.
  at = wall - zoneOffset(zone, at);
  return at;
}

/** The wall-clock date in `zone` at instant `at`. */
function wallDate(zone: string, at: number): { y: number; mo: number; d: number } {
  const local = new Date(at + zoneOffset(zone, at));
  return { y: local.getUTCFullYear(), mo: local.getUTCMonth(), d: local.getUTCDate() };
}

const TIMESTAMP = /^<t:(-?\d{1,13})(?::[tTdDfFR])?>$/;
const CLOCK = /^(?:at\s+)?(\d{1,2}):(\d{2})\s*(am|pm)?$/i;
const DATED = /^(?:at\s+|on\s+)?(\d{4})-(\d{2})-(\d{2})(?:[ t]+(\d{1,2}):(\d{2}))?$/i;

/**
 * The due time for `input`, or a `UserError` saying why not (unreadable, in the past, sooner
 * than a minute, more than a year ahead).
 */
export function parseWhen(input: string, now: number, zone = 'UTC'): number {
  const text = input.trim().replace(/\s+/g, ' ');
  const due = readWhen(text, now, zone);
  if (due === null) throw new UserError('bad_when', `I can't read \`${input.slice(0, 60)}\` as a time. Use ${WHEN_FORMS}.`);
  if (due <= now) throw new UserError('when_past', `That time is in the past (<t:${Math.floor(due / 1000)}:F>). Pick a time ahead.`);
  if (due - now < MIN_LEAD_MS) throw new UserError('when_too_soon', 'A reminder must be at least a minute ahead.');
  if (due - now > MAX_LEAD_MS) throw new UserError('when_too_far', `That is ${formatDuration(due - now)} ahead; reminders go at most a year ahead.`);
  return due;
}

function readWhen(text: string, now: number, zone: string): number | null {
  const stamp = TIMESTAMP.exec(text);
  if (stamp) return Number(stamp[1]) * 1000;
  const clock = CLOCK.exec(text);
  if (clock) {
    let hour = Number(clock[1]);
    const minute = Number(clock[2]);
    const half = clock[3]?.toLowerCase();
    if (half) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (half === 'pm' ? 12 : 0);
    }
    if (hour > 23 || minute > 59) return null;
    const today = wallDate(zone, now);
    const at = fromWallTime(zone, today.y, today.mo, today.d, hour, minute);
    if (at > now) return at;
    const tomorrow = wallDate(zone, now + 86_400_000);
    return fromWallTime(zone, tomorrow.y, tomorrow.mo, tomorrow.d, hour, minute);
  }
  const dated = DATED.exec(text);
  if (dated) {
    const [y, mo, d, h = 9, mi = 0] = dated.slice(1).map((v) => (v === undefined ? undefined : Number(v))) as number[];
    if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59) return null;
    const at = fromWallTime(zone, y!, mo! - 1, d!, h!, mi!);
    // 2026-02-31 rolls over in Date.UTC: refuse it instead of reminding on 3 March.
    const back = wallDate(zone, at);
    if (back.mo !== mo! - 1 || back.d !== d) return null;
    return at;
  }
  const duration = text.replace(/^in\s+/i, '');
  if (/^(?:\d+\s*[smhdw]\s*)+$/i.test(duration)) return now + parseDuration(duration);
  return null;
}
