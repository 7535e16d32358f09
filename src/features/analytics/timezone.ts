/**
 * Timezone helpers for the heatmap: the canonical name of an IANA zone (a bad one is a
 * `UserError`), and UTC offsets read through one cached `Intl.DateTimeFormat` per zone.
 */
import { UserError } from '../../core/errors';
import { canonicalTimezone } from '../reminders/public';
import { DAY_MS, HOUR_MS } from './periods';

/** The zone's canonical spelling (`europe/paris` → `Europe/Paris`), or a `UserError` naming it. */
export function requireTimezone(zone: string): string {
  const canonical = canonicalTimezone(zone);
  if (!canonical) throw new UserError('bad_timezone', `\`${zone.slice(0, 64)}\` is not a timezone I know. Use an IANA name such as \`Europe/Paris\`, \`America/New_York\` or \`UTC\`.`);
  return canonical;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset (ms) of `zone` from UTC at `at`: local wall time = `at + offset`. */
export function offsetAt(zone: string, at: number): number {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(zone, fmt);
  }
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  return wall - Math.floor(at / 60_000) * 60_000;
}

/**
 * The local weekday (0 = Monday … 6 = Sunday) and hour of each UTC hour start in `hours`,
 * reading the zone's offset about twice per UTC day instead of once per hour.
 */
export function localSlots(zone: string, hours: readonly number[]): { weekday: number; hour: number }[] {
  const perDay = new Map<number, [number, number]>();
  return hours.map((h) => {
    const t = h * HOUR_MS;
    const day = Math.floor(t / DAY_MS);
    let bounds = perDay.get(day);
    if (!bounds) perDay.set(day, (bounds = [offsetAt(zone, day * DAY_MS), offsetAt(zone, day * DAY_MS + DAY_MS - 1)]));
    const offset = bounds[0] === bounds[1] ? bounds[0] : offsetAt(zone, t);
    const local = new Date(t + offset);
    return { weekday: (local.getUTCDay() + 6) % 7, hour: local.getUTCHours() };
  });
}
